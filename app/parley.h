/*
 * Parley: shared declarations, one section per source file (httpd.h style).
 *
 * Files in the "pure" sections (validate.c, qs.c, secret.c, errors.c) do not
 * use Kore and are linked into the unit tests on their own; everything else
 * runs inside a Kore worker.
 */
#ifndef PARLEY_H
#define PARLEY_H

#include <stddef.h>
#include <stdint.h>

/* ---- validate.c: pure validators (no Kore) ---------------------------- */

/* Returns the number of code points in s[0..len) or -1 if not valid UTF-8
 * (overlongs, surrogates and code points above U+10FFFF are invalid). */
long	utf8_length(const char *s, size_t len);
int	utf8_valid(const char *s, size_t len);
/* The byte length (1 to 4) of the UTF-8 sequence at s (len > 0 bytes
 * left), or 0 when it is not a valid, shortest-form encoding of a scalar
 * value, by the rules of utf8_length. */
size_t	utf8_sequence(const char *s, size_t len);
/* 1 if s is empty or only whitespace (ASCII and common Unicode spaces). */
int	text_blank(const char *s);
/* 1 if handle matches ^[a-z0-9_]{3,30}$ (the caller lower-cases first). */
int	valid_handle(const char *s);
/* 1 for a plausible address: one '@', non-empty local part, a dotted domain
 * of letters, digits and hyphens; at most 254 bytes; no spaces or controls. */
int	valid_email(const char *s);
/* Domain part of an e-mail address (pointer into s) or NULL. */
const char *email_domain(const char *s);
/* 1 if the domain is in the comma-separated allow-list (case-insensitive);
 * an empty or NULL list allows every domain. */
int	email_domain_allowed(const char *email, const char *allow_list);
/* Parses a decimal id in [1, INT64_MAX]; no sign, spaces or leading zeros. */
int	parse_id(const char *s, int64_t *out);
/* Parses a decimal integer in [min, max]; 1 on success. */
int	parse_int_range(const char *s, long min, long max, long *out);

/* ---- strbuf.c: growable byte strings (no Kore) ------------------------ */

#define STRBUF_MAX	((size_t)1 << 30)	/* the default limit, bytes */

/* A growable byte string; zero it (STRBUF_INIT, memset) before use, and
 * set max for a limit other than STRBUF_MAX. data is malloc'd and
 * NUL-terminated once non-NULL; len does not count that NUL (it does count
 * NULs appended as data). An append that would pass max bytes, or finds no
 * memory, appends nothing and sets failed, which sticks (later appends do
 * nothing) until strbuf_free or strbuf_take: text is never cut silently,
 * and a caller may append freely and check failed once. */
struct strbuf {
	char	*data;
	size_t	 len, cap;
	size_t	 max;		/* 0: STRBUF_MAX */
	int	 failed;
};
#define STRBUF_INIT	{ NULL, 0, 0, 0, 0 }
/* Appends s[0..n) (a C string; one byte). Appending nothing still
 * allocates, so data is "" rather than NULL afterwards. */
void	strbuf_add(struct strbuf *, const void *s, size_t n);
void	strbuf_str(struct strbuf *, const char *s);
void	strbuf_char(struct strbuf *, char c);
/* Appends s[0..n), each byte for which rep returns non-NULL replaced by
 * that string. */
void	strbuf_add_escaped(struct strbuf *, const char *s, size_t n,
	    const char *(*rep)(char));
/* Appends s[0..n) HTML-escaped: & < > " ' as references. */
void	strbuf_add_html(struct strbuf *, const char *s, size_t n);
/* Empties b, keeping its memory, its limit and a failure. */
void	strbuf_reset(struct strbuf *);
/* Frees the data; b is then empty and not failed, with the same limit. */
void	strbuf_free(struct strbuf *);
/* Hands the data to the caller (free() it): NUL-terminated, "" when
 * nothing was appended, its length in *len when len is not NULL; b is left
 * empty. NULL when b failed or memory ran out; b is then freed. */
char	*strbuf_take(struct strbuf *, size_t *len);

/* ---- qs.c: query strings and keyset cursors (no Kore) ----------------- */

/* Finds name in a raw query string and URL-decodes its value into out
 * (NUL-terminated, at most outlen-1 bytes). Returns 1 when found and
 * decoded, 0 when absent, -1 when malformed or too long. */
int	qs_get(const char *query, const char *name, char *out, size_t outlen);
/* Percent-decodes one path segment ('+' stays '+'); 1 on success. */
int	path_decode(const char *s, size_t len, char *out, size_t outlen);
/* Cursor = opaque text for a (microsecond time, id) keyset position. */
int	cursor_encode(int64_t at_us, int64_t id, char *out, size_t outlen);
/* 1 on a well-formed cursor, 0 on anything else (tampered, truncated). */
int	cursor_decode(const char *s, int64_t *at_us, int64_t *id);

/* ---- text.c: mentions, tags, links and safe HTML (no Kore) ----------- */

#include <jansson.h>

#define TEXT_URL_MAX	2048

enum { TEXT_PLAIN, TEXT_LINK, TEXT_MENTION, TEXT_TAG };
typedef int	(*text_token_cb)(int kind, const char *s, size_t n, void *arg);
typedef int	(*text_known_cb)(const char *handle, void *arg);

/* Splits s into plain text, links, mentions and tags, in order; stops and
 * returns -1 when cb does. */
int	text_scan(const char *s, size_t len, text_token_cb cb, void *arg);
/* Appends the distinct lower-cased mentions (handles, without '@') and tags
 * (without '#') of s to two JSON arrays, at most 50 of each. */
int	text_extract(const char *s, size_t len, json_t *mentions, json_t *tags);
/* The post as HTML: everything escaped; links, known mentions (known ==
 * NULL: all) and tags as our own anchors. malloc'd; NULL on failure. */
char	*text_render_html(const char *s, size_t len, text_known_cb known,
	    void *arg);
/* 1 if tag (without '#') is one text_extract would produce. */
int	text_valid_tag(const char *tag);
void	text_lower(char *s);
/* A text_known_cb: 1 if handle is in the JSON array of handles passed as
 * the callback's argument (mentions that exist, looked up by the caller). */
int	text_known_handle(const char *handle, void *known_array);

/* ---- secret.c: tokens, password hashes, constant-time checks (no Kore) - */

#define SECRET_TOKEN_LEN	43	/* base64url of 32 random bytes */
#define SECRET_HASH_HEX		64	/* hex of a 32-byte BLAKE2b hash */
#define SECRET_PWHASH_MAX	128

int	secret_init(void);
/* Random token: prefix + 43 base64url characters, NUL-terminated. */
int	secret_token(const char *prefix, char *out, size_t outlen);
/* Hex BLAKE2b-256 of a token: what the database stores instead of it. */
int	secret_token_hash(const char *token, char out[SECRET_HASH_HEX + 1]);
/* Constant-time equality of two NUL-terminated strings. */
int	secret_equal(const char *a, const char *b);
/* argon2id; 0 on success. Both are slow (about 0.1 s) and meant to run in
 * a task thread, never on the worker's event loop. */
int	secret_password_hash(const char *pw, char out[SECRET_PWHASH_MAX]);
int	secret_password_verify(const char *hash, const char *pw);
void	secret_wipe(void *, size_t);
/* HMAC-SHA256 hex digest comparison for webhooks: 1 if sig matches. */
int	secret_hmac_sha256_verify(const char *key, const void *body,
	    size_t len, const char *hexsig);

