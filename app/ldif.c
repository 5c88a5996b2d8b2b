/*
 * LDIF (RFC 2849) directory exports turned into the person entries that
 * import_people() in sql/0003_import_people.sql takes. Pure: no Kore and no
 * libpq, so the unit tests and tools/ldif2json link it on its own.
 *
 * Only the attributes the import uses are decoded and checked; everything
 * else in a record (photos, certificates, passwords, ACIs) is skipped
 * unread, so binary values never reject a person. Rejection reasons are
 * fixed sentences that name our own attribute names, never input.
 */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "parley.h"

/* A logical (unfolded) line longer than this is cut; it is then too long
 * for any value we use (base64 of LDIF_VALUE_MAX bytes is 5,464). */
#define LDIF_LINE_MAX	8192

#define LDIF_STR2(x)	#x
#define LDIF_STR(x)	LDIF_STR2(x)

/* The attributes the import reads; everything else is ATTR_OTHER. */
enum ldif_attr {
	ATTR_OTHER, ATTR_DN, ATTR_OBJECTCLASS, ATTR_UID, ATTR_CN, ATTR_SN,
	ATTR_GIVENNAME, ATTR_MAIL, ATTR_OU, ATTR_L, ATTR_TITLE, ATTR_MANAGER,
	ATTR_CHANGETYPE, ATTR_COUNT
};

/* Names (and the usual aliases) compared ignoring case; the first name of
 * each attribute is the one reasons use. */
static const struct {
	const char	*name;
	enum ldif_attr	 attr;
} ldif_names[] = {
	{ "dn", ATTR_DN }, { "objectclass", ATTR_OBJECTCLASS },
	{ "uid", ATTR_UID }, { "userid", ATTR_UID },
	{ "cn", ATTR_CN }, { "commonname", ATTR_CN },
	{ "sn", ATTR_SN }, { "surname", ATTR_SN },
	{ "givenname", ATTR_GIVENNAME }, { "gn", ATTR_GIVENNAME },
	{ "mail", ATTR_MAIL }, { "rfc822mailbox", ATTR_MAIL },
	{ "ou", ATTR_OU }, { "organizationalunitname", ATTR_OU },
	{ "l", ATTR_L }, { "localityname", ATTR_L },
	{ "title", ATTR_TITLE }, { "manager", ATTR_MANAGER },
	{ "changetype", ATTR_CHANGETYPE },
};

/* Why a record was rejected: a sentence, with our name of the attribute
 * (or the line of the first copy of a dn) between its two halves. */
enum ldif_problem {
	PROBLEM_NONE, PROBLEM_NO_DN, PROBLEM_TWO_DN, PROBLEM_MALFORMED,
	PROBLEM_STRAY, PROBLEM_BASE64, PROBLEM_UTF8, PROBLEM_NUL,
	PROBLEM_LONG, PROBLEM_DN_LONG, PROBLEM_URL, PROBLEM_NO_UID,
	PROBLEM_CHANGE, PROBLEM_DUPLICATE, PROBLEM_TOO_MANY
};

static const struct {
	const char	*before, *after;
	int		 named;		/* the attribute goes in between */
} ldif_reasons[] = {
	[PROBLEM_NONE] = { "", "", 0 },
	[PROBLEM_NO_DN] = { "the record does not start with dn:", "", 0 },
	[PROBLEM_TWO_DN] = { "the record has more than one dn:", "", 0 },
	[PROBLEM_MALFORMED] = { "a line is not \"attribute: value\"", "", 0 },
	[PROBLEM_STRAY] = { "a continuation line follows a blank line", "",
	    0 },
	[PROBLEM_BASE64] = { "invalid base64 in ", "", 1 },
	[PROBLEM_UTF8] = { "", " is not valid UTF-8", 1 },
	[PROBLEM_NUL] = { "", " contains a NUL byte", 1 },
	[PROBLEM_LONG] = { "", " is longer than " LDIF_STR(LDIF_VALUE_MAX)
	    " bytes", 1 },
	[PROBLEM_DN_LONG] = { "the dn is longer than " LDIF_STR(LDIF_DN_MAX)
	    " bytes", "", 0 },
	[PROBLEM_URL] = { "", " is given by URL (attr:<), which is not "
	    "supported", 1 },
	[PROBLEM_NO_UID] = { "the person has no uid", "", 0 },
	[PROBLEM_CHANGE] = { "a change record (changetype); only content "
	    "records are imported", "", 0 },
	[PROBLEM_DUPLICATE] = { "the same dn appears earlier, at line ", "",
	    1 },
	[PROBLEM_TOO_MANY] = { "more than " LDIF_STR(LDIF_ENTRIES_MAX)
	    " people; this entry and the rest of the file were not read", "",
	    0 },
};

