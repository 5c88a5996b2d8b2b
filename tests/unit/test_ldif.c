/* Unit tests for app/ldif.c: RFC 2849 syntax (folding, base64, CRLF,
 * comments, options, version, change records), the person entries and
 * their rejections, manager DNs, hostile input, and the real 389-ds sample
 * directory, which must be present. */
#define PARLEY_PURE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parley.h"
#include "tap.h"

#define EXAMPLE_LDIF	"/work/shared/data/org-directory-ldif/Example.ldif"

static json_t	*entries, *rejected;

/* Parses len bytes of s into the globals; returns the number of people. */
static size_t
parse_n(const char *s, size_t len)
{
	json_decref(entries);
	json_decref(rejected);
	entries = ldif_parse(s, len, &rejected);
	if (entries == NULL || rejected == NULL) {
		printf("# ldif_parse returned NULL\n");
		exit(1);
	}
	return (json_array_size(entries));
}

static size_t
parse(const char *s)
{
	return (parse_n(s, strlen(s)));
}

/* Field of the i-th entry, or "(null)" for JSON null / absent. */
static const char *
field(size_t i, const char *key)
{
	const char	*v;

	v = json_string_value(json_object_get(json_array_get(entries, i), key));
	return (v ? v : "(null)");
}

static long long
entry_line(size_t i)
{
	return (json_integer_value(json_object_get(json_array_get(entries, i),
	    "line")));
}

static long long
rejected_line(size_t i)
{
	return (json_integer_value(json_object_get(json_array_get(rejected, i),
	    "line")));
}

static const char *
rejected_reason(size_t i)
{
	const char	*v;

	v = json_string_value(json_object_get(json_array_get(rejected, i),
	    "reason"));
	return (v ? v : "(none)");
}

#define PERSON(uid) \
	"dn: uid=" uid ",ou=People,dc=example,dc=com\n" \
	"objectclass: top\nobjectclass: person\n" \
	"objectclass: inetOrgPerson\nuid: " uid "\n"