/* ---- errors.c: status codes and SQLSTATE mapping (no Kore) ------------- */

/* The contract's default error code and message for an HTTP status. */
const char	*error_code_for(int status);
const char	*error_message_for(int status);
/* Maps a SQLSTATE to the HTTP status it means for a client:
 * 23505 -> 409, 23503/23502 -> 422, 23514/22001/22P02/22003 -> 422,
 * 40001/40P01 -> 503 (retryable), 08xxx/57P0x/57014 -> 503, else 500. */
int		sqlstate_status(const char *sqlstate);
int		sqlstate_retryable(const char *sqlstate);

/* ---- ldif.c: LDIF directory exports to person entries (no Kore) ------- */

#define LDIF_VALUE_MAX		4096	/* bytes of one value we use */
#define LDIF_DN_MAX		1024	/* bytes of a dn (users.external_id) */
#define LDIF_ENTRIES_MAX	100000	/* people per file; the rest unread */
#define LDIF_REJECTED_MAX	1000	/* rejections listed per file */

struct json_t;
/* Parses an LDIF file (RFC 2849) into a new JSON array of the person
 * entries import_people() takes: {"dn" (normalised), "uid",
 * "display_name", "email", "department", "location", "title",
 * "manager_uid", "manager_dn", "line"}, null where absent. *rejected gets a
 * new array of {"line", "reason"}; the caller owns both. Records that are
 * not people are skipped. NULL (and *rejected NULL) only when out of
 * memory. */
struct json_t	*ldif_parse(const char *buf, size_t len,
		    struct json_t **rejected);

/* ---- urlnorm.c: bookmark URLs and the key of the page they name -------- */

#define URLNORM_MAX	2048	/* bytes of a URL */

/* NULL when url[0..len) is an absolute http or https URL with a valid host
 * (and port), no user name or password, no spaces or control characters,
 * valid UTF-8 without U+FFFD (unreadable bytes), at most URLNORM_MAX bytes;
 * otherwise a static sentence that
 * says what is wrong (it never quotes the URL). */
const char	*urlnorm_check(const char *url, size_t len);
/* Writes the URL's key into out: scheme and host lower-cased, the default
 * port dropped, the fragment removed, an empty path written "/". Two URLs
 * with one key are one page. 1 on success; 0 when urlnorm_check refuses
 * the URL or outlen < len + 2. */
int		 urlnorm_key(const char *url, size_t len, char *out,
		    size_t outlen);

/* ---- htmltext.c: text of HTML files from elsewhere (no Kore) ---------- */

/* The bytes as UTF-8: unchanged when valid UTF-8 (minus a byte order
 * mark), else read as Windows-1252; NUL bytes become U+FFFD. malloc'd,
 * NUL-terminated; NULL when out of memory. */
char	*htmltext_to_utf8(const char *buf, size_t len, size_t *outlen);
/* The HTML character reference at s[0] == '&' (&name; for the common names,
 * &#NNN; &#xHH;, the ';' optional for numbers): its length, and its code
 * point in *cp (128-159 read as Windows-1252); 0 when it is none. */
size_t	 htmltext_ref(const char *s, size_t n, unsigned long *cp);
/* Writes cp as UTF-8 (U+FFFD for NUL, surrogates and beyond U+10FFFF);
 * returns the bytes written, 1 to 4. */
size_t	 htmltext_encode(unsigned long cp, char out[4]);
/* s with its character references decoded; malloc'd, NUL-terminated, never
 * longer than s; NULL when out of memory. */
char	*htmltext_unescape(const char *s, size_t len, size_t *outlen);

/* ---- netscape.c: Netscape bookmark files (no Kore) -------------------- */

#define NETSCAPE_TITLE_MAX		500	/* code points */
#define NETSCAPE_DESCRIPTION_MAX	10000	/* code points */
#define NETSCAPE_TAGS_MAX		20	/* per bookmark */
#define NETSCAPE_ENTRIES_MAX		100000	/* per file; the rest unread */
#define NETSCAPE_REJECTED_MAX		1000	/* rejections listed per file */

struct netscape_result {
	/* [{"url", "url_key", "title", "description", "tags": [tag],
	 * "private": bool, "add_date": Unix seconds or null, "line"}]: one per
	 * URL, in file order; later copies of a URL only add their tags. */
	struct json_t	*entries;
	struct json_t	*rejected;	/* [{"line", "reason"}], the first
					 * NETSCAPE_REJECTED_MAX */
	size_t		 rejected_total;
	size_t		 duplicates;	/* copies of a URL already in the file */
	int		 is_bookmarks;	/* 0: neither a bookmark file nor empty */
};

/* Parses a bookmark file (UTF-8, else Windows-1252) into r, which the caller
 * frees with netscape_result_free(). Folders become tags, <DD> text the
 * description; bad lines are rejected one by one. 0, or -1 when out of
 * memory (r then holds nothing). */
int	netscape_parse(const char *buf, size_t len, struct netscape_result *r);
void	netscape_result_free(struct netscape_result *r);
/* A bookmark file of entries shaped as above ("url_key" and "line" are not
 * needed), HTML-escaped, that browsers import. malloc'd; NULL when out of
 * memory. */
char	*netscape_write(const struct json_t *entries, size_t *outlen);
/* Makes a tag of free text (a folder name, an item of TAGS): ASCII
 * lower-cased; runs of spaces and - . , / + : ; | & \ and of non-ASCII
 * punctuation become one '_' between words; other characters a tag cannot
 * hold are dropped; at most 50 code points. 1 when what is left is a tag
 * text_valid_tag accepts (not empty, not only digits); out gets it. */
int	netscape_tag(const char *s, size_t len, char *out, size_t outlen);

/* ---- rank.c: search queries and the experts' "why" sentence (no Kore) -- */

#define RANK_QUERY_MAX_CHARS	200	/* code points of a query kept */
#define RANK_QUERY_MAX_TERMS	32	/* words of a query kept */
#define RANK_QUERY_BUF		(RANK_QUERY_MAX_CHARS * 4 + 1)
#define RANK_TOPIC_MAX_CHARS	60	/* of the query, quoted in "why" */
#define RANK_WHY_MAX		1024

/* Cleans a search query for PostgreSQL: whole words separated by single
 * spaces (controls and Unicode spaces separate words), at most
 * RANK_QUERY_MAX_TERMS words and RANK_QUERY_MAX_CHARS code points (a
 * single longer word keeps its beginning). Returns the length written to
 * out (NUL-terminated; 0: nothing left) and sets *truncated when words
 * were dropped; -1 when in is not valid UTF-8. */
int	rank_query_clean(const char *in, size_t len, char *out, size_t outlen,
	    int *truncated);
/* 1 if the cleaned query has anything a word could be made of (letters or
 * digits); 0 for punctuation and symbols only, which match nothing. */
int	rank_query_searchable(const char *s);
/* The query as a topic for a sentence: at most RANK_TOPIC_MAX_CHARS code
 * points, cut at a space and ended with an ellipsis when longer. 1 on
 * success, 0 when out is too small. */
int	rank_topic(const char *query, char *out, size_t outlen);

/* The evidence GET /api/v1/experts reports for one person. */
struct rank_evidence {
	long long	accepted_answers;	/* among answers */
	long long	answers;	/* on questions matching the topic */
	long long	answer_score;	/* sum of those answers' scores */
	long long	posts;		/* posts matching the topic */
	long long	bookmarks;	/* own public bookmarks matching it */
	int		skill_declared;	/* lists a matching skill */
	long long	endorsements;	/* of that skill */
};
/* One sentence: "5 answers (3 accepted, total score 21) on questions
 * about “postgres replication”; 2 posts about it; lists PostgreSQL as a
 * skill (2 endorsements)." skill may be NULL. Returns the length, or -1
 * when it does not fit in outlen (RANK_WHY_MAX always suffices for a topic
 * from rank_topic and a skill of at most 50 code points). */
