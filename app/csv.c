/*
 * CSV files of the public "Customer Support on Twitter" data set (twcs.csv
 * and the ERICSSON subsets of it) as customer messages.
 *
 * csv_next() reads one RFC 4180 record at a time (quoted fields may hold
 * separators, newlines and "" escapes) from a buffer or from a stream fed
 * piece by piece, a record possibly spanning pieces, so a 32 MiB upload is
 * never held whole; csv_header_map() finds the columns we need by name;
 * csv_row_message() turns one record into a message for customer_ingest()
 * or says, in a sentence that never quotes the row, why it cannot.
 *
 * No Kore, no libpq: the unit tests link this file on its own.
 */
#define PARLEY_PURE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

static const char *const csv_names[CSV_NCOLS] = {
	"tweet_id", "author_id", "inbound", "created_at", "text",
	"in_response_to_tweet_id", "created_at_iso"
};

void
csv_reader_init(struct csv_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->buf = buf;
	r->len = len;
	r->eof = 1;
}

void
csv_reader_feed(struct csv_reader *r, const char *buf, size_t len, int eof)
{
	r->buf = buf;
	r->len = len;
	r->pos = 0;
	r->eof = eof;
}

void
csv_reader_free(struct csv_reader *r)
{
	free(r->data);
	free(r->fields);
	r->data = NULL;
	r->fields = NULL;
}

/* Appends one byte to the record; past CSV_RECORD_MAX the record is only
 * marked too long (and read to its end). */
static void
csv_put(struct csv_reader *r, char ch)
{
	char	*p;
	size_t	 cap;

	if (r->failed)
		return;
	if (r->dlen >= CSV_RECORD_MAX) {
		r->failed = CSV_ERR_LONG;
		return;
	}
	if (r->dlen + 1 >= r->dcap) {
		cap = r->dcap ? r->dcap * 2 : 1024;
		if ((p = realloc(r->data, cap)) == NULL) {
			r->failed = CSV_ERR_MEMORY;
			return;
		}
		r->data = p;
		r->dcap = cap;
	}
	r->data[r->dlen++] = ch;
}

/* Ends the current field: NUL-terminates it and records where it is (as
 * an offset: r->data may still move while the record grows). */
static void
csv_end_field(struct csv_reader *r)
{
	struct csv_field	*f;
	size_t			 cap;

	csv_put(r, '\0');
	if (r->failed)
		return;
	if (r->nfields >= CSV_FIELDS_MAX) {
		r->failed = CSV_ERR_FIELDS;
		return;
	}
	if (r->nfields == r->fcap) {
		cap = r->fcap ? r->fcap * 2 : 32;
		if ((f = realloc(r->fields, cap * sizeof(*f))) == NULL) {
			r->failed = CSV_ERR_MEMORY;
			return;
		}
		r->fields = f;
		r->fcap = cap;
	}
	r->fields[r->nfields].s = NULL;
	r->fields[r->nfields].off = r->start;
	r->fields[r->nfields].len = r->dlen - 1 - r->start;
	r->nfields++;
	r->start = r->dlen;
	r->quoted = 0;
}

/* Ends the record: its last field, an unclosed quote, the field
 * pointers. Returns 1 (csv_next's "a record"). */
static int
csv_end_record(struct csv_reader *r)
{
	size_t	i;

	csv_end_field(r);
	if (r->inq && !r->failed)
		r->failed = CSV_ERR_QUOTE;
	r->in_record = r->inq = r->qpend = 0;
	for (i = 0; i < r->nfields; i++)
		r->fields[i].s = r->data + r->fields[i].off;
	return (1);
}

/* Skips empty lines (CRLF, LF or lone CR) before a record. */
static void
csv_skip_blank(struct csv_reader *r)
{
	while (r->pos < r->len &&
	    (r->buf[r->pos] == '\n' || r->buf[r->pos] == '\r'))
		r->pos++;
}

