/*
 * CSV import of customer conversations in the layout of the public
 * "Customer Support on Twitter" data set (issue 5).
 *
 * A 32 MiB file takes seconds to store, and a Kore worker runs one handler
 * at a time: done in the handler, the import would stall every other
 * connection of its worker for that long, and every new connection of the
 * server too when its worker holds Kore's accept lock (it keeps the lock
 * until it is busy, and a blocked worker never is). So the handler only
 * checks the request (role, channel, type, size), then a Kore task thread
 * does the import and the request sleeps until it is done, as pwtask.c
 * does for argon2. Kore's pgsql pool belongs to the worker's thread, so
 * the task opens a libpq connection of its own, with the pool's options.
 *
 * The task reads the body (Kore keeps one over http_body_disk_offload in a
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

/*
 * Everything an import needs, in the request's state. The handler fills
 * the first part and starts the task; while it runs, only the task touches
 * the rest; once Kore says it finished, only the worker does. The request
 * cannot be freed under the task: Kore keeps a request while a task bound
 * to it runs.
 */
struct import_state {
	struct kore_task	 task;
	int			 started;	/* the task is bound */
	int			 cancel;	/* the client left (atomic) */
	int			 done;		/* the task let go (atomic) */
	struct http_request	*req;
	u_int64_t		 started_ms;	/* for the access log */
	int64_t			 me;
	char			 channel[CSV_ID_MAX];
	char			*conninfo;
	/* the task's */
	struct csv_reader	 rd;
	char			*piece;
	json_t			*batch;		/* messages not yet sent */
	json_t			*rejected;	/* [{"row", "reason"}] */
	json_int_t		 rejected_total;
	json_int_t		 imported, duplicates, conversations;
	int			 status;	/* 200, or the answer */
	const char		*field;		/* of a 422 */
	char			 message[128];
	char			 sqlstate[6];
	char			 pgerror[256];
};

/* ---- the task thread ---------------------------------------------------- */

/* Records an error for the handler to answer with; returns status. */
static int
import_fail(struct import_state *st, int status, const char *field,
    const char *message)
{
	st->status = status;
	st->field = field;
	if (message != NULL)
		kore_strlcpy(st->message, message, sizeof(st->message));
	return (status);
}

/* Runs a statement on the task's connection: 200, or the status its
 * SQLSTATE maps to (errors.c), the error kept for the log. *out (when not
 * NULL) gets the result, which the caller clears. */
static int
import_sql(struct import_state *st, PGconn *pg, const char *sql, int n,
    const char *const *p, PGresult **out)
{
	PGresult	*r;
	const char	*state;
	int		 status;

	r = PQexecParams(pg, sql, n, NULL, p, NULL, NULL, 0);
	if (r != NULL && (PQresultStatus(r) == PGRES_TUPLES_OK ||
	    PQresultStatus(r) == PGRES_COMMAND_OK)) {
		if (out != NULL)
			*out = r;
		else
			PQclear(r);
		return (200);
	}
	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	kore_strlcpy(st->sqlstate, state ? state : "", sizeof(st->sqlstate));
	kore_strlcpy(st->pgerror, PQerrorMessage(pg), sizeof(st->pgerror));
	status = sqlstate_status(state);
	if (PQstatus(pg) != CONNECTION_OK)
		status = 503;
	PQclear(r);
	return (import_fail(st, status, NULL, NULL));
}

/* Sends the pending batch to customer_ingest() and adds up its answer. */
static int
import_flush(struct import_state *st, PGconn *pg)
{
	const char	*p[2];
	PGresult	*r;
	char		*json;
	json_t		*res;
	int		 status;

	if (json_array_size(st->batch) == 0)
		return (200);
	if ((json = json_dumps(st->batch, JSON_COMPACT)) == NULL)
		return (import_fail(st, 500, NULL, NULL));
	p[0] = st->channel;
	p[1] = json;
	status = import_sql(st, pg, SQL_INGEST, 2, p, &r);
	free(json);
	if (status != 200)
		return (status);
	res = NULL;
	if (PQntuples(r) == 1 && !PQgetisnull(r, 0, 0))
		res = json_loads(PQgetvalue(r, 0, 0), 0, NULL);
	PQclear(r);
	if (res == NULL)
		return (import_fail(st, 500, NULL, NULL));
	st->imported += json_integer_value(json_object_get(res, "accepted"));
	st->duplicates += json_integer_value(json_object_get(res,
	    "duplicates"));
	st->conversations += json_integer_value(json_object_get(res,
	    "conversations"));
	json_decref(res);
	json_array_clear(st->batch);
	return (200);
}