int	rank_why(const struct rank_evidence *, const char *topic,
	    const char *skill, char *out, size_t outlen);

/* ---- sedump_rows.c: Stack Exchange dump rows as COPY lines (no Kore) -- */

#define SEDUMP_TAGS_MAX		16	/* tags kept per question */
#define SEDUMP_TAG_MAX		64	/* bytes of one tag */
#define SEDUMP_TITLE_MAX	300	/* code points (questions.title) */
#define SEDUMP_BODY_MAX		60000	/* code points (questions.body) */
#define SEDUMP_NAME_MAX		100	/* code points (users.display_name) */
#define SEDUMP_DATE_LEN		32	/* "YYYY-MM-DD HH:MM:SS.ffffff+00" */

/* Appends s[0..n) as one field of PostgreSQL's COPY text format (\N when
 * s is NULL); backslash, tab, newline and carriage return are escaped. */
void	sedump_copy_field(struct strbuf *, const char *s, size_t n);

/* One line of plain text (titles, names): whitespace runs made one space,
 * controls dropped, trimmed, cut to max code points. Appends to b. */
void	sedump_oneline(struct strbuf *b, const char *s, size_t max);
/* Cuts the NUL-terminated s in place to at most max code points (on a code
 * point boundary); returns its new length in bytes. */
size_t	sedump_utf8_cut(char *s, size_t max);
/* Splits a Tags attribute, "<a><b>" or "|a|b|", into distinct tags made to
 * fit our tag grammar (text_valid_tag): lower-cased, '-' and '.' as '_',
 * '+' "plus", '#' "sharp" ("c++" "cplusplus", ".net" "dotnet"); ones that
 * cannot fit (controls, invalid UTF-8, too long) are dropped. Returns how
 * many, at most SEDUMP_TAGS_MAX. */
int	sedump_tags(const char *s, char tags[SEDUMP_TAGS_MAX][SEDUMP_TAG_MAX + 1]);
/* Parses a dump time, "2016-04-12T18:47:05.737" (UTC; fraction and a
 * trailing 'Z' optional), into "2016-04-12 18:47:05.737000+00" for
 * PostgreSQL. 1 on success, 0 on anything else (out-of-range fields too). */
int	sedump_date(const char *s, char out[SEDUMP_DATE_LEN]);
/* Strict decimal integer in [min, max], optional leading '-'; 1 on success. */
int	sedump_int(const char *s, int64_t min, int64_t max, int64_t *out);
/* The value of attribute name in an expat attribute list, or NULL. */
const char *sedump_attr(const char **attrs, const char *name);

/* What a row became. */
enum { SEDUMP_REJECT = -1, SEDUMP_SKIP = 0, SEDUMP_QUESTION, SEDUMP_ANSWER,
	SEDUMP_USER, SEDUMP_VOTE };
/* Each appends one COPY line (with its '\n') for the staging tables of
 * sql/0007_stackexchange.sql to b and returns what the row is; rows of no
 * interest (other post and vote types) append nothing and return
 * SEDUMP_SKIP; a row without a usable Id, date or parent appends nothing,
 * sets *why and returns SEDUMP_REJECT.
 *   posts: id, type, parent_id, accepted_id, owner_id, owner_name, title,
 *          body, html, tags, score, created_at, edited_at
 *   users: id, display_name, location, created_at
 *   votes: post_id, vote_type (1 accepted, 2 up, 3 down) */
int	sedump_post_line(struct strbuf *b, const char **attrs,
	    const char **why);
int	sedump_user_line(struct strbuf *b, const char **attrs,
	    const char **why);
int	sedump_vote_line(struct strbuf *b, const char **attrs,
	    const char **why);

/* ---- sedump_html.c: Stack Exchange post HTML as text (no Kore) -------- */

/* Stack Exchange post HTML as plain text: tags dropped, entities decoded,
 * paragraphs and list items on their own lines, code blocks kept verbatim,
 * inline code in backticks, links as "text (url)". The result is valid
 * UTF-8 without control characters other than '\n' and '\t' (invalid input
 * bytes become U+FFFD), trimmed, and owned by the caller (free()); NULL only
 * when out of memory. */
char	*sedump_html_to_text(const char *html, size_t len);

/* ---- sedump.c: Stack Exchange dump files, row by row (no Kore) -------- */

#include <stdio.h>

/* Streams one dump file through expat in 64 KiB reads, calling row() for
 * every <row> directly under the root element, whose name must be root.
 * progress() (may be NULL) runs every `every` rows and once at the end.
 * Returns 0, or -1 with error set to "name:line:column: what" (malformed
 * XML, the wrong root element, a read error, or row() returning non-zero
 * after writing its reason into error). */
struct sedump_stream {
	const char	*name;		/* for messages, e.g. "Posts.xml" */
	const char	*root;		/* expected root element */
	int		(*row)(struct sedump_stream *, const char **attrs);
	void		(*progress)(struct sedump_stream *);
	void		*arg;
	unsigned long	 every;
	unsigned long	 rows;		/* rows seen so far */
	unsigned long	 line;		/* line of the current row */
	uint64_t	 bytes;		/* bytes parsed so far */
	uint64_t	 total;		/* file size, 0 when unknown */
	char		 error[512];
};
int	sedump_read(FILE *f, struct sedump_stream *s);

/* ---- csv.c: "Customer Support on Twitter" CSV files (no Kore) ---------- */

#define CSV_RECORD_MAX	(1024 * 1024)	/* bytes of one record */
#define CSV_FIELDS_MAX	1024		/* fields of one record */
#define CSV_TEXT_MAX	10000		/* code points of a message */
#define CSV_AUTHOR_MAX	100		/* code points of author_id */
#define CSV_ID_MAX	21		/* a decimal int64 and its NUL */
#define CSV_DATE_MAX	40		/* "2017-10-31T22:10:47.123456Z" */

enum { CSV_COL_TWEET_ID, CSV_COL_AUTHOR_ID, CSV_COL_INBOUND,
	CSV_COL_CREATED_AT, CSV_COL_TEXT, CSV_COL_REPLY_TO,
	CSV_COL_CREATED_AT_ISO, CSV_NCOLS };
/* Why a record is unusable (csv_reader.failed); 0: it is fine. */
enum { CSV_ERR_QUOTE = 1, CSV_ERR_LONG, CSV_ERR_FIELDS, CSV_ERR_MEMORY };

/* csv_next(): no whole record is left in the input fed so far. */
#define CSV_MORE	(-1)

struct csv_field {
	const char	*s;	/* NUL-terminated, unquoted */
	size_t		 len;
	size_t		 off;	/* of s in the reader's data */
};
/* Reads records from buf[0..len), which must outlive the calls that read
 * it; a stream is fed piece by piece (csv_reader_feed). */