/*
 * Reads the next record into r->fields. Returns 1 with r->record set to its
 * number (the first record, the header, is 1; empty lines are not
 * records), 0 at the end of the input, CSV_MORE when a stream needs its
 * next piece. r->failed is then 0, or says why the record is unusable
 * (the reader has still moved past it, so the next call reads the next
 * record). Fields point into r's storage
 * until the next call; each is NUL-terminated (a NUL byte inside makes
 * has_nul). A record may span pieces: where it stopped is kept in r.
 */
int
csv_next(struct csv_reader *r)
{
	char	ch;

	if (!r->in_record) {
		csv_skip_blank(r);
		if (r->pos >= r->len)
			return (r->eof ? 0 : CSV_MORE);
		r->record++;
		r->dlen = r->nfields = r->start = 0;
		r->failed = r->has_nul = 0;
		r->quoted = r->inq = r->qpend = 0;
		r->in_record = 1;
	}
	while (r->pos < r->len) {
		ch = r->buf[r->pos++];
		if (ch == '\0')
			r->has_nul = 1;
		if (r->qpend) {
			/* A quote inside quotes: "" or the quote's end. */
			r->qpend = 0;
			if (ch == '"') {
				csv_put(r, '"');
				continue;
			}
			r->inq = 0;
		} else if (r->inq) {
			if (ch == '"')
				r->qpend = 1;
			else
				csv_put(r, ch);
			continue;
		}
		if (ch == '"' && !r->quoted && r->dlen == r->start) {
			r->quoted = r->inq = 1;
		} else if (ch == ',') {
			csv_end_field(r);
		} else if (ch == '\n' || ch == '\r') {
			/* A CR at the end of a piece leaves its LF to the
			 * next one, where it reads as an empty line. */
			if (ch == '\r' && r->pos < r->len &&
			    r->buf[r->pos] == '\n')
				r->pos++;
			return (csv_end_record(r));
		} else		/* lenient: stray quotes are text */
			csv_put(r, ch);
	}
	if (!r->eof)
		return (CSV_MORE);
	if (r->qpend)		/* the closing quote was the last byte */
		r->inq = r->qpend = 0;
	return (csv_end_record(r));
}

const char *
csv_error(int failed)
{
	switch (failed) {
	case CSV_ERR_QUOTE:
		return ("A quoted field is not closed before the end of the "
		    "file.");
	case CSV_ERR_LONG:
		return ("The record is too long.");
	case CSV_ERR_FIELDS:
		return ("The record has too many fields.");
	case CSV_ERR_MEMORY:
		return ("Out of memory.");
	default:
		return (NULL);
	}
}

/* s without leading and trailing ASCII spaces and tabs, in place. */
static const char *
csv_trim(const char *s, size_t *len)
{
	size_t	n = *len;

	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	*len = n;
	return (s);
}

/*
 * Finds our columns in the header record (names trimmed, case-insensitive,
 * a UTF-8 byte order mark ignored; unknown columns ignored; the first of
 * two equal names wins). Returns NULL, or the name of the first required
 * column that is missing. created_at_iso is optional.
 */
const char *
csv_header_map(const struct csv_reader *r, struct csv_header *h)
{
	const char	*s;
	size_t		 i, k, n;

	for (k = 0; k < CSV_NCOLS; k++)
		h->col[k] = -1;
	for (i = 0; i < r->nfields; i++) {
		s = r->fields[i].s;
		n = r->fields[i].len;
		if (i == 0 && n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) {
			s += 3;
			n -= 3;
		}
		s = csv_trim(s, &n);
		for (k = 0; k < CSV_NCOLS; k++)
			if (h->col[k] < 0 && strlen(csv_names[k]) == n &&
			    strncasecmp(s, csv_names[k], n) == 0)
				h->col[k] = (int)i;
	}
	for (k = 0; k < CSV_COL_CREATED_AT_ISO; k++)
		if (h->col[k] < 0)
			return (csv_names[k]);
	return (NULL);
}

