/*
 * CSV import of customer conversations in the layout of the public
 * "Customer Support on Twitter" data set (issue 5).
 *
 * The body (up to 32 MiB; Kore keeps one over http_body_disk_offload in a
 * temporary file) is read in pieces of IMPORT_PIECE bytes and fed to
 * csv.c's reader, which turns it into records however they fall across
 * pieces: the file is never held whole. Good rows go to customer_ingest()
 * (sql/0013) in batches of IMPORT_BATCH, all in one transaction: a fatal
 * error leaves nothing half-written, and re-importing a file only finds
 * duplicates. customer_ingest() works in proportion to its batch, so a
 * big file costs the sum of its batches.
 *
 * The transaction holds the channel's advisory lock from its start: a
 * webhook delivery to the same channel waits for it at most 2 s and is
 * then answered 503 (the sender retries). Deliveries to other channels do
 * not wait for an import.
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define IMPORT_MAX		(32 * 1024 * 1024)
#define IMPORT_PIECE		(256 * 1024)	/* bytes read at a time */
#define IMPORT_BATCH		5000	/* rows per customer_import_rows() */
#define IMPORT_REJECTED_MAX	1000	/* rejections listed in the answer */

static const char SQL_CHANNEL[] =
    "SELECT 1 FROM customer_channels WHERE id = $1";
static const char SQL_LOCK[] =
    "SELECT customer_channel_lock($1, 0)";
static const char SQL_INGEST[] =
    "SELECT customer_ingest($1, $2::jsonb)";

struct import_run {
	char		 channel[CSV_ID_MAX];
	json_t		*batch;		/* messages not yet sent */
	json_t		*rejected;	/* [{"row", "reason"}] */
	json_int_t	 rejected_total;
	json_int_t	 imported, duplicates, conversations;
};

/* Sends the pending batch to customer_ingest() and adds up its answer.
 * 200 or the error. */