struct ldif_record {
	size_t			 line;		/* where the record starts */
	int			 started;
	int			 data_lines;
	int			 person;	/* objectClass says so */
	int			 class_unknown;	/* a bad objectClass value */
	int			 change;	/* has changetype: */
	enum ldif_problem	 problem;	/* the first one */
	enum ldif_attr		 problem_attr;
	char			*value[ATTR_COUNT];	/* first value of each */
};

struct ldif_parser {
	const char		*buf;
	size_t			 len, pos;
	size_t			 lineno;	/* physical lines read */
	size_t			 start;		/* first line of the logical one */
	char			*line;		/* the logical line, unfolded */
	size_t			 linelen;
	int			 truncated;
	char			*decoded;	/* base64 scratch */
	struct ldif_record	 rec;
	json_t			*entries, *rejected;
	json_t			*seen;		/* normalised dn -> line */
	int			 stop, oom, first_line_done;
};

enum ldif_line { LINE_EOF, LINE_BLANK, LINE_COMMENT, LINE_DATA, LINE_STRAY };

static int
ldif_lower(int c)
{
	return ((c >= 'A' && c <= 'Z') ? c - 'A' + 'a' : c);
}

static const char *
ldif_attr_name(enum ldif_attr a)
{
	size_t	i;

	for (i = 0; i < sizeof(ldif_names) / sizeof(ldif_names[0]); i++)
		if (ldif_names[i].attr == a)
			return (ldif_names[i].name);
	return ("a value");
}

static enum ldif_attr
ldif_attr_lookup(const char *name, size_t len)
{
	size_t	i;

	for (i = 0; i < sizeof(ldif_names) / sizeof(ldif_names[0]); i++)
		if (strlen(ldif_names[i].name) == len &&
		    strncasecmp(ldif_names[i].name, name, len) == 0)
			return (ldif_names[i].attr);
	return (ATTR_OTHER);
}

/* Appends to the logical line, cutting it at LDIF_LINE_MAX. */
static void
ldif_line_append(struct ldif_parser *p, const char *s, size_t n)
{
	if (n > LDIF_LINE_MAX - p->linelen) {
		n = LDIF_LINE_MAX - p->linelen;
		p->truncated = 1;
	}
	memcpy(p->line + p->linelen, s, n);
	p->linelen += n;
	p->line[p->linelen] = '\0';
}

/* The next physical line without its LF or CRLF; 0 at the end. */
static int
ldif_physical(struct ldif_parser *p, const char **s, size_t *n)
{
	const char	*nl;
	size_t		 end;

	if (p->pos >= p->len)
		return (0);
	*s = p->buf + p->pos;
	nl = memchr(*s, '\n', p->len - p->pos);
	end = nl ? (size_t)(nl - p->buf) : p->len;
	*n = end - p->pos;
	p->pos = nl ? end + 1 : end;
	if (*n > 0 && (*s)[*n - 1] == '\r')
		(*n)--;
	p->lineno++;
	return (1);
}

/*
 * Reads one logical line into p->line: a physical line and every following
 * line that starts with one space (RFC 2849 folding; the space goes).
 * Continuations of a comment belong to the comment.
 */