static void
test_syntax(void)
{
	char	*text;

	ok(parse(PERSON("ann") "cn: Ann Lee\nsn: Lee\nmail: ann@example.com\n"
	    "ou: Accounting\nou: People\nl: Sunnyvale\ntitle: Clerk\n") == 1 &&
	    strcmp(field(0, "uid"), "ann") == 0 &&
	    strcmp(field(0, "display_name"), "Ann Lee") == 0 &&
	    strcmp(field(0, "email"), "ann@example.com") == 0 &&
	    strcmp(field(0, "department"), "Accounting") == 0 &&
	    strcmp(field(0, "location"), "Sunnyvale") == 0 &&
	    strcmp(field(0, "title"), "Clerk") == 0 &&
	    strcmp(field(0, "dn"), "uid=ann,ou=people,dc=example,dc=com") == 0 &&
	    strcmp(field(0, "manager_uid"), "(null)") == 0 &&
	    entry_line(0) == 1 && json_array_size(rejected) == 0,
	    "a plain person: every field, the normalised dn, line 1");
	ok(parse(PERSON("ann") "cn: Ann L\n ee\n") == 1 &&
	    strcmp(field(0, "display_name"), "Ann Lee") == 0,
	    "folding: a line starting with one space continues the last");
	ok(parse(PERSON("ann") "cn: Ann\n  Lee\n") == 1 &&
	    strcmp(field(0, "display_name"), "Ann Lee") == 0,
	    "folding removes only the first space");
	ok(parse("dn: uid=ann,ou=Pe\n ople,dc=example,dc=com\n"
	    "objectclass: person\nu\n id: ann\n") == 1 &&
	    strcmp(field(0, "dn"), "uid=ann,ou=people,dc=example,dc=com") == 0 &&
	    strcmp(field(0, "uid"), "ann") == 0,
	    "folding inside the dn and inside an attribute name");
	ok(parse("dn: uid=ann,dc=x\r\nobjectclass: person\r\nuid: ann\r\n"
	    "cn: Ann\r\n Lee\r\n\r\ndn: uid=bo,dc=x\r\nobjectclass: person\r\n"
	    "uid: bo\r\n") == 2 &&
	    strcmp(field(0, "display_name"), "AnnLee") == 0 &&
	    strcmp(field(1, "uid"), "bo") == 0 && entry_line(1) == 7,
	    "CRLF line endings, folded and separating records");
	ok(parse("# a comment\n#  folded comment\n continues here\n"
	    PERSON("ann") "# inside a record\ncn: Ann\n") == 1 &&
	    strcmp(field(0, "display_name"), "Ann") == 0 && entry_line(0) == 4,
	    "comments (and folded comments) are skipped; line counts them");
	ok(parse("version: 1\n" PERSON("ann")) == 1 && entry_line(0) == 2 &&
	    json_array_size(rejected) == 0,
	    "version: 1 directly followed by the first record");
	ok(parse("version: 1\n\n" PERSON("ann") "\n\n\n" PERSON("bo")) == 2 &&
	    entry_line(0) == 3 && entry_line(1) == 11,
	    "version: 1, then records separated by several blank lines");
	ok(parse("DN: uid=ann,dc=x\nObjectClass: InetOrgPerson\nUID: ann\n"
	    "CN;lang-en: Ann Lee\ncn: Second Name\nMAIL: a@example.com\n"
	    "OU;x-y: Payroll\nL: Paris\n") == 1 &&
	    strcmp(field(0, "display_name"), "Ann Lee") == 0 &&
	    strcmp(field(0, "email"), "a@example.com") == 0 &&
	    strcmp(field(0, "department"), "Payroll") == 0 &&
	    strcmp(field(0, "location"), "Paris") == 0,
	    "attribute names ignore case and options; the first value wins");
	ok(parse("dn: uid=ann,dc=x\nobjectclass: organizationalPerson\n"
	    "userid: ann\ncommonName: Ann\nsurname: Lee\n") == 1 &&
	    strcmp(field(0, "uid"), "ann") == 0 &&
	    strcmp(field(0, "display_name"), "Ann") == 0,
	    "organizationalPerson and attribute aliases");
	ok(parse(PERSON("ann") "cn:    Ann Lee   \n") == 1 &&
	    strcmp(field(0, "display_name"), "Ann Lee") == 0,
	    "spaces around a value are dropped");
	ok(parse("dn: uid=ann,dc=x\nobjectclass: person\nuid: ann\n"
	    "jpegphoto:< file:///etc/passwd\ndescription:: /9j/4AAQSkZJRgABAQ==\n"
	    "usercertificate;binary:: MIIB\nuserpassword: secret\n") == 1 &&
	    json_array_size(rejected) == 0,
	    "attributes we do not use are never decoded or judged");
	text = json_dumps(entries, 0);
	ok(text != NULL && strstr(text, "secret") == NULL &&
	    strstr(text, "passwd") == NULL, "nor copied into the entry");
	free(text);
}