struct csv_reader {
	const char		*buf;
	size_t			 len, pos;
	int			 eof;		/* buf is the last piece */
	long			 record;	/* number of the last record */
	struct csv_field	*fields;
	size_t			 nfields, fcap;
	char			*data;		/* the fields, unquoted */
	size_t			 dlen, dcap;
	int			 failed;	/* CSV_ERR_*, or 0 */
	int			 has_nul;	/* a NUL byte in the record */
	/* where csv_next() stopped inside a record, between pieces */
	int			 in_record, quoted, inq, qpend;
	size_t			 start;		/* of the current field */
};
struct csv_header {
	int	col[CSV_NCOLS];		/* field index, or -1 */
};
struct csv_message {
	char		 external_id[CSV_ID_MAX];
	char		 reply_to[CSV_ID_MAX];	/* "": none */
	int		 inbound;
	char		 author[CSV_AUTHOR_MAX * 4 + 1];
	char		 sent_at[CSV_DATE_MAX];
	const char	*text;		/* into the reader */
	size_t		 text_len;
};

/* A reader of the whole of buf[0..len). */
void	csv_reader_init(struct csv_reader *, const char *buf, size_t len);
/* For a stream: after csv_reader_init(r, NULL, 0) and whenever csv_next()
 * says CSV_MORE, the next piece (its bytes are copied out as they are
 * read, so the piece may be reused once csv_next() asks for more); eof
 * when it is the last one (len may then be 0). */
void	csv_reader_feed(struct csv_reader *, const char *buf, size_t len,
	    int eof);
void	csv_reader_free(struct csv_reader *);
/* Reads the next RFC 4180 record (quoted fields may hold commas, CR, LF
 * and "" escapes; CRLF, LF or CR end records; empty lines are skipped and
 * not counted). 1 with r->record its number (the header is 1), 0 at the
 * end, CSV_MORE when a stream needs its next piece (the record read so
 * far is kept). A record that is unusable still counts: r->failed says
 * why, and the next call reads on after it. */
int	csv_next(struct csv_reader *);
/* The sentence for a CSV_ERR_* code (NULL for 0). */
const char *csv_error(int failed);
/* Maps the header record's names (any order, any case, extra columns
 * ignored). NULL, or the name of the first missing required column. An
 * optional created_at_iso column is preferred to created_at. */
const char *csv_header_map(const struct csv_reader *, struct csv_header *);
/* Tweet ids: digits, or a float with zero fraction ("119237.0"), in
 * [1, INT64_MAX], written back canonically. 1 on success. */
int	csv_id(const char *s, size_t len, char out[CSV_ID_MAX]);
/* True/False (any case), 1/0 or 1.0/0.0: 1 or 0; -1 for anything else. */
int	csv_bool(const char *s, size_t len);
/* "Tue Oct 31 22:10:47 +0000 2017" or ISO 8601 (date, optional [T ]time,
 * fraction and offset; none means UTC) as RFC 3339 UTC text. 1 on
 * success, 0 when unparsable or out of range. */
int	csv_date(const char *s, size_t len, char out[CSV_DATE_MAX]);
/* The current record as a message: NULL, or why the row is rejected (a
 * sentence that never quotes the row). */
const char *csv_row_message(const struct csv_reader *,
	    const struct csv_header *, struct csv_message *);

/* ---- kanon.c: the privacy rules reports share (no Kore) ---------------- */
/* The rules themselves are written out at the top of app/kanon.c. */

#define KANON_K_MIN		3	/* never fewer people in a group */
#define KANON_K_MAX		1000
#define KANON_RANGE_MAX_DAYS	731	/* to - from, before widening */
#define KANON_YEAR_MIN		1970
#define KANON_YEAR_MAX		9998	/* widened, still a 4-digit year */
#define KANON_DATE_LEN		11	/* "YYYY-MM-DD" and its NUL */

/* One group of a report: how many distinct people stand behind its
 * figures (in), and whether it may be shown (out). */
struct kanon_group {
	long long	people;
	int		shown;
};

/* The k a report applies: the configured value, clamped to
 * [KANON_K_MIN, KANON_K_MAX]. */
int	kanon_k(long configured);
/* 1 when a set of `people` distinct people may be shown under k (k is
 * clamped by kanon_k() first). */
int	kanon_enough(long long people, int k);
/* Decides every group (shown = people >= k); returns how many were
 * folded into "other". */
size_t	kanon_fold(struct kanon_group *, size_t n, int k);
/* Complementary parts of one shown whole (they add up to it): 1 when all
 * n parts have at least k people and may be shown; 0 when any is short,
 * and then none may be (whole minus the others gives it away), and for
 * n == 0. */
int	kanon_parts(const long long *people, size_t n, int k);
/* Masks figures: every key of the NULL-terminated keys becomes JSON null
 * and "suppressed" becomes true. 0, or -1 when figures is not an object
 * or memory runs out. */
int	kanon_mask(json_t *figures, const char *const *keys);
/* The "other" row: {"suppressed": true, "groups": folded} and every key
 * null. New reference, NULL when out of memory. */
json_t	*kanon_other(size_t folded, const char *const *keys);

/* Dates are day numbers, days since 1970-01-01. */
/* Strict "YYYY-MM-DD" (a real calendar date, years KANON_YEAR_MIN to
 * KANON_YEAR_MAX) to a day number; 1 on success, 0 on anything else. */
int	kanon_date_parse(const char *s, long *day);
/* A day number as "YYYY-MM-DD"; 1 on success, 0 when out is too small. */
int	kanon_date_format(long day, char *out, size_t outlen);
/* The Monday (ISO week start) on or before day. */
long	kanon_week_monday(long day);
/* Widens [from, to] to whole ISO weeks: *wfrom the Monday on or before
 * from, *wto the Sunday on or after to. KANON_RANGE_OK, or REVERSED when
 * from > to, or TOO_LONG when to - from > KANON_RANGE_MAX_DAYS. */
enum { KANON_RANGE_OK = 0, KANON_RANGE_REVERSED, KANON_RANGE_TOO_LONG };
int	kanon_range(long from, long to, long *wfrom, long *wto);

/* Writes s (NULL: empty) as one RFC 4180 CSV cell into out: quoted when it
 * holds a comma, quote, CR or LF or starts or ends with a space; quotes
 * doubled; a leading apostrophe when it starts with = + - @ tab or CR, so
 * spreadsheets read it as text, not a formula. Returns the length the cell
 * needs (like snprintf: out, NUL-terminated, holds all of it only when the
 * result is < outlen; out may be NULL with outlen 0 to measure). */
size_t	kanon_csv_cell(const char *s, char *out, size_t outlen);

/* ---- quote.c: a customer's words quoted into a question (no Kore) ----- */

struct quote_message {
	const char	*author;	/* the customer's handle at the channel */
	const char	*sent_at;
	const char	*text;
};

/* s with every @mention and #tag text_scan finds made inert (the sign
 * written as its full-width form, U+FF20 or U+FF03; same number of code
 * points); links and other text unchanged. malloc'd, NUL-terminated;
 * NULL when out of memory. */
char	*quote_neutralise(const char *s, size_t len, size_t *outlen);
/* The body of an escalated question: intro (the escalator's own words,
 * kept as written; NULL or blank for none) and a blank line, then heading
 * and the n messages quoted ("> author, sent_at:" and "> " before each
 * line), then marker on its own line when the quote had to be cut or more
 * is set. The quote (heading and marker too) is neutralised as above and
 * loses controls and bidirectional overrides; the whole is at most max code
 * points. malloc'd; NULL when out of memory. */
char	*quote_escalation(const char *intro, const char *heading,
	    const struct quote_message *m, size_t n, int more,
	    const char *marker, size_t max, size_t *outlen);

