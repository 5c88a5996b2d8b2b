/*
 * Stack Exchange data dumps (Posts.xml, Users.xml, Votes.xml, ...): the
 * streaming reader. expat parses fixed-size reads, so a dump of any size
 * takes the same memory, and every <row> under the root element goes to the
 * caller's callback (sedump_rows.c turns rows into COPY lines).
 * Pure (no Kore, no libpq): tools/se_import.c and the unit tests link it.
 */
#define PARLEY_PURE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <expat.h>

#include "parley.h"

#define SEDUMP_READ_SIZE	65536

/* ---- the streaming reader --------------------------------------------- */

struct reader {
	XML_Parser		 parser;
	struct sedump_stream	*s;
	int			 depth;
	int			 failed;
};

static void
reader_fail(struct reader *r, const char *what)
{
	struct sedump_stream	*s = r->s;

	(void)snprintf(s->error, sizeof(s->error), "%s:%lu:%lu: %s",
	    s->name, (unsigned long)XML_GetCurrentLineNumber(r->parser),
	    (unsigned long)XML_GetCurrentColumnNumber(r->parser) + 1, what);
	r->failed = 1;
	(void)XML_StopParser(r->parser, XML_FALSE);
}

static void XMLCALL
reader_start(void *arg, const XML_Char *name, const XML_Char **attrs)
{
	struct reader		*r = arg;
	struct sedump_stream	*s = r->s;
	char			 why[sizeof(s->error)];

	if (r->failed)
		return;
	if (++r->depth == 1 && strcmp(name, s->root) != 0) {
		(void)snprintf(why, sizeof(why), "the root element is <%.64s>, "
		    "not <%s>: is this the right file?", name, s->root);
		reader_fail(r, why);
		return;
	}
	if (r->depth != 2 || strcmp(name, "row") != 0)
		return;
	s->rows++;
	s->line = (unsigned long)XML_GetCurrentLineNumber(r->parser);
	s->error[0] = '\0';
	if (s->row != NULL && s->row(s, attrs) != 0) {
		(void)snprintf(why, sizeof(why), "%s", s->error[0] ?
		    s->error : "the row was refused");
		reader_fail(r, why);
		return;
	}
	if (s->progress != NULL && s->every > 0 && s->rows % s->every == 0) {
		s->bytes = (uint64_t)XML_GetCurrentByteIndex(r->parser);
		s->progress(s);
	}
}

static void XMLCALL
reader_end(void *arg, const XML_Char *name)
{
	struct reader	*r = arg;

	r->depth--;
}

/* Feeds f to the parser in SEDUMP_READ_SIZE pieces. */
static int
reader_feed(struct reader *r, FILE *f)
{
	struct sedump_stream	*s = r->s;
	void			*chunk;
	size_t			 n;
	uint64_t		 fed = 0;
	int			 last;

	do {
		if ((chunk = XML_GetBuffer(r->parser, SEDUMP_READ_SIZE)) ==
		    NULL) {
			reader_fail(r, "out of memory");
			return (-1);
		}
		n = fread(chunk, 1, SEDUMP_READ_SIZE, f);
		if (ferror(f)) {
			(void)snprintf(s->error, sizeof(s->error),
			    "%s: read error: %s", s->name, strerror(errno));
			return (-1);
		}
		last = feof(f) != 0;
		if (XML_ParseBuffer(r->parser, (int)n, last) ==
		    XML_STATUS_ERROR) {
			if (!r->failed) {
				char	why[128];

				(void)snprintf(why, sizeof(why),
				    "malformed XML (%s)", XML_ErrorString(
				    XML_GetErrorCode(r->parser)));
				reader_fail(r, why);
			}
			return (-1);
		}
		s->bytes = fed += n;
	} while (!last);
	return (0);
}

int
sedump_read(FILE *f, struct sedump_stream *s)
{
	struct reader	r;
	struct stat	st;
	int		ret;

	memset(&r, 0, sizeof(r));
	r.s = s;
	s->rows = s->line = 0;
	s->bytes = 0;
	s->error[0] = '\0';
	s->total = (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode)) ?
	    (uint64_t)st.st_size : 0;
	/* NULL: the encoding the document declares (dumps say UTF-8);
	 * expat hands us UTF-8 either way. */
	if ((r.parser = XML_ParserCreate(NULL)) == NULL) {
		(void)snprintf(s->error, sizeof(s->error), "%s: out of memory",
		    s->name);
		return (-1);
	}
	(void)XML_SetParamEntityParsing(r.parser,
	    XML_PARAM_ENTITY_PARSING_NEVER);
	XML_SetUserData(r.parser, &r);
	XML_SetElementHandler(r.parser, reader_start, reader_end);
	ret = reader_feed(&r, f);
	XML_ParserFree(r.parser);
	if (ret == 0 && s->progress != NULL)
		s->progress(s);
	return (ret);
}