static void
test_base64(void)
{
	ok(parse(PERSON("ann") "cn:: U8O2cmVuIEzDqWU=\n") == 1 &&
	    strcmp(field(0, "display_name"), "S\xc3\xb6ren L\xc3\xa9" "e") == 0,
	    "base64 value decoded (UTF-8)");
	ok(parse(PERSON("ann") "cn::U8O2cmVu\n") == 1 &&
	    strcmp(field(0, "display_name"), "S\xc3\xb6ren") == 0,
	    "base64 without the space after ::");
	ok(parse("dn:: dWlkPWFubixkYz14\nobjectclass: person\nuid:: YW5u\n") ==
	    1 && strcmp(field(0, "dn"), "uid=ann,dc=x") == 0 &&
	    strcmp(field(0, "uid"), "ann") == 0, "base64 dn and uid");
	ok(parse(PERSON("ann") "cn:: U8O2cm\n VuIEzDqWU=\n") == 1 &&
	    strcmp(field(0, "display_name"), "S\xc3\xb6ren L\xc3\xa9" "e") == 0,
	    "folded base64");
	ok(parse(PERSON("ann") "cn:: not*base64!\n") == 0 &&
	    json_array_size(rejected) == 1 && rejected_line(0) == 1 &&
	    strcmp(rejected_reason(0), "invalid base64 in cn") == 0,
	    "invalid base64 rejects the entry, with its line");
	ok(parse(PERSON("ann") "mail:: YW5uQGV4YW1wbGUuY29\n") == 0 &&
	    strcmp(rejected_reason(0), "invalid base64 in mail") == 0,
	    "truncated base64 (no padding) is invalid");
	ok(parse(PERSON("ann") "cn:: QQ=A\n") == 0 &&
	    parse(PERSON("ann") "cn:: Q===\n") == 0 &&
	    parse(PERSON("ann") "cn:: QQ==QQ==\n") == 0,
	    "padding only at the very end, at most two");
	ok(parse(PERSON("ann") "cn:: /w==\n") == 0 &&
	    strcmp(rejected_reason(0), "cn is not valid UTF-8") == 0,
	    "base64 that decodes to invalid UTF-8 rejects the entry");
	ok(parse(PERSON("ann") "cn:: wK8=\n") == 0,
	    "an overlong UTF-8 sequence after decoding is rejected");
	ok(parse(PERSON("ann") "cn:: QQBC\n") == 0 &&
	    strcmp(rejected_reason(0), "cn contains a NUL byte") == 0,
	    "a NUL byte after decoding is rejected");
	ok(parse(PERSON("ann") "cn::\n") == 1 &&
	    strcmp(field(0, "display_name"), "ann") == 0,
	    "an empty base64 value is empty (the name falls back to uid)");
	ok(parse(PERSON("ann") "l:< file:///etc/passwd\n") == 0 &&
	    strcmp(rejected_reason(0), "l is given by URL (attr:<), "
	    "which is not supported") == 0,
	    "a URL value for an attribute we use rejects the entry");
}

static void
test_records(void)
{
	ok(parse("dn: uid=ann,dc=x\nobjectclass: person\ncn: Ann\n\n"
	    PERSON("bo")) == 1 && json_array_size(rejected) == 1 &&
	    rejected_line(0) == 1 &&
	    strcmp(rejected_reason(0), "the person has no uid") == 0 &&
	    strcmp(field(0, "uid"), "bo") == 0,
	    "a person without uid is rejected; the next one is kept");
	ok(parse("dn: dc=example,dc=com\nobjectclass: domain\ndc: example\n\n"
	    "dn: ou=Groups,dc=example,dc=com\nobjectclass: organizationalunit\n"
	    "ou: Groups\n\ndn: cn=Admins,ou=Groups,dc=example,dc=com\n"
	    "objectclass: groupofuniquenames\ncn: Admins\nou:: /w==\n") == 0 &&
	    json_array_size(rejected) == 0,
	    "domains, units and groups are skipped, not rejected");
	ok(parse("dn: uid=ann,dc=x\nchangetype: modify\nreplace: l\nl: Paris\n"
	    "-\nadd: title\ntitle: Boss\n-\n\ndn: uid=bo,dc=x\n"
	    "changetype: delete\n\n" PERSON("cy")) == 1 &&
	    json_array_size(rejected) == 2 && rejected_line(0) == 1 &&
	    rejected_line(1) == 10 && strncmp(rejected_reason(1),
	    "a change record", 15) == 0,
	    "change records are skipped, each with a reason");
	ok(parse(PERSON("ann") "ou: People\nou: Groups\n") == 1 &&
	    strcmp(field(0, "department"), "(null)") == 0,
	    "ou People and Groups are containers, not departments");
	ok(parse(PERSON("ann") "ou: people\nou: Payroll\nou: Accounting\n") ==
	    1 && strcmp(field(0, "department"), "Payroll") == 0,
	    "the department is the first other ou");
	ok(parse(PERSON("ann") "givenname: Ann\nsn: Lee\n") == 1 &&
	    strcmp(field(0, "display_name"), "Ann Lee") == 0,
	    "no cn: givenName and sn");
	ok(parse(PERSON("ann") "sn: Lee\ncn:   \n") == 1 &&
	    strcmp(field(0, "display_name"), "Lee") == 0,
	    "a blank cn: sn alone");
	ok(parse(PERSON("ann")) == 1 &&
	    strcmp(field(0, "display_name"), "ann") == 0 &&
	    strcmp(field(0, "email"), "(null)") == 0,
	    "no name at all: the uid; no mail: null");
	ok(parse(PERSON("ann") "\n" PERSON("bo") "\n"
	    "dn: UID=Ann, OU=People , dc=example,dc=com\nobjectclass: person\n"
	    "uid: ann2\n") == 2 && json_array_size(rejected) == 1 &&
	    rejected_line(0) == 13 && strcmp(rejected_reason(0),
	    "the same dn appears earlier, at line 1") == 0,
	    "a dn seen before (after normalising) is rejected");
	ok(parse("objectclass: person\nuid: ann\ndn: uid=ann,dc=x\n") == 0 &&
	    strcmp(rejected_reason(0),
	    "the record does not start with dn:") == 0,
	    "a record must start with dn:");
	ok(parse("dn:\nobjectclass: person\nuid: ann\n") == 0 &&
	    json_array_size(rejected) == 1, "an empty dn is rejected");
	ok(parse(PERSON("ann") "dn: uid=bo,dc=x\n") == 0 &&
	    strcmp(rejected_reason(0), "the record has more than one dn:") == 0,
	    "two dn lines (a missing blank line) are rejected");
	ok(parse(PERSON("ann") "this line has no colon\n") == 0 &&
	    parse(PERSON("ann") ": no name\n") == 0 &&
	    parse(PERSON("ann") "c n: bad name\n") == 0,
	    "malformed lines reject a person");
	ok(parse("\n\n" " stray\n" PERSON("ann")) == 0 &&
	    json_array_size(rejected) == 1 && rejected_line(0) == 3,
	    "a continuation after a blank line is rejected with its record");
	ok(parse("dn: uid=ann,dc=x\n objectclass: person\n") == 0 &&
	    json_array_size(rejected) == 0,
	    "what folding makes of a record is what counts");
}