/* ---- graph.c: the department graph of the network report (no Kore) ---- */
/* Matrices are n x n, row-major: m[i * n + j] = interactions from group i
 * to group j (>= 0). Both functions read them as an undirected graph
 * whose tie strength of i and j is m[i][j] + m[j][i]. */

#define GRAPH_MAX_NODES	500	/* O(n^3): about 0.1 s at 500 */

/* Krackhardt and Stern's E-I index of group i: (external - internal) /
 * (external + internal), from -1 (all ties inside) to 1 (all outside);
 * internal = m[i][i], external = the sum of m[i][j] + m[j][i], j != i.
 * defined is 0 (and index 0) when the group has no ties at all. */
struct graph_ei {
	double	internal;
	double	external;
	double	index;
	int	defined;
};
/* 0, or -1 when i >= n or a count it reads is negative or NaN. */
int	graph_ei(const double *m, size_t n, size_t i, struct graph_ei *out);
/* Betweenness centrality of every node into out[n]: the share of shortest
 * paths between other pairs that pass through it (Brandes' algorithm),
 * normalised to [0, 1] by (n-1)(n-2)/2 pairs. Weighted: a path's length is
 * the sum of 1 / strength over its ties, so strong ties are short; ties
 * of equal length split the paths. 0, or -1 when n > GRAPH_MAX_NODES, a
 * count is negative, NaN or infinite, or memory runs out. */
int	graph_betweenness(const double *m, size_t n, double *out);

#ifndef PARLEY_PURE

#include <kore/kore.h>
#include <kore/http.h>
#include <kore/pgsql.h>
#include <kore/tasks.h>
#include <jansson.h>

/* ---- init.c: configuration, read once in the parent, const after ------ */

struct parley_config {
	char	email_domains[1024];	/* comma list; empty = any */
	int	cookie_secure;		/* add Secure to cookies (TLS) */
	int	session_hours;
	int	report_min_group;	/* k for privacy folding, >= 3 */
	char	dummy_hash[SECRET_PWHASH_MAX];	/* for unknown logins */
};
extern struct parley_config	config;
int	parley_onload(int);

/* ---- reply.c, errors: the only place that sends responses ------------- */

struct apierror {
	const char	*code;		/* NULL: the default for the status */
	const char	*message;	/* NULL: the default for the status */
	const char	*field;		/* NULL: "field": null */
	int64_t		 existing_id;	/* > 0: "existing_id" in a 409 */
	int		 retry_after;	/* > 0: Retry-After header */
};

/* ---- db.c: the only file that talks to libpq -------------------------- */

#define DB_MAX_PARAMS	16

/* Kore's two pools on the one database: see db_generic_plans(). */
#define DB_POOL			"db"
#define DB_POOL_GENERIC		"db_generic"

struct db {
	struct kore_pgsql	 sql;
	PGresult		*res;
	int			 open;
	int			 in_tx;
	int			 generic;	/* borrow from DB_POOL_GENERIC */
	int			 queries;	/* statements sent so far */
	char			 sqlstate[6];
	char			 constraint[64];
};

/* ---- the per-request context every handler uses ----------------------- */

struct user {
	int64_t	id;		/* 0: anonymous */
	char	handle[32];
	char	role[24];
	char	csrf[64];	/* only for cookie sessions */
	int	via_cookie;
	int64_t	session_id;
};

struct ctx {
	struct http_request	*req;
	struct db		 db;
	struct user		 me;
	json_t			*in;
	json_t			*out;
	int			 status;
	struct apierror		 err;
	struct kore_buf		*raw;	/* the raw body, when read */
	u_int64_t		 started_ms;	/* for the access log */
};

/* Sets up a context; always pair with ctx_finish(). */
void	ctx_init(struct ctx *, struct http_request *);
/* Sends ctx->out (or the error envelope when status >= 400, or nothing for
 * 204), logs the access line, frees everything. Returns KORE_RESULT_OK. */
int	ctx_finish(struct ctx *);
/* Records an error; returns status so callers can "return ctx_fail(...)". */
int	ctx_fail(struct ctx *, int status, const char *code,
	    const char *field, const char *message);
int	ctx_method_not_allowed(struct ctx *, const char *allow);
void	reply_security_headers(struct http_request *);
void	reply_access_log(struct http_request *, u_int64_t started_ms,
	    int status, int64_t user_id);
/* {"items": items, "next_cursor": cursor or null}; takes items. */
json_t	*reply_page(json_t *items, const char *next_cursor);
/* Sets c->out to a page of items (taken), with a cursor made of the two
 * keyset values when more follow. 200 or 500. */
int	reply_keyset_page(struct ctx *, json_t *items, int more, int64_t key1,
	    int64_t key2);
/* ctx_init, then auth_require, then the method must be one of methods
 * (HTTP_METHOD_* bits; allow is the Allow header). 200 or the error. */
int	ctx_begin(struct ctx *, struct http_request *, int methods,
	    const char *allow);

/* ---- body.c: JSON request bodies --------------------------------------- */

#define BODY_MAX_JSON	(1024 * 1024)

/* Reads and parses a JSON object body into ctx->in. 200 or an error. */
int	body_json(struct ctx *);
/* Reads a raw body of the given content type (e.g. "text/html") up to max
 * bytes into ctx->raw. */
int	body_raw(struct ctx *, const char *content_type, size_t max);
/* For a body the handler reads itself, piece by piece, with
 * http_body_read() (a big import: Kore keeps one over
 * http_body_disk_offload in a file): checks only the content type (415)
 * and the declared size (413). */
int	body_stream(struct ctx *, const char *content_type, size_t max);
/* Typed getters. present is set to 1 when the key exists (may be NULL).
 * Strings are checked for length in code points; NULL JSON means absent
 * unless nullable, in which case *out is NULL and present is 1. */
int	body_string(struct ctx *, const char *key, int required, size_t min,
	    size_t max, const char **out, int *present);
int	body_bool(struct ctx *, const char *key, int required, int *out,
	    int *present);
int	body_int(struct ctx *, const char *key, int required, int64_t min,
	    int64_t max, int64_t *out, int *present);
/* Rejects keys that are not in the NULL-terminated list (422 field). */
int	body_only_keys(struct ctx *, const char *const *allowed);

/* ---- db.c --------------------------------------------------------------- */

int	db_open(struct ctx *);
void	db_close(struct db *);
/*
 * The request's statements are planned once per connection and the plan
 * kept (plan_cache_mode = force_generic_plan) instead of re-planned for
 * each call's parameters, which PostgreSQL does whenever a parameter (a
 * LIMIT, a keyset cursor) makes the generic plan look dearer than it is:
 * half the database time of a tag stream page was planning. Only for
 * handlers whose every statement was checked with EXPLAIN to keep its
 * plan; call before the first query (auth included), after it does
 * nothing.
 */
void	db_generic_plans(struct ctx *);
int	db_begin(struct ctx *);
int	db_commit(struct ctx *);
/* Runs sql with n text parameters (NULL entries are SQL NULL). Returns 200
 * or an HTTP status for the failure, with the error recorded in ctx. */
int	db_query(struct ctx *, const char *sql, int n, const char *const *p);
int	db_rows(struct ctx *);
const char *db_value(struct ctx *, int row, int col);	/* NULL if NULL */
int	db_isnull(struct ctx *, int row, int col);
int64_t	db_int(struct ctx *, int row, int col);
int	db_bool(struct ctx *, int row, int col);
/* Rows changed by the last INSERT/UPDATE/DELETE. */
int64_t	db_affected(struct ctx *);
/* Pings the database for /healthz; 1 when it answers. */
int	db_ping(struct ctx *);
/* Every 503 (the database is down, a channel busy: worth retrying) gets
 * Retry-After: DB_RETRY_AFTER seconds unless the handler set another
 * (ctx_finish). */