/*
 * A tweet id: decimal digits, optionally written as a float with only
 * zeros after the point ("119237.0"), in [1, INT64_MAX]; spaces around are
 * ignored. Writes the canonical decimal form. 1 on success.
 */
int
csv_id(const char *s, size_t len, char out[CSV_ID_MAX])
{
	unsigned long long	v = 0;
	size_t			i, n = len;

	s = csv_trim(s, &n);
	for (i = 0; i < n && isdigit((unsigned char)s[i]); i++) {
		if (v > ((unsigned long long)INT64_MAX -
		    (unsigned long long)(s[i] - '0')) / 10)
			return (0);
		v = v * 10 + (unsigned long long)(s[i] - '0');
	}
	if (i == 0 || v == 0)
		return (0);
	if (i < n) {
		if (s[i++] != '.' || i == n)
			return (0);
		for (; i < n; i++)
			if (s[i] != '0')
				return (0);
	}
	snprintf(out, CSV_ID_MAX, "%llu", v);
	return (1);
}

/* inbound: True/False (any case) or 1/0 (also 1.0/0.0). -1 when neither. */
int
csv_bool(const char *s, size_t len)
{
	size_t	n = len;

	s = csv_trim(s, &n);
	if ((n == 4 && strncasecmp(s, "true", 4) == 0) ||
	    (n == 1 && s[0] == '1') || (n == 3 && memcmp(s, "1.0", 3) == 0))
		return (1);
	if ((n == 5 && strncasecmp(s, "false", 5) == 0) ||
	    (n == 1 && s[0] == '0') || (n == 3 && memcmp(s, "0.0", 3) == 0))
		return (0);
	return (-1);
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's algorithm). */
static long long
csv_days(long long y, int m, int d)
{
	long long	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

static int
csv_mdays(int y, int m)
{
	static const int	mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
				    30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return (29);
	return (mdays[m - 1]);
}

/* Exactly n digits at s into *v; 1 on success. */
static int
csv_digits(const char *s, size_t n, int *v)
{
	size_t	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return (0);
		*v = *v * 10 + (s[i] - '0');
	}
	return (1);
}

struct csv_tm {
	int	y, mo, d, h, mi, s, off;	/* off: minutes east of UTC */
	char	frac[8];			/* ".ffffff" or "" */
};

/* "+0000", "+00:00", "+00", "Z" or nothing (UTC) at s[0..n). */
static int
csv_offset(const char *s, size_t n, int *off)
{
	int	hh, mm = 0, sign;

	*off = 0;
	if (n == 0 || (n == 1 && (s[0] == 'Z' || s[0] == 'z')))
		return (1);
	if (s[0] != '+' && s[0] != '-')
		return (0);
	sign = s[0] == '-' ? -1 : 1;
	if (!((n == 3 && csv_digits(s + 1, 2, &hh)) ||
	    (n == 5 && csv_digits(s + 1, 2, &hh) && csv_digits(s + 3, 2, &mm)) ||
	    (n == 6 && s[3] == ':' && csv_digits(s + 1, 2, &hh) &&
	    csv_digits(s + 4, 2, &mm))) || hh > 23 || mm > 59)
		return (0);
	*off = sign * (hh * 60 + mm);
	return (1);
}

/* ISO 8601: YYYY-MM-DD, then optionally [T ]HH:MM[:SS[.f...]] and an
 * offset; no offset means UTC. */
static int
csv_iso(const char *s, size_t n, struct csv_tm *t)
{
	size_t	i, k;

	if (n < 10 || !csv_digits(s, 4, &t->y) || s[4] != '-' ||
	    !csv_digits(s + 5, 2, &t->mo) || s[7] != '-' ||
	    !csv_digits(s + 8, 2, &t->d))
		return (0);
	if (n == 10)
		return (1);
	if ((s[10] != 'T' && s[10] != 't' && s[10] != ' ') || n < 16 ||
	    !csv_digits(s + 11, 2, &t->h) || s[13] != ':' ||
	    !csv_digits(s + 14, 2, &t->mi))
		return (0);
	i = 16;
	if (i < n && s[i] == ':') {
		if (n < 19 || !csv_digits(s + 17, 2, &t->s))
			return (0);
		i = 19;
		if (i < n && s[i] == '.') {
			for (k = 0, i++; i < n && isdigit((unsigned char)s[i]);
			    i++)
				if (k < 6)
					t->frac[++k] = s[i];
			if (k == 0)
				return (0);
			t->frac[0] = '.';
			t->frac[k + 1] = '\0';
		}
	}
	return (csv_offset(s + i, n - i, &t->off));
}

/* twcs.csv: "Tue Oct 31 22:10:47 +0000 2017". */
static int
csv_twitter(const char *s, size_t n, struct csv_tm *t)
{
	static const char	months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	int			i;

	if (n != 30 || s[3] != ' ' || s[7] != ' ' || s[10] != ' ' ||
	    s[19] != ' ' || s[25] != ' ' || !isalpha((unsigned char)s[0]) ||
	    !csv_digits(s + 8, 2, &t->d) || !csv_digits(s + 11, 2, &t->h) ||
	    s[13] != ':' || !csv_digits(s + 14, 2, &t->mi) || s[16] != ':' ||
	    !csv_digits(s + 17, 2, &t->s) || !csv_digits(s + 26, 4, &t->y) ||
	    !csv_offset(s + 20, 5, &t->off))
		return (0);
	for (i = 0; i < 12; i++)
		if (strncasecmp(s + 4, months + 3 * i, 3) == 0)
			break;
	t->mo = i + 1;
	return (i < 12);
}

/* Writes day number days (since 1970-01-01) and secs into that day as
 * RFC 3339 UTC text (Hinnant's algorithm back). */
static void
csv_civil(long long days, long long secs, const char *frac,
    char out[CSV_DATE_MAX])
{
	long long	z = days + 719468, era, doe, yoe, y, doy, mp;
	int		d, m;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = (int)(doy - (153 * mp + 2) / 5 + 1);
	m = (int)(mp < 10 ? mp + 3 : mp - 9);
	y += m <= 2;
	snprintf(out, CSV_DATE_MAX, "%04d-%02d-%02dT%02d:%02d:%02d%.7sZ",
	    (int)(y % 10000), m % 100, d % 100, (int)(secs / 3600 % 24),
	    (int)(secs / 60 % 60), (int)(secs % 60), frac);
}

/*
 * A created_at in either format as RFC 3339 UTC text,
 * "2017-10-31T22:10:47Z" (fractions of a second kept, at most six digits).
 * 1 on success; 0 for anything else, out-of-range fields included.
 */
int
csv_date(const char *s, size_t len, char out[CSV_DATE_MAX])
{
	struct csv_tm	t;
	long long	secs, days;
	size_t		n = len;

	memset(&t, 0, sizeof(t));
	s = csv_trim(s, &n);
	if (!csv_iso(s, n, &t) && (memset(&t, 0, sizeof(t)),
	    !csv_twitter(s, n, &t)))
		return (0);
	if (t.y < 1900 || t.y > 9998 || t.mo < 1 || t.mo > 12 || t.d < 1 ||
	    t.d > csv_mdays(t.y, t.mo) || t.h > 23 || t.mi > 59 || t.s > 59)
		return (0);
	secs = csv_days(t.y, t.mo, t.d) * 86400LL + t.h * 3600 + t.mi * 60 +
	    t.s - t.off * 60LL;
	days = secs / 86400 - (secs % 86400 < 0);
	secs -= days * 86400;
	csv_civil(days, secs, t.frac, out);
	return (1);
}

/* The field of column k, or NULL when the record is too short for it. */
static const struct csv_field *
csv_col(const struct csv_reader *r, const struct csv_header *h, int k)
{
	if (h->col[k] < 0 || (size_t)h->col[k] >= r->nfields)
		return (NULL);
	return (&r->fields[h->col[k]]);
}

/* author_id: trimmed, 1-CSV_AUTHOR_MAX code points, no controls; ids
 * written as floats are made integers like tweet ids. */
static const char *
csv_author(const struct csv_field *f, struct csv_message *m)
{
	size_t		 i, n = f->len;
	long		 cps;
	const char	*s = csv_trim(f->s, &n);

	if (n == 0)
		return ("author_id is empty.");
	if ((cps = utf8_length(s, n)) < 0)
		return ("author_id is not valid UTF-8.");
	if (cps > CSV_AUTHOR_MAX || n >= sizeof(m->author))
		return ("author_id is too long.");
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			return ("author_id holds control characters.");
	if (!csv_id(s, n, m->author)) {
		memcpy(m->author, s, n);
		m->author[n] = '\0';
	}
	return (NULL);
}

/*
 * One data record as a message. Returns NULL on success, else a sentence
 * saying what is wrong with the row (it never quotes the row). m->text
 * points into the reader's storage until the next csv_next().
 */
const char *
csv_row_message(const struct csv_reader *r, const struct csv_header *h,
    struct csv_message *m)
{
	const struct csv_field	*f, *iso;
	const char		*why;
	long			 cps;

	memset(m, 0, sizeof(*m));
	if (r->failed)
		return (csv_error(r->failed));
	if (r->has_nul)
		return ("The row holds a NUL byte.");
	if ((f = csv_col(r, h, CSV_COL_TWEET_ID)) == NULL)
		return ("The row has fewer fields than the header.");
	if (!utf8_valid(r->data, r->dlen))
		return ("The row is not valid UTF-8.");
	if (!csv_id(f->s, f->len, m->external_id))
		return ("tweet_id is not a positive integer.");
	if ((f = csv_col(r, h, CSV_COL_REPLY_TO)) == NULL)
		return ("The row has fewer fields than the header.");
	if (!text_blank(f->s) && !csv_id(f->s, f->len, m->reply_to))
		return ("in_response_to_tweet_id is not a positive integer.");
	if ((f = csv_col(r, h, CSV_COL_INBOUND)) == NULL)
		return ("The row has fewer fields than the header.");
	if ((m->inbound = csv_bool(f->s, f->len)) < 0)
		return ("inbound is neither True/False nor 1/0.");
	if ((f = csv_col(r, h, CSV_COL_AUTHOR_ID)) == NULL)
		return ("The row has fewer fields than the header.");
	if ((why = csv_author(f, m)) != NULL)
		return (why);
	/* The ERICSSON subsets keep an Excel day number in created_at and
	 * the time itself in created_at_iso: prefer that when it is there. */
	iso = csv_col(r, h, CSV_COL_CREATED_AT_ISO);
	if (iso != NULL && !text_blank(iso->s))
		f = iso;
	else if ((f = csv_col(r, h, CSV_COL_CREATED_AT)) == NULL)
		return ("The row has fewer fields than the header.");
	if (!csv_date(f->s, f->len, m->sent_at))
		return ("created_at is not a date in either accepted format.");
	if ((f = csv_col(r, h, CSV_COL_TEXT)) == NULL)
		return ("The row has fewer fields than the header.");
	if ((cps = utf8_length(f->s, f->len)) < 0)
		return ("text is not valid UTF-8.");
	if (cps > CSV_TEXT_MAX)
		return ("text is too long.");
	if (text_blank(f->s))
		return ("text is empty.");
	m->text = f->s;
	m->text_len = f->len;
	return (NULL);
}