static const struct {
	const char	*manager, *uid, *dn;
} managers[] = {
	{ "uid=dmiller, ou=People, dc=example,dc=com", "dmiller",
	    "uid=dmiller,ou=people,dc=example,dc=com" },
	{ "UID = DMiller ,OU=People,DC=example,DC=com", "DMiller",
	    "uid=dmiller,ou=people,dc=example,dc=com" },
	{ "  uid=dmiller", "dmiller", "uid=dmiller" },
	{ "uid=d\\,miller,ou=People", "d,miller", "uid=d\\,miller,ou=people" },
	{ "uid=\\41nn\\20,ou=People", "Ann ", "uid=\\41nn\\20,ou=people" },
	{ "uid=ann+cn=Ann Lee,ou=People", "ann",
	    "uid=ann+cn=ann lee,ou=people" },
	{ "cn=Boss,ou=People", NULL, "cn=boss,ou=people" },
	{ "uidx=ann,ou=People", NULL, "uidx=ann,ou=people" },
	{ "uid=,ou=People", NULL, "uid=,ou=people" },
	{ "uid", NULL, "uid" },
	{ "uid=\\00x", NULL, "uid=\\00x" },
	{ "uid=\\ff", NULL, "uid=\\ff" },
};

static void
test_managers(void)
{
	char	ldif[512];
	size_t	i;

	for (i = 0; i < sizeof(managers) / sizeof(managers[0]); i++) {
		(void)snprintf(ldif, sizeof(ldif), "%smanager: %s\n",
		    PERSON("ann"), managers[i].manager);
		ok(parse(ldif) == 1 && strcmp(field(0, "manager_uid"),
		    managers[i].uid ? managers[i].uid : "(null)") == 0 &&
		    strcmp(field(0, "manager_dn"), managers[i].dn) == 0,
		    "manager '%s' -> uid %s", managers[i].manager,
		    managers[i].uid ? managers[i].uid : "(none)");
	}
	ok(parse("dn: UID=Ann ,  OU=People,DC=Example, DC=com\n"
	    "objectclass: person\nuid: Ann\n") == 1 &&
	    strcmp(field(0, "dn"), "uid=ann,ou=people,dc=example,dc=com") == 0 &&
	    strcmp(field(0, "uid"), "Ann") == 0,
	    "the dn is lower-cased without spaces around separators; uid as given");
}

/* A small deterministic generator, so that failures reproduce. */
static unsigned int
rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return ((*s >> 16) & 0x7fff);
}