#define DB_RETRY_AFTER	2

/* A connection of a task thread's own (bgtask.c): Kore's pool belongs to
 * the worker's thread. The worker prepares it with the pool's options
 * (opening a pooled connection if need be: 200, or 503/500 with the error
 * in ctx); the thread runs statements on it, connecting on the first, and
 * closes it (what was not committed is rolled back); the worker frees it
 * (NULL is fine), logging the last failure as db_query() would, with the
 * request's path and user. The
 * thread functions touch nothing of Kore's, and return 200 or the status
 * a failure means (errors.c's SQLSTATE map; 503 when the connection is
 * gone, PostgreSQL restarted or down). Results as db_rows/db_value. */
struct db_conn;
int	db_thread_prepare(struct ctx *, struct db_conn **);
int	db_thread_query(struct db_conn *, const char *sql, int n,
	    const char *const *p);
int	db_thread_begin(struct db_conn *);
int	db_thread_commit(struct db_conn *);
int	db_thread_rows(struct db_conn *);
const char *db_thread_value(struct db_conn *, int row, int col);
void	db_thread_close(struct db_conn *);
void	db_thread_free(struct db_conn *, const char *path, int64_t user);

/* ---- auth.c: sessions, tokens, CSRF, roles ----------------------------- */

/* Resolves the caller from the bearer token or session cookie, and for
 * cookie sessions checks CSRF on unsafe methods. 200 or 401/403. */
int	auth_require(struct ctx *);
/* Like auth_require but anonymous callers pass with me.id == 0. */
int	auth_optional(struct ctx *);
int	auth_require_role(struct ctx *, const char *role);
int	auth_is_admin(const struct user *);
void	auth_set_session_cookie(struct http_request *, const char *token,
	    int max_age);

/* ---- users.c: the User representation shared by every domain ---------- */

/* SELECT list for a User row (users u LEFT JOIN users m ON m.id =
 * u.manager_id), read by user_json() by position: 19 columns. */
#define USER_COLUMNS \
    "u.id, u.handle, u.display_name, u.title, u.department, u.location, " \
    "u.bio, u.role, u.status, u.email, api_time(u.created_at), " \
    "m.id, m.handle, m.display_name, m.title, m.department, " \
    "(SELECT count(*) FROM follows f WHERE f.followee_id = u.id), " \
    "(SELECT count(*) FROM follows f WHERE f.follower_id = u.id), " \
    "(SELECT coalesce(json_agg(json_build_object('name', s.skill, " \
    "  'endorsements', (SELECT count(*) FROM skill_endorsements e " \
    "   WHERE e.user_id = u.id AND e.skill_key = lower(s.skill))) " \
    "  ORDER BY s.position), '[]') FROM user_skills s " \
    "  WHERE s.user_id = u.id) "
/* Queries by id or handle, and the renderer. */
extern const char	SQL_USER_BY_ID[];
extern const char	SQL_USER_BY_HANDLE[];
json_t	*user_json(struct ctx *, int row, int with_email);
json_t	*userref_json(struct ctx *, int row, int col);
/* Loads a User by id into a JSON object (NULL and an error on failure). */
int	user_load(struct ctx *, int64_t id, int with_email, json_t **out);
/* Writes to the append-only audit log inside the current transaction. */
int	audit_write(struct ctx *, const char *action, const char *target_type,
	    const char *target_id, const char *reason);

/* ---- pwtask.c: argon2id off the event loop, in a Kore task thread ----- */

#define PW_MAX_CODEPOINTS	1024
#define PW_MAX_BYTES		(PW_MAX_CODEPOINTS * 4 + 1)

struct pwtask {
	struct kore_task	task;
	u_int64_t		started_ms;	/* when the request began */
	int			started;
	int			ok;
	char			hash[SECRET_PWHASH_MAX];
};

/* Starts hashing pw (hash == NULL) or verifying pw against hash in a task
 * thread and puts the request to sleep; the handler returns
 * KORE_RESULT_RETRY and is called again when the thread is done. */
void	pwtask_start(struct pwtask *, struct http_request *, const char *pw,
	    const char *hash);
/* 0 while the thread works (the request sleeps again), 1 when done: then
 * t->ok says whether it verified (or hashed) and t->hash holds a new hash. */
int	pwtask_done(struct pwtask *, struct http_request *);

/* ---- bgtask.c: long requests (imports) in a thread of their own ------- */

/*
 * A handler whose work takes seconds hands it to a thread, and its worker
 * serves other connections meanwhile. The job is the request's state: a
 * struct whose first member is a struct bgtask. The handler:
 *
 *	if (http_state_exists(req))
 *		return (bgtask_resume(req));
 *	ctx_init(&c, req);
 *	job = bgtask_create(req, sizeof(*job), run, answer, release);
 *	... auth and the quick checks; on failure: return (bgtask_abort(&c));
 *	return (bgtask_start(&c, &job->bg));
 *
 * run() runs in the thread: it may read the body (bgtask_body*), use
 * bg->db (db_thread_*; connected on the first statement, closed after
 * run) and pure code, and nothing else of Kore's; it returns 200 or the
 * error status (bgtask_fail() adds a field and message). Back in the
 * worker, answer() turns a 200 into c->out (or fails), errors are answered
 * as ctx_fail() does (503 with Retry-After), and release() frees what the
 * job holds, also when the client left (then run() sees
 * bgtask_cancelled() and should stop; its transaction is rolled back).
 * At most BGTASK_RUNNING_MAX jobs run per worker, each with its own
 * thread and database connection; later ones wait their turn.
 */
#define BGTASK_RUNNING_MAX	2

struct bgtask;
typedef int	(*bgtask_run_fn)(struct bgtask *);
typedef int	(*bgtask_answer_fn)(struct ctx *, struct bgtask *);
typedef void	(*bgtask_release_fn)(struct bgtask *);

struct bgtask {
	struct kore_task	 task;	/* binds the request, wakes it */
	struct http_request	*req;
	struct db_conn		*db;
	bgtask_run_fn		 run;
	bgtask_answer_fn	 answer;
	bgtask_release_fn	 release;
	struct user		 me;		/* the caller */
	u_int64_t		 started_ms;	/* for the access log */
	int			 state;		/* the worker's */
	int			 cancel;	/* the client left (atomic) */
	int			 fd;		/* the client's socket, peeked */
	int			 done;		/* the thread let go (atomic) */
	int			 status;	/* 200, or the error */
	const char		*field;		/* of the error */
	char			 message[256];	/* of the error; "": default */
	TAILQ_ENTRY(bgtask)	 queue;
};

/* The job (size bytes, zeroed, freed with the request) as the request's
 * state. */
void	*bgtask_create(struct http_request *, size_t size, bgtask_run_fn,
	    bgtask_answer_fn, bgtask_release_fn);
/* Starts the job (or queues it) with the caller and a database connection
 * prepared from c, which must hold no body or answer (check the body with
 * body_stream(): the job reads it); returns what the handler returns:
 * KORE_RESULT_RETRY, or the answer when it could not start (503). */
int	bgtask_start(struct ctx *, struct bgtask *);
/* Answers c (an error found before the start; a 503 with Retry-After)
 * and frees the job. */
int	bgtask_abort(struct ctx *);
/* The handler's next calls: sleeps on until the thread is done, then
 * answers and frees the job. */