static enum ldif_line
ldif_next(struct ldif_parser *p)
{
	const char	*s;
	size_t		 n;
	enum ldif_line	 kind;

	if (!ldif_physical(p, &s, &n))
		return (LINE_EOF);
	p->start = p->lineno;
	p->linelen = 0;
	p->truncated = 0;
	p->line[0] = '\0';
	if (n == 0)
		return (LINE_BLANK);
	kind = s[0] == ' ' ? LINE_STRAY : s[0] == '#' ? LINE_COMMENT :
	    LINE_DATA;
	ldif_line_append(p, s, n);
	while (p->pos < p->len && p->buf[p->pos] == ' ') {
		(void)ldif_physical(p, &s, &n);
		ldif_line_append(p, s + 1, n - 1);
	}
	return (kind);
}

static int
ldif_base64_value(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

/* Strict base64 (RFC 4648 with padding) of in[0..n) into out, which holds
 * at least n / 4 * 3 bytes. Returns the decoded length or -1. */
static long
ldif_base64_decode(const char *in, size_t n, char *out)
{
	size_t	i, o = 0;
	int	v[4], k, pad;

	if (n % 4 != 0)
		return (-1);
	for (i = 0; i < n; i += 4) {
		pad = 0;
		for (k = 0; k < 4; k++) {
			if (in[i + k] == '=' && i + 4 == n && k >= 2) {
				pad++;
				v[k] = 0;
				continue;
			}
			if (pad > 0 || (v[k] = ldif_base64_value(
			    (unsigned char)in[i + k])) < 0)
				return (-1);
		}
		out[o++] = (char)((v[0] << 2) | (v[1] >> 4));
		if (pad < 2)
			out[o++] = (char)(((v[1] & 0xf) << 4) | (v[2] >> 2));
		if (pad < 1)
			out[o++] = (char)(((v[2] & 0x3) << 6) | v[3]);
	}
	return ((long)o);
}

static void
ldif_problem(struct ldif_record *rec, enum ldif_problem what,
    enum ldif_attr attr)
{
	if (rec->problem == PROBLEM_NONE) {
		rec->problem = what;
		rec->problem_attr = attr;
	}
}

/*
 * Decodes the value after "name:" (plain, "::" base64 or "<" URL) into
 * *v and *n, pointing into the line or the scratch buffer. Returns the problem
 * that makes the value unusable, or PROBLEM_NONE.
 */
static enum ldif_problem
ldif_value(struct ldif_parser *p, const char *s, size_t len, const char **v,
    size_t *n)
{
	long	dn;

	if (p->truncated)
		return (PROBLEM_LONG);
	if (len > 0 && s[0] == '<')
		return (PROBLEM_URL);
	if (len > 0 && s[0] == ':') {
		s++;
		len--;
		while (len > 0 && s[0] == ' ')
			s++, len--;
		while (len > 0 && s[len - 1] == ' ')
			len--;
		if ((dn = ldif_base64_decode(s, len, p->decoded)) < 0)
			return (PROBLEM_BASE64);
		s = p->decoded;
		len = (size_t)dn;
	}
	while (len > 0 && (s[0] == ' ' || s[0] == '\t'))
		s++, len--;
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (len > LDIF_VALUE_MAX)
		return (PROBLEM_LONG);
	if (memchr(s, '\0', len) != NULL)
		return (PROBLEM_NUL);
	if (!utf8_valid(s, len))
		return (PROBLEM_UTF8);
	*v = s;
	*n = len;
	return (PROBLEM_NONE);
}

/* Keeps the first non-empty value of an attribute (for ou: the first that
 * is a department, not the "People" or "Groups" container). */
static void
ldif_keep(struct ldif_parser *p, enum ldif_attr a, const char *v, size_t n)
{
	struct ldif_record	*rec = &p->rec;

	if (a == ATTR_OBJECTCLASS) {
		if ((n == 6 && strncasecmp(v, "person", n) == 0) ||
		    (n == 13 && strncasecmp(v, "inetorgperson", n) == 0) ||
		    (n == 20 && strncasecmp(v, "organizationalperson", n) == 0))
			rec->person = 1;
		return;
	}
	if (a == ATTR_CHANGETYPE) {
		rec->change = 1;
		return;
	}
	if (a == ATTR_OU && ((n == 6 && strncasecmp(v, "people", n) == 0) ||
	    (n == 6 && strncasecmp(v, "groups", n) == 0)))
		return;
	if (a == ATTR_DN && rec->value[ATTR_DN] != NULL) {
		ldif_problem(rec, PROBLEM_TWO_DN, a);
		return;
	}
	if (a == ATTR_DN && n > LDIF_DN_MAX)
		ldif_problem(rec, PROBLEM_DN_LONG, a);
	if (rec->value[a] != NULL || (n == 0 && a != ATTR_DN))
		return;
	if ((rec->value[a] = strndup(v, n)) == NULL)
		p->oom = 1;
}

/* One "name: value" line of the current record. */
static void
ldif_record_line(struct ldif_parser *p)
{
	struct ldif_record	*rec = &p->rec;
	const char		*colon, *name = p->line, *v;
	size_t			 namelen, i, n;
	enum ldif_attr		 a;
	enum ldif_problem	 bad;

	colon = memchr(p->line, ':', p->linelen);
	if (colon == NULL || colon == p->line) {
		ldif_problem(rec, PROBLEM_MALFORMED, ATTR_OTHER);
		return;
	}
	/* AttributeDescription: a type, then ";options" we ignore. */
	for (namelen = 0; name + namelen < colon; namelen++) {
		if (name[namelen] == ';')
			break;
	}
	for (i = 0; name + i < colon; i++) {
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') ||
		    name[i] == '-' || name[i] == '.' || name[i] == ';')) {
			ldif_problem(rec, PROBLEM_MALFORMED, ATTR_OTHER);
			return;
		}
	}
	a = ldif_attr_lookup(name, namelen);
	if (rec->data_lines++ == 0 && a != ATTR_DN)
		ldif_problem(rec, PROBLEM_NO_DN, ATTR_OTHER);
	if (a == ATTR_OTHER)
		return;		/* not ours: never decoded, never judged */
	bad = ldif_value(p, colon + 1,
	    p->linelen - (size_t)(colon + 1 - p->line), &v, &n);
	if (bad != PROBLEM_NONE) {
		if (a == ATTR_OBJECTCLASS)
			rec->class_unknown = 1;
		if (a == ATTR_CHANGETYPE)
			rec->change = 1;
		ldif_problem(rec, bad, a);
		return;
	}
	ldif_keep(p, a, v, n);
}

