/*
 * ldif2json: reads an LDIF file and prints, on standard output, the JSON
 * array of people that import_people() takes (sql/0003_import_people.sql).
 * Rejected entries and a count go to standard error. `make import-ldif`
 * uses it; it links app/ldif.c and app/validate.c, never Kore or libpq.
 *
 *   ldif2json FILE      (FILE "-" reads standard input)
 *
 * Exit status: 0 with at least one person, 1 with none, 2 on usage or I/O
 * errors.
 */
#define PARLEY_PURE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "parley.h"

/* Larger than any import the server accepts (32 MiB), with room to spare. */
#define LDIF2JSON_MAX	((size_t)256 * 1024 * 1024)

/* Reads all of f into a new buffer (*len bytes); NULL on error. */
static char *
ldif2json_slurp(FILE *f, size_t *len)
{
	char	*buf = NULL, *grown;
	size_t	 cap = 0, n;

	*len = 0;
	for (;;) {
		if (cap - *len < 65536) {
			if (cap >= LDIF2JSON_MAX) {
				errno = EFBIG;
				break;
			}
			cap = cap ? cap * 2 : 1 << 20;
			if ((grown = realloc(buf, cap)) == NULL)
				break;
			buf = grown;
		}
		n = fread(buf + *len, 1, cap - *len, f);
		*len += n;
		if (n == 0) {
			if (ferror(f))
				break;
			return (buf);
		}
	}
	free(buf);
	return (NULL);
}

int
main(int argc, char *argv[])
{
	json_t	*entries, *rejected, *r;
	FILE	*f;
	char	*buf;
	size_t	 len, i;
	int	 ret = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: ldif2json FILE.ldif\n");
		return (2);
	}
	f = strcmp(argv[1], "-") == 0 ? stdin : fopen(argv[1], "rb");
	if (f == NULL) {
		fprintf(stderr, "ldif2json: %s: %s\n", argv[1], strerror(errno));
		return (2);
	}
	buf = ldif2json_slurp(f, &len);
	if (buf == NULL)
		fprintf(stderr, "ldif2json: %s: %s\n", argv[1], strerror(errno));
	if (f != stdin)
		fclose(f);
	if (buf == NULL)
		return (2);
	if ((entries = ldif_parse(buf, len, &rejected)) == NULL) {
		fprintf(stderr, "ldif2json: out of memory\n");
		goto out;
	}
	json_array_foreach(rejected, i, r)
		fprintf(stderr, "ldif2json: line %lld: %s\n",
		    (long long)json_integer_value(json_object_get(r, "line")),
		    json_string_value(json_object_get(r, "reason")));
	fprintf(stderr, "ldif2json: %zu people, %zu rejected\n",
	    json_array_size(entries), json_array_size(rejected));
	if (json_dumpf(entries, stdout, JSON_COMPACT) != 0 ||
	    fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
		fprintf(stderr, "ldif2json: cannot write the output\n");
		goto out;
	}
	ret = json_array_size(entries) > 0 ? 0 : 1;
out:
	json_decref(entries);
	json_decref(rejected);
	free(buf);
	return (ret);
}