int	bgtask_resume(struct http_request *);
/* In the thread. */
int	bgtask_fail(struct bgtask *, int status, const char *field,
	    const char *message);
int	bgtask_cancelled(struct bgtask *);
/* The next bytes of the body (at most len): their count, 0 at the end, or
 * -1 (400 recorded) when it cannot be read. */
ssize_t	bgtask_body_read(struct bgtask *, void *buf, size_t len);
/* The whole body, malloc'd and NUL-terminated: 200, or 400/500. */
int	bgtask_body(struct bgtask *, char **buf, size_t *len);

/* ---- posts.c: the Post representation timelines share --------------- */

/* The SELECT list of a Post (posts p JOIN users a ON a.id = p.author_id);
 * the query's $1 must be the viewer's id. post_json() reads it by position.
 * "Liked by me" is a scalar subquery, one primary-key probe per post: as an
 * EXISTS, PostgreSQL may hash all of the viewer's likes once per page,
 * which for someone with 53k likes made a tag stream page 30 times slower
 * (make bench data: 3,000 -> 100 requests/s). */
#define POST_COLUMNS \
	"p.id, p.body, p.html, p.reply_to, p.root_id, api_time(p.created_at), " \
	"api_time(p.edited_at), p.like_count, p.reply_count, p.hidden, " \
	"a.id, a.handle, a.display_name, a.title, a.department, " \
	"(SELECT coalesce(json_agg(u.handle ORDER BY u.handle), '[]') " \
	"  FROM post_mentions m JOIN users u ON u.id = m.user_id " \
	"  WHERE m.post_id = p.id), " \
	"(SELECT coalesce(json_agg(t.tag ORDER BY t.tag), '[]') " \
	"  FROM post_tags t WHERE t.post_id = p.id), " \
	"(SELECT true FROM post_likes l WHERE l.post_id = p.id " \
	"  AND l.user_id = $1) IS NOT NULL, " \
	"(extract(epoch FROM p.created_at) * 1000000)::bigint, " \
	"p.deleted_at IS NOT NULL, " \
	"(SELECT count(*) FROM customer_links cl " \
	"  WHERE cl.target_type = 'post' AND cl.target_id = p.id), " \
	MODERATION_NOTE("post", "p", "p.author_id", "p.community_id") ", " \
	"(SELECT c.slug FROM communities c WHERE c.id = p.community_id) "
/* Whether the viewer (an SQL expression, usually "$1") may read post p: a
 * closed community's posts are for its active members and admins
 * (post_readable(), sql/0021; the rule questions follow in qa.c). Every
 * query that shows posts to someone puts it in its WHERE. */
#define POST_READABLE(viewer) \
	"(p.community_id IS NULL OR post_readable(" viewer ", p.community_id)) "
json_t	*post_json(struct ctx *, int row);
/* The row's created_at in microseconds, for keyset cursors. */
int64_t	post_cursor_time(struct ctx *, int row);

/* ---- path.c: path parameters from regex routes ------------------------ */

/* Copies the n-th '/'-separated segment (0-based) of req->path into out.
 * Returns 1 on success, 0 if absent or too long. */
int	path_segment(struct http_request *, int n, char *out, size_t outlen);
/* Reads the request's query-string parameter; 1 found, 0 absent, -1 bad. */
int	query_param(struct http_request *, const char *name, char *out,
	    size_t outlen);
/* Parses ?limit= and ?cursor= per the contract: 200 or 400/422. */
int	page_params(struct ctx *, long *limit, int *has_cursor,
	    int64_t *at_us, int64_t *id);

/* ---- qa.c: the Question representation, for domains that make or show
 * questions (customer care escalates conversations into them) ----------- */

/* FROM clause and SELECT list of a Question (questions q, communities c,
 * users a); the query's $1 must be the viewer's id. question_json() reads
 * the columns by position; the last is customer_links, the number of
 * customer conversations linked to the question (customer_links.c). */
#define QUESTION_FROM \
    "questions q JOIN communities c ON c.id = q.community_id " \
    "JOIN users a ON a.id = q.author_id "
#define QUESTION_COLUMNS \
    "q.id, c.slug, q.title, q.body, q.html, array_to_json(q.tags), " \
    "q.score, q.answer_count, q.accepted_answer_id, " \
    "api_time(q.created_at), " \
    "a.id, a.handle, a.display_name, a.title, a.department, " \
    "coalesce((SELECT v.value FROM question_votes v " \
    "  WHERE v.question_id = q.id AND v.user_id = $1), 0), " \
    "(extract(epoch FROM q.created_at) * 1000000)::bigint, q.hidden, " \
    "(SELECT count(*) FROM customer_links cl " \
    "  WHERE cl.target_type = 'question' AND cl.target_id = q.id), " \
    MODERATION_NOTE("question", "q", "q.author_id", "q.community_id")
json_t	*question_json(struct ctx *, int row);
/* Loads one Question as the caller sees it into *out (the caller owns it):
 * 404 when it is missing, deleted, in a closed community the caller does
 * not belong to, or hidden from the caller. */
int	question_load(struct ctx *, int64_t id, json_t **out);
/* Writes a question by the caller into a community (no membership check:
 * the caller decides) with its HTML rendered, and asks notify_experts().
 * Inputs must be validated (title 10-200, body 1-20000 code points;
 * tags_json a JSON array of valid tags). Run it inside db_begin()/
 * db_commit(). 200 and *id, or the error. */
int	question_create(struct ctx *, int64_t community_id, const char *title,
	    const char *body, const char *tags_json, int64_t *id);

/* ---- customer.c: the Conversation representation and who may see it,
 * shared with customer_links.c -------------------------------------------- */

/* SELECT list and FROM clause of a Conversation (customer_conversations v
 * JOIN customer_channels h), read by conversation_json() by position; the
 * last column is opened_at in microseconds (the keyset). */
#define CONVERSATION_COLUMNS \
    "v.id, h.id, h.name, h.kind, v.customer, v.subject, v.status, " \
    "api_time(v.opened_at), api_time(v.first_response_at), " \
    "api_time(v.resolved_at), v.first_contact_resolution, v.csat, " \
    "v.message_count, (SELECT count(*) FROM customer_links l " \
    "  WHERE l.conversation_id = v.id), " \
    "(extract(epoch FROM v.opened_at) * 1000000)::bigint "
#define CONVERSATION_FROM \
    "FROM customer_conversations v " \
    "JOIN customer_channels h ON h.id = v.channel_id "
json_t	*conversation_json(struct ctx *, int row);
/* Readers of customer data (admins, community managers, analysts): 200 or
 * 403. Actors, who resolve, link and escalate (admins and community
 * managers): 200 or 403. Both expect an authenticated caller. */
int	customer_reader(struct ctx *);
int	customer_actor(struct ctx *);
/* customer_links.c: the links of conversation conv as the caller sees
 * them, [{"type", "id", "title" (null when the item is gone or not
 * visible to the caller), "linked_by": UserRef, "linked_at", "via",
 * "available"}], oldest first, into *out (the caller owns it). 200 or the
 * error. */
int	customer_links_load(struct ctx *, const char *conv, json_t **out);

/* ---- moderation.c: who moderates, and the hidden-item rule the content
 * domains share (posts, questions, answers, bookmarks) ------------------ */

/* A column to select after an item's hidden flag: NULL unless the item is
 * hidden; then JSON text {"action": "hide", "reason", "at"} when the
 * viewer ($1) is its author or one of its moderators, and NULL for
 * everyone else (sql/0014_moderation.sql, moderation_note()). type is the
 * item's kind ('post', ...), t its table alias, author and community SQL
 * expressions (community may be "NULL"). */