/* Lists a rejected row (the first IMPORT_REJECTED_MAX; all are counted). */
static int
import_reject(struct import_state *st, long row, const char *reason)
{
	st->rejected_total++;
	if (json_array_size(st->rejected) >= IMPORT_REJECTED_MAX)
		return (200);
	if (json_array_append_new(st->rejected, json_pack("{s:I, s:s}",
	    "row", (json_int_t)row, "reason", reason)) != 0)
		return (import_fail(st, 500, NULL, NULL));
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
 * needs more: 1, 0 at the end, or -1 after a failure (st->status set). */
static int
import_next(struct import_state *st)
{
	ssize_t	 n;
	int	 got;

	while ((got = csv_next(&st->rd)) == CSV_MORE) {
		if ((n = http_body_read(st->req, st->piece, IMPORT_PIECE)) ==
		    -1) {
			import_fail(st, 400, NULL,
			    "The request body could not be read.");
			return (-1);
		}
		csv_reader_feed(&st->rd, st->piece, (size_t)n, n == 0);
	}
	if (got == 1 && st->rd.failed == CSV_ERR_MEMORY) {
		import_fail(st, 500, NULL, NULL);
		return (-1);
	}
	return (got);
}

/* Reads the header, then every row; good rows are sent in batches. 200,
 * or 422 naming a missing column, or another error. */
static int
import_rows(struct import_state *st, PGconn *pg)
{
	struct csv_header	 h;
	struct csv_message	 m;
	const char		*why;
	char			 msg[128];
	int			 got, status;

	if (import_next(st) == -1)
		return (st->status);
	if ((why = csv_header_map(&st->rd, &h)) != NULL) {
		snprintf(msg, sizeof(msg), "The CSV header has no %s column.",
		    why);
		return (import_fail(st, 422, why, msg));
	}
	while ((got = import_next(st)) == 1) {
		if ((why = csv_row_message(&st->rd, &h, &m)) != NULL) {
			if (import_reject(st, st->rd.record, why) != 200)
				return (st->status);
			continue;
		}
		if (json_array_append_new(st->batch, import_message(&m)) != 0)
			return (import_fail(st, 500, NULL, NULL));
		if (json_array_size(st->batch) < IMPORT_BATCH)
			continue;
		if ((status = import_flush(st, pg)) != 200)
			return (status);
		if (__atomic_load_n(&st->cancel, __ATOMIC_ACQUIRE))
			return (import_fail(st, 499, NULL, NULL));
	}
	if (got == -1)
		return (st->status);
	return (import_flush(st, pg));
}

/* The task: one connection, one transaction. Closing the connection
 * rolls back whatever was not committed. */
static int
import_task(struct kore_task *t)
{
	struct import_state	*st;
	const char		*p[1];
	PGconn			*pg;

	if (kore_task_channel_read(t, &st, sizeof(st)) != sizeof(st))
		return (KORE_RESULT_ERROR);
	pg = PQconnectdb(st->conninfo);
	if (PQstatus(pg) != CONNECTION_OK) {
		kore_strlcpy(st->pgerror, PQerrorMessage(pg),
		    sizeof(st->pgerror));
		import_fail(st, 503, NULL, NULL);
	} else {
		p[0] = st->channel;
		if (import_sql(st, pg, "BEGIN", 0, NULL, NULL) == 200 &&
		    import_sql(st, pg, SQL_LOCK, 1, p, NULL) == 200 &&
		    import_rows(st, pg) == 200 &&
		    !__atomic_load_n(&st->cancel, __ATOMIC_ACQUIRE))
			(void)import_sql(st, pg, "COMMIT", 0, NULL, NULL);
	}
	PQfinish(pg);
	__atomic_store_n(&st->done, 1, __ATOMIC_RELEASE);
	return (KORE_RESULT_OK);
}

/* ---- the worker --------------------------------------------------------- */

/* The pool connection's options (PQconninfo), as one conninfo string for
 * the task's own connection. NULL when out of memory. */
static char *
import_conninfo(PGconn *conn)
{
	PQconninfoOption	*opts, *o;
	struct kore_buf		 buf;
	const char		*v;
	char			*s;

	if ((opts = PQconninfo(conn)) == NULL)
		return (NULL);
	kore_buf_init(&buf, 512);
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		kore_buf_appendf(&buf, "%s='", o->keyword);
		for (v = o->val; *v != '\0'; v++) {
			if (*v == '\'' || *v == '\\')
				kore_buf_append(&buf, "\\", 1);
			kore_buf_append(&buf, v, 1);
		}
		kore_buf_append(&buf, "' ", 2);
	}
	PQconninfoFree(opts);
	s = kore_strdup(kore_buf_stringify(&buf, NULL));
	kore_buf_cleanup(&buf);
	return (s);
}