static int
import_flush(struct ctx *c, struct import_run *run)
{
	const char	*p[2];
	char		*json;
	json_t		*res;
	int		 status;

	if (json_array_size(run->batch) == 0)
		return (200);
	if ((json = json_dumps(run->batch, JSON_COMPACT)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	p[0] = run->channel;
	p[1] = json;
	status = db_query(c, SQL_INGEST, 2, p);
	free(json);
	if (status != 200)
		return (status);
	if (db_rows(c) != 1 || db_value(c, 0, 0) == NULL ||
	    (res = json_loads(db_value(c, 0, 0), 0, NULL)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	run->imported += json_integer_value(json_object_get(res, "accepted"));
	run->duplicates += json_integer_value(json_object_get(res,
	    "duplicates"));
	run->conversations += json_integer_value(json_object_get(res,
	    "conversations"));
	json_decref(res);
	json_array_clear(run->batch);
	return (200);
}

/* Lists a rejected row (the first IMPORT_REJECTED_MAX; all are counted). */
static int
import_reject(struct ctx *c, struct import_run *run, long row,
    const char *reason)
{
	run->rejected_total++;
	if (json_array_size(run->rejected) >= IMPORT_REJECTED_MAX)
		return (200);
	if (json_array_append_new(run->rejected, json_pack("{s:I, s:s}",
	    "row", (json_int_t)row, "reason", reason)) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (200);
}

/* The message customer_ingest() takes. */
static json_t *
import_message(const struct csv_message *m)
{
	return (json_pack("{s:s, s:s?, s:s, s:s, s:s%, s:s}",
	    "external_id", m->external_id,
	    "in_reply_to_external_id", m->reply_to[0] ? m->reply_to : NULL,
	    "direction", m->inbound ? "inbound" : "outbound",
	    "author", m->author,
	    "text", m->text, m->text_len,
	    "sent_at", m->sent_at));
}

/* The next record, reading the body a piece at a time when the reader
 * needs more: 1, 0 at the end, or -1 after a failure (c->status set). */
static int
import_next(struct ctx *c, struct csv_reader *rd, char *piece)
{
	ssize_t	 n;
	int	 got;

	while ((got = csv_next(rd)) == CSV_MORE) {
		if ((n = http_body_read(c->req, piece, IMPORT_PIECE)) == -1) {
			ctx_fail(c, 400, NULL, NULL,
			    "The request body could not be read.");
			return (-1);
		}
		csv_reader_feed(rd, piece, (size_t)n, n == 0);
	}
	if (got == 1 && rd->failed == CSV_ERR_MEMORY) {
		ctx_fail(c, 500, NULL, NULL, NULL);
		return (-1);
	}
	return (got);
}

/* Reads the header, then every row; good rows are sent in batches. 200,
 * or 422 naming a missing column, or another error. */
static int
import_rows(struct ctx *c, struct csv_reader *rd, struct import_run *run,
    char *piece)
{
	struct csv_header	 h;
	struct csv_message	 m;
	const char		*why;
	char			 msg[128];
	int			 got, status;

	if (import_next(c, rd, piece) == -1)
		return (c->status);
	if ((why = csv_header_map(rd, &h)) != NULL) {
		snprintf(msg, sizeof(msg), "The CSV header has no %s column.",
		    why);
		return (ctx_fail(c, 422, NULL, why, msg));
	}
	while ((got = import_next(c, rd, piece)) == 1) {
		if ((why = csv_row_message(rd, &h, &m)) != NULL) {
			if (import_reject(c, run, rd->record, why) != 200)
				return (c->status);
			continue;
		}
		if (json_array_append_new(run->batch, import_message(&m)) != 0)
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		if (json_array_size(run->batch) >= IMPORT_BATCH &&
		    (status = import_flush(c, run)) != 200)
			return (status);
	}
	if (got == -1)
		return (c->status);
	return (import_flush(c, run));
}

/* ?channel= must name a channel: 200, 400 when malformed, 404 unknown. */
static int
import_channel(struct ctx *c, struct import_run *run)
{
	const char	*p[1];
	int64_t		 id;

	if (query_param(c->req, "channel", run->channel,
	    sizeof(run->channel)) != 1 || !parse_id(run->channel, &id))
		return (ctx_fail(c, 400, NULL, "channel",
		    "channel must be a channel id."));
	p[0] = run->channel;
	if (db_query(c, SQL_CHANNEL, 1, p) != 200)
		return (c->status);
	if (db_rows(c) == 0)
		return (ctx_fail(c, 404, NULL, "channel", "No such channel."));
	return (200);
}

/* POST /api/v1/customer/import?channel={id} (text/csv) -> 200
 * {"imported", "duplicates", "conversations", "rejected": [{"row",
 * "reason"}], "rejected_total"} | 400 | 401 | 403 | 404 | 405 | 413 | 415
 * | 422 */
int
api_customer_import(struct http_request *req)
{
	struct ctx		c;
	struct csv_reader	rd;
	struct import_run	run;
	const char		*p[1];
	char			*piece = NULL;

	memset(&run, 0, sizeof(run));
	csv_reader_init(&rd, NULL, 0);
	ctx_init(&c, req);
	if (auth_require_role(&c, "community_manager") != 200)
		goto out;
	if (req->method != HTTP_METHOD_POST) {
		ctx_method_not_allowed(&c, "POST");
		goto out;
	}
	if ((run.batch = json_array()) == NULL ||
	    (run.rejected = json_array()) == NULL ||
	    (piece = malloc(IMPORT_PIECE)) == NULL) {
		ctx_fail(&c, 500, NULL, NULL, NULL);
		goto out;
	}
	if (import_channel(&c, &run) != 200 ||
	    body_stream(&c, "text/csv", IMPORT_MAX) != 200)
		goto out;
	csv_reader_feed(&rd, piece, 0, 0);
	p[0] = run.channel;
	if (db_begin(&c) != 200 || db_query(&c, SQL_LOCK, 1, p) != 200 ||
	    import_rows(&c, &rd, &run, piece) != 200 || db_commit(&c) != 200)
		goto out;
	c.out = json_pack("{s:I, s:I, s:I, s:O, s:I}",
	    "imported", run.imported, "duplicates", run.duplicates,
	    "conversations", run.conversations, "rejected", run.rejected,
	    "rejected_total", run.rejected_total);
	if (c.out == NULL)
		ctx_fail(&c, 500, NULL, NULL, NULL);
out:
	csv_reader_free(&rd);
	free(piece);
	json_decref(run.batch);
	json_decref(run.rejected);
	return (ctx_finish(&c));
}