#define MODERATION_NOTE(type, t, author, community) \
    "CASE WHEN " t ".hidden THEN moderation_note($1::bigint, '" type "', " \
    t ".id, " author ", " community ") END "
/* Applies the rule to a rendered item: when hidden, a note (the column
 * above) becomes "moderation": {...} and the item stays whole; without
 * one, the NULL-terminated fields are emptied ("" or []) and "moderation"
 * is null: the placeholder everyone else sees. Nothing when not hidden.
 * 0, or -1 when out of memory. */
int	moderation_redact(json_t *item, int hidden, const char *note,
	    const char *const *fields);
/* The caller's moderation scope: global (admin or community_manager) or
 * the communities they manage. 200, or 403 when they moderate nothing. */
struct modscope {
	char	me[24];		/* the caller's id as text */
	int	global;
	int	admin;
};
int	moderation_scope(struct ctx *, struct modscope *);
/* The house rules' reasons (and policy categories), NULL-terminated. */
extern const char *const MODERATION_REASONS[];

/* ---- route handlers (conf/parley.conf.in names them) ------------------ */
/* Every handler name carries a prefix: Kore resolves names through libc
 * first, and a handler called "login" would run login(3). */

int	api_healthz(struct http_request *);
int	api_not_found(struct http_request *);
int	api_auth_register(struct http_request *);
int	api_auth_login(struct http_request *);
int	api_auth_logout(struct http_request *);
int	api_me(struct http_request *);
int	api_me_tokens(struct http_request *);
int	api_me_token(struct http_request *);
int	api_admin_user(struct http_request *);
int	asset_serve(struct http_request *);
/* import.c */
int	api_admin_import_ldif(struct http_request *);
/* people.c */
int	api_people(struct http_request *);
int	api_departments(struct http_request *);
int	api_user(struct http_request *);
int	api_user_follow(struct http_request *);
int	api_user_endorse(struct http_request *);
int	api_user_unendorse(struct http_request *);
/* posts.c */
int	api_posts(struct http_request *);
int	api_post(struct http_request *);
int	api_post_like(struct http_request *);
int	api_post_versions(struct http_request *);
/* timeline.c */
int	api_me_tags(struct http_request *);
int	api_timeline_home(struct http_request *);
int	api_user_posts(struct http_request *);
int	api_tag(struct http_request *);
int	api_tag_posts(struct http_request *);
int	api_tag_follow(struct http_request *);
int	api_community_posts(struct http_request *);
/* communities.c */
int	api_communities(struct http_request *);
int	api_community(struct http_request *);
int	api_community_members(struct http_request *);
int	api_community_member(struct http_request *);
int	api_community_member_approve(struct http_request *);
/* qa.c */
int	api_community_questions(struct http_request *);
int	api_questions(struct http_request *);
int	api_questions_similar(struct http_request *);
int	api_question(struct http_request *);
int	api_question_answers(struct http_request *);
int	api_question_votes(struct http_request *);
int	api_answer_votes(struct http_request *);
int	api_answer_accept(struct http_request *);
/* bookmarks.c */
int	api_bookmarks(struct http_request *);
int	api_bookmarks_popular(struct http_request *);
int	api_bookmarks_import(struct http_request *);
int	api_bookmarks_export(struct http_request *);
int	api_bookmark(struct http_request *);
/* search.c */
int	api_search(struct http_request *);
int	api_experts(struct http_request *);
/* customer.c */
int	api_customer_channels(struct http_request *);
int	api_customer_channel(struct http_request *);
int	api_customer_messages(struct http_request *);
int	api_customer_channel_secret(struct http_request *);
int	api_customer_conversations(struct http_request *);
int	api_customer_conversation(struct http_request *);
int	api_customer_resolve(struct http_request *);
int	api_customer_reopen(struct http_request *);
/* customer_import.c */
int	api_customer_import(struct http_request *);
/* customer_links.c */
int	api_customer_links(struct http_request *);
int	api_customer_link(struct http_request *);
int	api_customer_escalate(struct http_request *);
int	api_customer_linked(struct http_request *);
/* report_care.c */
int	api_report_customer_care(struct http_request *);
/* report_collab.c; its top comment defines the figures and JSON */
int	api_report_collaboration(struct http_request *);
/* report_network.c; likewise */
int	api_report_network(struct http_request *);
/* moderation.c */
int	api_flags(struct http_request *);
int	api_moderation_queue(struct http_request *);
int	api_moderation_flag(struct http_request *);
/* policy.c */
int	api_moderation_policy(struct http_request *);
/* modaudit.c */
int	api_moderation_audit(struct http_request *);
int	api_moderation_stats(struct http_request *);
/* notify.c */
int	api_notifications(struct http_request *);
int	api_notifications_read(struct http_request *);
int	api_notifications_unread(struct http_request *);

/* ---- report_collab.c: what the collaboration reports share ----------- */

/* A report request, parsed by report_params(). */
struct report_query {
	char	from[KANON_DATE_LEN], to[KANON_DATE_LEN];	/* whole weeks */
	char	asked_from[KANON_DATE_LEN], asked_to[KANON_DATE_LEN];
	char	last_week[KANON_DATE_LEN];	/* Monday of the last week */
	char	k_text[16];
	int	csv;
	int	k;
	int	by_week;	/* collaboration: group_by=week */
};
/* ?from=&to=&format= (see app/report_collab.c): 200 or 422 with field. */
int	report_params(struct ctx *, struct report_query *);
/* 200 for analysts and admins; else writes the refusal (action) to the
 * audit log and fails with 403. */
int	report_allowed(struct ctx *, const char *action, const char *name);
/* Opens the report's transaction (repeatable read: one snapshot) and
 * writes its audit row (action, report name, the range, format and k,
 * then extra) in it. 200 or the error. */
int	report_begin(struct ctx *, const struct report_query *,
	    const char *action, const char *name, const char *extra);
/* A numeric column as a JSON real, or null. */
json_t	*report_number(struct ctx *, int row, int col);
/* CSV: a cell (strings quoted and guarded by kanon_csv_cell, numbers
 * plain, null empty); the header "row_type,<columns>,note"; a row of the
 * values of obj under the NULL-terminated columns (obj NULL: empty); the
 * closing note with the range and k. */
void	report_csv_cell(struct kore_buf *, const json_t *);
void	report_csv_header(struct kore_buf *, const char *const *columns);
void	report_csv_row(struct kore_buf *, const char *type, const json_t *obj,
	    const char *const *columns, const char *note);
void	report_csv_note(struct kore_buf *, const struct report_query *,
	    const char *const *columns, const char *groups);
/* Sends b (freed) as text/csv "parley-<name>-<from>-to-<to>.csv" with the
 * headers and access log line ctx_finish() would have written. */
int	report_send_csv(struct ctx *, const struct report_query *,
	    const char *name, struct kore_buf *b);

/* ---- search.c, experts.c: search and the expert finder --------------- */

/* Reads ?q= and cleans it with rank_query_clean() into out (at least
 * RANK_QUERY_BUF bytes; empty when absent or blank). 200, or 400 for a
 * malformed parameter or invalid UTF-8. api_experts (experts.c) shares it;
 * both handlers are declared with the routes above. */
int	search_topic_param(struct ctx *, char *out, size_t outlen);

#endif /* PARLEY_PURE */

#endif /* PARLEY_H */