/* Frees what the import holds. While the task runs, only asks it to stop
 * (Kore calls this again once it is done). */
static void
import_onfree(struct http_request *req)
{
	struct import_state	*st = http_state_get(req);

	if (st == NULL)
		return;
	if (st->started && !__atomic_load_n(&st->done, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&st->cancel, 1, __ATOMIC_RELEASE);
		return;
	}
	csv_reader_free(&st->rd);
	free(st->piece);
	st->piece = NULL;
	json_decref(st->batch);
	json_decref(st->rejected);
	st->batch = st->rejected = NULL;
	kore_free(st->conninfo);
	st->conninfo = NULL;
}

/* ?channel= must name a channel: 200, 400 when malformed, 404 unknown. */
static int
import_channel(struct ctx *c, struct import_state *st)
{
	const char	*p[1];
	int64_t		 id;

	if (query_param(c->req, "channel", st->channel,
	    sizeof(st->channel)) != 1 || !parse_id(st->channel, &id))
		return (ctx_fail(c, 400, NULL, "channel",
		    "channel must be a channel id."));
	p[0] = st->channel;
	if (db_query(c, SQL_CHANNEL, 1, p) != 200)
		return (c->status);
	if (db_rows(c) == 0)
		return (ctx_fail(c, 404, NULL, "channel", "No such channel."));
	return (200);
}

/* Starts the task (the request sleeps until it is done). */
static int
import_start(struct ctx *c, struct import_state *st)
{
	if ((st->conninfo = import_conninfo(c->db.sql.conn->db)) == NULL ||
	    (st->piece = malloc(IMPORT_PIECE)) == NULL ||
	    (st->batch = json_array()) == NULL ||
	    (st->rejected = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	csv_reader_init(&st->rd, NULL, 0);
	csv_reader_feed(&st->rd, st->piece, 0, 0);
	st->req = c->req;
	st->started_ms = c->started_ms;
	st->me = c->me.id;
	st->status = 200;
	kore_task_create(&st->task, import_task);
	kore_task_bind_request(&st->task, c->req);
	kore_task_run(&st->task);
	kore_task_channel_write(&st->task, &st, sizeof(st));
	st->started = 1;
	return (200);
}

/* The task is done: the answer. */
static int
import_answer(struct ctx *c, struct import_state *st)
{
	if (st->status != 200) {
		if (st->sqlstate[0] != '\0' || st->pgerror[0] != '\0')
			kore_log(st->status >= 500 ? LOG_ERR : LOG_INFO,
			    "db error path=%s sqlstate=%s user=%lld: %s",
			    c->req->path, st->sqlstate, (long long)st->me,
			    st->status >= 500 ? st->pgerror : "");
		if (st->status == 503)
			c->err.retry_after = 2;
		return (ctx_fail(c, st->status, NULL, st->field,
		    st->message[0] != '\0' ? st->message : NULL));
	}
	c->out = json_pack("{s:I, s:I, s:I, s:O, s:I}",
	    "imported", st->imported, "duplicates", st->duplicates,
	    "conversations", st->conversations, "rejected", st->rejected,
	    "rejected_total", st->rejected_total);
	if (c->out == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (200);
}

/* POST /api/v1/customer/import?channel={id} (text/csv) -> 200
 * {"imported", "duplicates", "conversations", "rejected": [{"row",
 * "reason"}], "rejected_total"} | 400 | 401 | 403 | 404 | 405 | 413 | 415
 * | 422 | 503 (the channel is busy: retry) */
int
api_customer_import(struct http_request *req)
{
	struct import_state	*st;
	struct ctx		 c;

	ctx_init(&c, req);
	if ((st = http_state_get(req)) != NULL) {
		if (!kore_task_finished(&st->task)) {
			http_request_sleep(req);
			return (KORE_RESULT_RETRY);
		}
		kore_task_destroy(&st->task);
		st->started = 0;
		c.started_ms = st->started_ms;
		c.me.id = st->me;
		(void)import_answer(&c, st);
		goto out;
	}
	st = http_state_create(req, sizeof(*st), import_onfree);
	if (auth_require_role(&c, "community_manager") != 200)
		goto out;
	if (req->method != HTTP_METHOD_POST) {
		ctx_method_not_allowed(&c, "POST");
		goto out;
	}
	if (import_channel(&c, st) != 200 ||
	    body_stream(&c, "text/csv", IMPORT_MAX) != 200 ||
	    import_start(&c, st) != 200)
		goto out;
	db_close(&c.db);
	return (KORE_RESULT_RETRY);
out:
	/* The answer holds st->rejected: it is sent before the state goes. */
	ctx_finish(&c);
	import_onfree(req);
	http_state_cleanup(req);
	return (KORE_RESULT_OK);
}