static void
ldif_reject(struct ldif_parser *p, size_t line, enum ldif_problem what,
    enum ldif_attr attr, const char *arg)
{
	char	reason[160];
	size_t	n = json_array_size(p->rejected);

	if (n > LDIF_REJECTED_MAX)
		return;
	if (n == LDIF_REJECTED_MAX) {
		(void)snprintf(reason, sizeof(reason), "more than %d rejected "
		    "entries; the rest are not listed", LDIF_REJECTED_MAX);
	} else {
		(void)snprintf(reason, sizeof(reason), "%s%s%s",
		    ldif_reasons[what].before, !ldif_reasons[what].named ? "" :
		    arg != NULL ? arg : ldif_attr_name(attr),
		    ldif_reasons[what].after);
	}
	if (json_array_append_new(p->rejected, json_pack("{s:I, s:s}",
	    "line", (json_int_t)line, "reason", reason)) != 0)
		p->oom = 1;
}

/*
 * Lower-cases a DN and drops the spaces around its separators, so that
 * "uid=Ann, ou=People" and "UID = ann,ou=people" compare equal. Escaped
 * characters ("\,", "\ ", "\2C") are kept as written. out holds len + 1.
 */
static void
ldif_dn_normalise(const char *in, size_t len, char *out)
{
	size_t	i, o = 0, keep = 0;
	int	after_separator = 1;

	for (i = 0; i < len; i++) {
		if (in[i] == '\\' && i + 1 < len) {
			out[o++] = '\\';
			out[o++] = (char)ldif_lower((unsigned char)in[++i]);
			keep = o;
			after_separator = 0;
		} else if (in[i] == ',' || in[i] == '=' || in[i] == '+') {
			while (o > keep && out[o - 1] == ' ')
				o--;
			out[o++] = in[i];
			keep = o;
			after_separator = 1;
		} else if (in[i] != ' ' || !after_separator) {
			out[o++] = (char)ldif_lower((unsigned char)in[i]);
			after_separator = 0;
		}
	}
	while (o > keep && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
}

static int
ldif_hex(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	c = ldif_lower(c);
	return ((c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1);
}

/*
 * The value of a DN's first RDN when its attribute is uid (any case, spaces
 * around '=' tolerated), unescaped, in out (len + 1 bytes). Returns 0 when
 * the first RDN is not a usable uid.
 */
static int
ldif_dn_first_uid(const char *dn, char *out)
{
	const char	*s = dn;
	size_t		 o = 0, keep = 0;

	while (*s == ' ')
		s++;
	if (strncasecmp(s, "uid", 3) != 0)
		return (0);
	for (s += 3; *s == ' '; s++)
		;
	if (*s++ != '=')
		return (0);
	while (*s == ' ')
		s++;
	while (*s != '\0' && *s != ',' && *s != '+') {
		if (s[0] == '\\' && ldif_hex((unsigned char)s[1]) >= 0 &&
		    ldif_hex((unsigned char)s[2]) >= 0) {
			out[o++] = (char)(ldif_hex((unsigned char)s[1]) * 16 +
			    ldif_hex((unsigned char)s[2]));
			s += 3;
			keep = o;
		} else if (s[0] == '\\' && s[1] != '\0') {
			out[o++] = s[1];
			s += 2;
			keep = o;
		} else {
			out[o++] = *s++;
		}
	}
	while (o > keep && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	return (o > 0 && memchr(out, '\0', o) == NULL && utf8_valid(out, o));
}

/* cn, else "givenName sn", else whichever of the two there is, else uid. */
static char *
ldif_display_name(const struct ldif_record *rec)
{
	const char	*given = rec->value[ATTR_GIVENNAME];
	const char	*sn = rec->value[ATTR_SN];
	char		*s;
	size_t		 n;

	if (rec->value[ATTR_CN] != NULL && !text_blank(rec->value[ATTR_CN]))
		return (strdup(rec->value[ATTR_CN]));
	if (given != NULL && sn != NULL) {
		n = strlen(given) + strlen(sn) + 2;
		if ((s = malloc(n)) != NULL)
			(void)snprintf(s, n, "%s %s", given, sn);
		return (s);
	}
	return (strdup(given ? given : sn ? sn : rec->value[ATTR_UID]));
}

/* The finished person as import_people() reads it. */
static json_t *
ldif_entry(const struct ldif_record *rec, const char *dn)
{
	char	*name, *manager_dn = NULL, *manager_uid = NULL;
	json_t	*e = NULL;
	size_t	 n;

	if ((name = ldif_display_name(rec)) == NULL)
		return (NULL);
	if (rec->value[ATTR_MANAGER] != NULL) {
		n = strlen(rec->value[ATTR_MANAGER]);
		if ((manager_dn = malloc(n + 1)) == NULL ||
		    (manager_uid = malloc(n + 1)) == NULL)
			goto out;
		ldif_dn_normalise(rec->value[ATTR_MANAGER], n, manager_dn);
		if (!ldif_dn_first_uid(rec->value[ATTR_MANAGER], manager_uid)) {
			free(manager_uid);
			manager_uid = NULL;
		}
	}
	e = json_pack("{s:s, s:s, s:s, s:s?, s:s?, s:s?, s:s?, s:s?, s:s?, "
	    "s:I}", "dn", dn, "uid", rec->value[ATTR_UID],
	    "display_name", name, "email", rec->value[ATTR_MAIL],
	    "department", rec->value[ATTR_OU], "location", rec->value[ATTR_L],
	    "title", rec->value[ATTR_TITLE], "manager_uid", manager_uid,
	    "manager_dn", manager_dn, "line", (json_int_t)rec->line);
out:
	free(name);
	free(manager_dn);
	free(manager_uid);
	return (e);
}

/* Adds the person, unless its dn came earlier in the file. */
static void
ldif_accept(struct ldif_parser *p)
{
	struct ldif_record	*rec = &p->rec;
	json_t			*first, *e;
	char			*dn, line[24];
	size_t			 n = strlen(rec->value[ATTR_DN]);

	if ((dn = malloc(n + 1)) == NULL) {
		p->oom = 1;
		return;
	}
	ldif_dn_normalise(rec->value[ATTR_DN], n, dn);
	if ((first = json_object_get(p->seen, dn)) != NULL) {
		(void)snprintf(line, sizeof(line), "%lld",
		    (long long)json_integer_value(first));
		ldif_reject(p, rec->line, PROBLEM_DUPLICATE, ATTR_DN, line);
	} else if (json_array_size(p->entries) >= LDIF_ENTRIES_MAX) {
		ldif_reject(p, rec->line, PROBLEM_TOO_MANY, ATTR_OTHER, NULL);
		p->stop = 1;
	} else if ((e = ldif_entry(rec, dn)) == NULL ||
	    json_array_append_new(p->entries, e) != 0 ||
	    json_object_set_new(p->seen, dn,
	    json_integer((json_int_t)rec->line)) != 0) {
		p->oom = 1;
	}
	free(dn);
}

/* Judges the finished record, then forgets it. */
static void
ldif_record_end(struct ldif_parser *p)
{
	struct ldif_record	*rec = &p->rec;
	size_t			 i;

	if (rec->change)
		ldif_reject(p, rec->line, PROBLEM_CHANGE, ATTR_OTHER, NULL);
	else if (rec->problem != PROBLEM_NONE &&
	    (rec->person || rec->class_unknown))
		ldif_reject(p, rec->line, rec->problem, rec->problem_attr, NULL);
	else if (!rec->person || rec->problem != PROBLEM_NONE)
		;			/* not a person: not our business */
	else if (rec->value[ATTR_DN] == NULL || *rec->value[ATTR_DN] == '\0')
		ldif_reject(p, rec->line, PROBLEM_NO_DN, ATTR_OTHER, NULL);
	else if (rec->value[ATTR_UID] == NULL)
		ldif_reject(p, rec->line, PROBLEM_NO_UID, ATTR_OTHER, NULL);
	else
		ldif_accept(p);
	for (i = 0; i < ATTR_COUNT; i++)
		free(rec->value[i]);
	memset(rec, 0, sizeof(*rec));
}

/* The first line of a file may be "version: 1"; it is not a record. */
static int
ldif_is_version(const struct ldif_parser *p)
{
	return (p->linelen >= 8 && strncasecmp(p->line, "version:", 8) == 0);
}

static void
ldif_run(struct ldif_parser *p)
{
	enum ldif_line	kind;

	while (!p->stop && !p->oom) {
		kind = ldif_next(p);
		if (kind == LINE_EOF || kind == LINE_BLANK) {
			if (p->rec.started)
				ldif_record_end(p);
			if (kind == LINE_EOF)
				break;
			continue;
		}
		if (kind == LINE_COMMENT)
			continue;
		if (!p->first_line_done) {
			p->first_line_done = 1;
			if (kind == LINE_DATA && ldif_is_version(p))
				continue;
		}
		if (!p->rec.started) {
			p->rec.started = 1;
			p->rec.line = p->start;
		}
		if (kind == LINE_STRAY)
			ldif_problem(&p->rec, PROBLEM_STRAY, ATTR_OTHER);
		else
			ldif_record_line(p);
	}
}

json_t *
ldif_parse(const char *buf, size_t len, json_t **rejected)
{
	struct ldif_parser	 p;
	size_t			 i;

	memset(&p, 0, sizeof(p));
	*rejected = NULL;
	p.buf = buf;
	p.len = len;
	p.line = malloc(LDIF_LINE_MAX + 1);
	p.decoded = malloc(LDIF_LINE_MAX / 4 * 3 + 3);
	p.entries = json_array();
	p.rejected = json_array();
	p.seen = json_object();
	if (p.line == NULL || p.decoded == NULL || p.entries == NULL ||
	    p.rejected == NULL || p.seen == NULL)
		p.oom = 1;
	else
		ldif_run(&p);
	for (i = 0; i < ATTR_COUNT; i++)
		free(p.rec.value[i]);
	free(p.line);
	free(p.decoded);
	json_decref(p.seen);
	if (p.oom) {
		json_decref(p.entries);
		json_decref(p.rejected);
		return (NULL);
	}
	*rejected = p.rejected;
	return (p.entries);
}
