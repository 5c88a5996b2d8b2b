/*
 * CSV import of customer conversations in the layout of the public
 * "Customer Support on Twitter" data set (issue 5).
 *
 * A 32 MiB file takes seconds to store, so the handler only checks the
 * request (role, channel, type, size), and a thread of its own does the
 * import while the worker serves others (bgtask.c says why and how), on a
 * database connection of its own (db.c's db_thread_*).
 *
 * The thread reads the body (Kore keeps one over http_body_disk_offload in a
 * temporary file) in pieces of IMPORT_PIECE bytes and feeds them to csv.c's
 * reader, which turns them into records however they fall across pieces:
 * the file is never held whole. Good rows go to customer_ingest()
 * (sql/0013) in batches of IMPORT_BATCH, all in one transaction: a fatal
 * error (or the client going away) leaves nothing half-written, and
 * re-importing a file only finds duplicates. customer_ingest() works in
 * proportion to its batch, so a big file costs the sum of its batches.
 *
 * The transaction holds the channel's advisory lock from its start: a
 * webhook delivery to the same channel waits for it at most 2 s and is
 * then answered 503 (the sender retries); so does a second import of the
 * channel. Deliveries to other channels do not wait for an import.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define IMPORT_MAX		(32 * 1024 * 1024)
#define IMPORT_PIECE		(256 * 1024)	/* bytes read at a time */
#define IMPORT_BATCH		5000	/* rows per customer_ingest() */
#define IMPORT_REJECTED_MAX	1000	/* rejections listed in the answer */
#define IMPORT_LOCK_WAIT	"2000"	/* ms to wait for a busy channel */

static const char SQL_CHANNEL[] =
    "SELECT 1 FROM customer_channels WHERE id = $1";
static const char SQL_LOCK[] =
    "SELECT customer_channel_lock($1, " IMPORT_LOCK_WAIT ")";
static const char SQL_INGEST[] =
    "SELECT customer_ingest($1, $2::jsonb)";

/* The job, the request's state (bgtask.c): the handler fills the channel;
 * the rest is the thread's until it is done, then the answer's. */
struct import_job {
	struct bgtask		 bg;		/* first */
	char			 channel[CSV_ID_MAX];
	struct csv_reader	 rd;
	char			*piece;
	json_t			*batch;		/* messages not yet sent */
	json_t			*rejected;	/* [{"row", "reason"}] */
	json_int_t		 rejected_total;
	json_int_t		 imported, duplicates, conversations;
};

/* ---- the thread --------------------------------------------------------- */

/* Sends the pending batch to customer_ingest() and adds up its answer. */
static int
import_flush(struct import_job *job)
{
	const char	*p[2], *v;
	char		*json;
	json_t		*res;
	int		 status;

	if (json_array_size(job->batch) == 0)
		return (200);
	if ((json = json_dumps(job->batch, JSON_COMPACT)) == NULL)
		return (bgtask_fail(&job->bg, 500, NULL, NULL));
	p[0] = job->channel;
	p[1] = json;
	status = db_thread_query(job->bg.db, SQL_INGEST, 2, p);
	free(json);
	if (status != 200)
		return (status);
	res = NULL;
	if ((v = db_thread_value(job->bg.db, 0, 0)) != NULL)
		res = json_loads(v, 0, NULL);
	if (res == NULL)
		return (bgtask_fail(&job->bg, 500, NULL, NULL));
	job->imported += json_integer_value(json_object_get(res, "accepted"));
	job->duplicates += json_integer_value(json_object_get(res,
	    "duplicates"));
	job->conversations += json_integer_value(json_object_get(res,
	    "conversations"));
	json_decref(res);
	json_array_clear(job->batch);
	return (200);
}