static void
test_hostile(void)
{
	char		*big, *junk, *many;
	const char	*rec = PERSON("ann") "cn:: U8O2cmVu\nmanager: uid=x\n";
	static const char nul[] =
	    "dn: uid=a\0b,dc=x\nobjectclass: person\nuid: ab\n";
	size_t		 i, n, len, lines;
	unsigned int	 seed = 42;
	int		 ok_all;

	ok(parse("") == 0 && json_array_size(rejected) == 0, "empty input");
	ok(parse("\n\r\n\n") == 0 && json_array_size(rejected) == 0,
	    "only blank lines");
	ok(parse(PERSON("ann") "cn: Ann") == 1,
	    "no newline at the end of the file");
	ok(parse_n(nul, sizeof(nul) - 1) ==
	    0 && strcmp(rejected_reason(0), "dn contains a NUL byte") == 0,
	    "a NUL byte in a plain value rejects the entry");
	ok(parse(PERSON("ann") "cn: \xff\xfe\n") == 0 &&
	    strcmp(rejected_reason(0), "cn is not valid UTF-8") == 0,
	    "invalid UTF-8 in a plain value rejects the entry");

	n = 1024 * 1024;
	big = malloc(n + 200);
	/* "dn: uid=ddd...": a dn value one byte too long, then just right. */
	len = (size_t)snprintf(big, 200, "dn: uid=");
	memset(big + len, 'd', LDIF_DN_MAX - 3);
	len += LDIF_DN_MAX - 3;
	len += (size_t)snprintf(big + len, 200, "\nobjectclass: person\nuid: d\n");
	ok(parse_n(big, len) == 0 && strcmp(rejected_reason(0),
	    "the dn is longer than 1024 bytes") == 0,
	    "a dn longer than 1024 bytes is rejected");
	len = (size_t)snprintf(big, 200, "dn: uid=");
	memset(big + len, 'd', LDIF_DN_MAX - 4);
	len += LDIF_DN_MAX - 4;
	len += (size_t)snprintf(big + len, 200, "\nobjectclass: person\nuid: d\n");
	ok(parse_n(big, len) == 1 && strlen(field(0, "dn")) == LDIF_DN_MAX,
	    "a dn of exactly 1024 bytes is fine");
	len = (size_t)snprintf(big, 200, "%scn: ", PERSON("ann"));
	memset(big + len, 'x', n);
	len += n;
	big[len] = '\0';
	ok(parse_n(big, len) == 0 && strcmp(rejected_reason(0),
	    "cn is longer than 4096 bytes") == 0,
	    "a 1 MiB value for cn is rejected, not stored");
	len = (size_t)snprintf(big, 200, "%sdescription: ", PERSON("ann"));
	memset(big + len, 'x', n);
	len += n;
	ok(parse_n(big, len) == 1, "a 1 MiB value of another attribute is "
	    "skipped");
	len = (size_t)snprintf(big, 200, "%scn: x", PERSON("ann"));
	while (len + 3 < n)
		len += (size_t)snprintf(big + len, 4, "\n x");
	ok(parse_n(big, len) == 0 && json_array_size(rejected) == 1,
	    "a megabyte of folded lines is one (too long) value");
	memset(big, 'A', n);
	memcpy(big, "cn:: ", 5);
	ok(parse_n(big, n) == 0, "a megabyte-long base64 line without dn");
	free(big);

	junk = malloc(n);
	for (i = 0; i < n; i++)
		junk[i] = (char)rnd(&seed);
	ok(parse_n(junk, n) == 0, "a megabyte of random bytes: no people");
	for (i = 0; i < n; i++)
		junk[i] = "ab:\n \r#=,\\\0"[rnd(&seed) % 11];
	(void)parse_n(junk, n);
	ok(json_array_size(rejected) <= LDIF_REJECTED_MAX + 1,
	    "random LDIF-ish bytes: the rejected list stays bounded");
	free(junk);

	/* Every prefix of a record parses without harm. */
	ok_all = 1;
	for (i = 0; i <= strlen(rec); i++)
		if (parse_n(rec, i) > 1)
			ok_all = 0;
	ok(ok_all, "every truncation of a record");

	/* Many bad records: at most LDIF_REJECTED_MAX listed, plus a note. */
	lines = 3000;
	many = malloc(lines * 64);
	for (len = 0, i = 0; i < lines; i++)
		len += (size_t)snprintf(many + len, 64,
		    "dn: cn=%zu\nobjectclass: person\n\n", i);
	ok(parse_n(many, len) == 0 &&
	    json_array_size(rejected) == LDIF_REJECTED_MAX + 1 &&
	    strncmp(rejected_reason(LDIF_REJECTED_MAX), "more than 1000", 14) ==
	    0, "3000 people without uid: 1000 listed and a note");
	free(many);
}

static void
test_too_many(void)
{
	char	*many;
	size_t	 i, len, n = LDIF_ENTRIES_MAX + 3;

	many = malloc(n * 64);
	for (len = 0, i = 0; i < n; i++)
		len += (size_t)snprintf(many + len, 64,
		    "dn: uid=u%zu\nobjectclass: person\nuid: u%zu\n\n", i, i);
	ok(parse_n(many, len) == LDIF_ENTRIES_MAX &&
	    json_array_size(rejected) == 1 &&
	    strncmp(rejected_reason(0), "more than 100000 people", 23) == 0 &&
	    rejected_line(0) == (long long)LDIF_ENTRIES_MAX * 4 + 1,
	    "at most 100000 people; the first one beyond is named, the rest "
	    "unread");
	free(many);
}

static void
test_example(void)
{
	FILE		*f;
	char		*buf, *text;
	size_t		 len, i, with_manager = 0;
	json_t		*counts, *e;
	const char	*dept;

	if ((f = fopen(EXAMPLE_LDIF, "rb")) == NULL) {
		ok(0, "the sample directory %s must be present", EXAMPLE_LDIF);
		return;
	}
	buf = malloc(1 << 20);
	len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	ok(parse_n(buf, len) == 150, "Example.ldif: 150 people");
	ok(json_array_size(rejected) == 0, "Example.ldif: nothing rejected");
	counts = json_object();
	json_array_foreach(entries, i, e) {
		if (json_is_string(json_object_get(e, "manager_uid")))
			with_manager++;
		dept = json_string_value(json_object_get(e, "department"));
		json_object_set_new(counts, dept ? dept : "-", json_integer(
		    json_integer_value(json_object_get(counts,
		    dept ? dept : "-")) + 1));
	}
	ok(with_manager == 149, "Example.ldif: 149 with a manager");
	text = json_dumps(counts, JSON_SORT_KEYS | JSON_COMPACT);
	ok(strcmp(text, "{\"Accounting\":41,\"Human Resources\":48,"
	    "\"Payroll\":11,\"Product Development\":33,"
	    "\"Product Testing\":17}") == 0,
	    "Example.ldif: departments as in its README (%s)", text);
	free(text);
	json_decref(counts);
	ok(strcmp(field(0, "dn"), "uid=scarter,ou=people,dc=example,dc=com") ==
	    0 && strcmp(field(0, "display_name"), "Sam Carter") == 0 &&
	    strcmp(field(0, "manager_uid"), "dmiller") == 0 &&
	    strcmp(field(0, "location"), "Sunnyvale") == 0 &&
	    entry_line(0) == 77, "Example.ldif: Sam Carter at line 77");
	text = json_dumps(entries, 0);
	ok(strstr(text, "sprain") == NULL && strstr(text, "password") == NULL,
	    "Example.ldif: passwords are never copied");
	free(text);

	/* Flipped bytes anywhere in a real file never break the parser. */
	for (i = 0; i < 200; i++) {
		unsigned int	seed = (unsigned int)i;
		size_t		k;

		for (k = 0; k < 50; k++)
			buf[rnd(&seed) * 3 % len] = (char)rnd(&seed);
		(void)parse_n(buf, len - i);
	}
	ok(json_array_size(entries) <= 150, "Example.ldif with 10,000 "
	    "flipped bytes and truncations");
	free(buf);
}

int
main(void)
{
	test_syntax();
	test_base64();
	test_records();
	test_managers();
	test_hostile();
	test_too_many();
	test_example();
	json_decref(entries);
	json_decref(rejected);
	return (done_testing());
}