/* Lists a rejected row (the first IMPORT_REJECTED_MAX; all are counted). */
static int
import_reject(struct import_job *job, long row, const char *reason)
{
	job->rejected_total++;
	if (json_array_size(job->rejected) >= IMPORT_REJECTED_MAX)
		return (200);
	if (json_array_append_new(job->rejected, json_pack("{s:I, s:s}",
	    "row", (json_int_t)row, "reason", reason)) != 0)
		return (bgtask_fail(&job->bg, 500, NULL, NULL));
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
 * needs more: 1, 0 at the end, or -1 after a failure (recorded). */
static int
import_next(struct import_job *job)
{
	ssize_t	 n;
	int	 got;

	while ((got = csv_next(&job->rd)) == CSV_MORE) {
		if ((n = bgtask_body_read(&job->bg, job->piece,
		    IMPORT_PIECE)) == -1)
			return (-1);
		csv_reader_feed(&job->rd, job->piece, (size_t)n, n == 0);
	}
	if (got == 1 && job->rd.failed == CSV_ERR_MEMORY) {
		(void)bgtask_fail(&job->bg, 500, NULL, NULL);
		return (-1);
	}
	return (got);
}

/* Reads the header, then every row; good rows are sent in batches. 200,
 * or 422 naming a missing column, or another error. */
static int
import_rows(struct import_job *job)
{
	struct csv_header	 h;
	struct csv_message	 m;
	const char		*why;
	char			 msg[128];
	int			 got, status;

	if (import_next(job) == -1)
		return (job->bg.status);
	if ((why = csv_header_map(&job->rd, &h)) != NULL) {
		(void)snprintf(msg, sizeof(msg),
		    "The CSV header has no %s column.", why);
		return (bgtask_fail(&job->bg, 422, why, msg));
	}
	while ((got = import_next(job)) == 1) {
		if ((why = csv_row_message(&job->rd, &h, &m)) != NULL) {
			if (import_reject(job, job->rd.record, why) != 200)
				return (job->bg.status);
			continue;
		}
		if (json_array_append_new(job->batch, import_message(&m)) != 0)
			return (bgtask_fail(&job->bg, 500, NULL, NULL));
		if (json_array_size(job->batch) < IMPORT_BATCH)
			continue;
		if ((status = import_flush(job)) != 200)
			return (status);
		if (bgtask_cancelled(&job->bg))
			return (bgtask_fail(&job->bg, 499, NULL, NULL));
	}
	if (got == -1)
		return (job->bg.status);
	return (import_flush(job));
}

/* The thread: one transaction, which bgtask.c's closing of the connection
 * rolls back unless it was committed. */
static int
import_run(struct bgtask *bg)
{
	struct import_job	*job = (struct import_job *)bg;
	const char		*p[1] = { job->channel };
	int			 status;

	if ((job->piece = malloc(IMPORT_PIECE)) == NULL ||
	    (job->batch = json_array()) == NULL ||
	    (job->rejected = json_array()) == NULL)
		return (bgtask_fail(bg, 500, NULL, NULL));
	csv_reader_init(&job->rd, NULL, 0);
	csv_reader_feed(&job->rd, job->piece, 0, 0);
	if ((status = db_thread_begin(bg->db)) != 200 ||
	    (status = db_thread_query(bg->db, SQL_LOCK, 1, p)) != 200 ||
	    (status = import_rows(job)) != 200)
		return (status);
	if (bgtask_cancelled(bg))
		return (bgtask_fail(bg, 499, NULL, NULL));
	return (db_thread_commit(bg->db));
}

/* ---- the worker --------------------------------------------------------- */

static void
import_release(struct bgtask *bg)
{
	struct import_job	*job = (struct import_job *)bg;

	csv_reader_free(&job->rd);
	free(job->piece);
	job->piece = NULL;
	json_decref(job->batch);
	json_decref(job->rejected);
	job->batch = job->rejected = NULL;
}

/* The thread is done and all went well: the answer. */
static int
import_answer(struct ctx *c, struct bgtask *bg)
{
	struct import_job	*job = (struct import_job *)bg;

	c->out = json_pack("{s:I, s:I, s:I, s:O, s:I}",
	    "imported", job->imported, "duplicates", job->duplicates,
	    "conversations", job->conversations, "rejected", job->rejected,
	    "rejected_total", job->rejected_total);
	if (c->out == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (200);
}

/* ?channel= must name a channel: 200, 400 when malformed, 404 unknown. */
static int
import_channel(struct ctx *c, struct import_job *job)
{
	const char	*p[1];
	int64_t		 id;

	if (query_param(c->req, "channel", job->channel,
	    sizeof(job->channel)) != 1 || !parse_id(job->channel, &id))
		return (ctx_fail(c, 400, NULL, "channel",
		    "channel must be a channel id."));
	p[0] = job->channel;
	if (db_query(c, SQL_CHANNEL, 1, p) != 200)
		return (c->status);
	if (db_rows(c) == 0)
		return (ctx_fail(c, 404, NULL, "channel", "No such channel."));
	return (200);
}

/* POST /api/v1/customer/import?channel={id} (text/csv) -> 200
 * {"imported", "duplicates", "conversations", "rejected": [{"row",
 * "reason"}], "rejected_total"} | 400 | 401 | 403 | 404 | 405 | 413 | 415
 * | 422 | 503 (the channel is busy: retry) */
int
api_customer_import(struct http_request *req)
{
	struct import_job	*job;
	struct ctx		 c;

	if (http_state_exists(req))
		return (bgtask_resume(req));
	ctx_init(&c, req);
	job = bgtask_create(req, sizeof(*job), import_run, import_answer,
	    import_release);
	if (auth_require_role(&c, "community_manager") != 200)
		return (bgtask_abort(&c));
	if (req->method != HTTP_METHOD_POST) {
		ctx_method_not_allowed(&c, "POST");
		return (bgtask_abort(&c));
	}
	if (import_channel(&c, job) != 200 ||
	    body_stream(&c, "text/csv", IMPORT_MAX) != 200)
		return (bgtask_abort(&c));
	return (bgtask_start(&c, &job->bg));
}
