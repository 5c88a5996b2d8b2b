/*
 * The database layer: the only file that calls libpq directly. It borrows a
 * connection from Kore's pool (synchronous mode), runs parameterised
 * statements, maps SQLSTATEs to statuses, rolls back whatever a request left
 * open, and repairs connections that PostgreSQL dropped: Kore 4.1's pool never
 * notices a dead connection by itself (../shared/KORE41.md §3). Threads that
 * run long requests (bgtask.c) get connections of their own from here too,
 * with the pool's options and the same SQLSTATE map (the end of the file).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

/*
 * Server-side prepared statements. Planning our larger queries costs more
 * than running them (the User query: 8k/s unprepared, 4x that prepared), so
 * every statement is prepared once per connection and then executed by
 * name. The names each connection has prepared are remembered here: this is
 * per-connection state of this worker's own pool, not application data, so
 * it is the one mutable table in the module. A reset connection forgets.
 */
#define PREP_CONNS	16
#define PREP_SLOTS	1024

static struct prep_cache {
	PGconn		*conn;
	uint64_t	 names[PREP_SLOTS];	/* open addressing, 0 = empty */
} prep_caches[PREP_CONNS];

static uint64_t
prep_hash(const char *sql)
{
	uint64_t	h = 1469598103934665603ULL;

	for (; *sql != '\0'; sql++)
		h = (h ^ (unsigned char)*sql) * 1099511628211ULL;
	return (h == 0 ? 1 : h);
}

static struct prep_cache *
prep_cache_for(PGconn *conn)
{
	PGresult	*r;
	size_t		 i, free_slot = PREP_CONNS;
	int		 ok;

	for (i = 0; i < PREP_CONNS; i++) {
		if (prep_caches[i].conn == conn)
			return (&prep_caches[i]);
		if (prep_caches[i].conn == NULL && free_slot == PREP_CONNS)
			free_slot = i;
	}
	if (free_slot == PREP_CONNS)
		return (NULL);		/* more connections than slots: no cache */
	/* A connection new to this cache may have outlived a module reload
	 * (SIGHUP) that emptied it: start it from a clean slate. Connections
	 * are only ever handed out idle (db_close rolls back). */
	if (PQtransactionStatus(conn) == PQTRANS_IDLE) {
		r = PQexec(conn, "DEALLOCATE ALL");
		ok = r != NULL && PQresultStatus(r) == PGRES_COMMAND_OK;
		PQclear(r);
		if (!ok)
			return (NULL);
	}
	prep_caches[free_slot].conn = conn;
	return (&prep_caches[free_slot]);
}

static void
prep_forget(PGconn *conn)
{
	size_t	i;

	for (i = 0; i < PREP_CONNS; i++)
		if (prep_caches[i].conn == conn)
			memset(&prep_caches[i], 0, sizeof(prep_caches[i]));
}

/* Returns 1 if h is in the cache; otherwise inserts it (when asked) and
 * returns 0. */
static int
prep_known(struct prep_cache *pc, uint64_t h, int insert)
{
	size_t	i, n;

	for (n = 0, i = h % PREP_SLOTS; n < PREP_SLOTS;
	    n++, i = (i + 1) % PREP_SLOTS) {
		if (pc->names[i] == h)
			return (1);
		if (pc->names[i] == 0) {
			if (insert)
				pc->names[i] = h;
			return (0);
		}
	}
	return (0);
}

static int
db_sqlstate_is(const PGresult *r, const char *state)
{
	const char	*s;

	if (r == NULL || (s = PQresultErrorField(r, PG_DIAG_SQLSTATE)) == NULL)
		return (0);
	return (strcmp(s, state) == 0);
}

/* Runs sql as a named prepared statement, preparing it on first use. */
static PGresult *
db_exec(PGconn *conn, const char *sql, int n, const char *const *p)
{
	struct prep_cache	*pc;
	PGresult		*r;
	uint64_t		 h;
	char			 name[24];

	if ((pc = prep_cache_for(conn)) == NULL)
		return (PQexecParams(conn, sql, n, NULL, p, NULL, NULL, 0));
	h = prep_hash(sql);
	(void)snprintf(name, sizeof(name), "p%016llx", (unsigned long long)h);
	if (!prep_known(pc, h, 0)) {
		r = PQprepare(conn, name, sql, n, NULL);
		if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK)
			return (r);
		PQclear(r);
		(void)prep_known(pc, h, 1);
	}
	return (PQexecPrepared(conn, name, n, p, NULL, NULL, 0));
}

/* A pooled connection that died (PostgreSQL restarted) is reset before use.
 * PQreset() blocks for at most connect_timeout when the server is down. */
static int
db_repair(struct db *db)
{
	if (PQstatus(db->sql.conn->db) == CONNECTION_OK)
		return (1);
	prep_forget(db->sql.conn->db);
	PQreset(db->sql.conn->db);
	return (PQstatus(db->sql.conn->db) == CONNECTION_OK);
}

int
db_open(struct ctx *c)
{
	struct db	*db = &c->db;

	if (db->open)
		return (HTTP_STATUS_OK);
	if (!kore_pgsql_setup(&db->sql,
	    db->generic ? DB_POOL_GENERIC : DB_POOL, KORE_PGSQL_SYNC)) {
		kore_log(LOG_NOTICE, "db unavailable: %s",
		    db->sql.error ? db->sql.error : "no connection");
		kore_pgsql_cleanup(&db->sql);
		kore_pgsql_init(&db->sql);
		return (ctx_fail(c, 503, NULL, NULL, NULL));
	}
	db->open = 1;
	if (!db_repair(db)) {
		kore_log(LOG_NOTICE, "db unavailable: reset failed");
		return (ctx_fail(c, 503, NULL, NULL, NULL));
	}
	return (HTTP_STATUS_OK);
}

void
db_generic_plans(struct ctx *c)
{
	/* Too late once a connection is borrowed: the request goes on with
	 * the one it has (never a reason to fail it). */
	if (!c->db.open)
		c->db.generic = 1;
}

void
db_close(struct db *db)
{
	PGresult	*r;

	if (db->res != NULL) {
		PQclear(db->res);
		db->res = NULL;
	}
	if (!db->open)
		return;
	/* Never hand a connection back inside a transaction: whatever the
	 * request did not commit is rolled back here. */
	if (PQstatus(db->sql.conn->db) == CONNECTION_OK &&
	    PQtransactionStatus(db->sql.conn->db) != PQTRANS_IDLE) {
		r = PQexec(db->sql.conn->db, "ROLLBACK");
		PQclear(r);
	}
	kore_pgsql_cleanup(&db->sql);
	kore_pgsql_init(&db->sql);
	db->open = 0;
	db->in_tx = 0;
}

/* The status a failed statement means for the client (errors.c's map of
 * its SQLSTATE; 503 whenever the connection itself is gone), its SQLSTATE
 * and constraint copied out for the log. Shared by the pool's requests and
 * the task threads' connections. */
static int
db_status(PGconn *conn, const PGresult *r, char sqlstate[6],
    char constraint[64])
{
	const char	*state, *cons;
	int		 status;

	state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	cons = r ? PQresultErrorField(r, PG_DIAG_CONSTRAINT_NAME) : NULL;
	(void)snprintf(sqlstate, 6, "%s", state ? state : "");
	(void)snprintf(constraint, 64, "%s", cons ? cons : "");
	status = sqlstate_status(state);
	if (PQstatus(conn) != CONNECTION_OK)
		status = 503;
	return (status);
}

static int
db_error(struct ctx *c, PGresult *r)
{
	struct db	*db = &c->db;
	int		 status;

	status = db_status(db->sql.conn->db, r, db->sqlstate, db->constraint);
	/* The SQLSTATE and constraint go to the log, never to the client. */
	kore_log(status >= 500 ? LOG_ERR : LOG_INFO,
	    "db error path=%s sqlstate=%s constraint=%s user=%lld: %s",
	    c->req->path, db->sqlstate, db->constraint, (long long)c->me.id,
	    status >= 500 ? PQerrorMessage(db->sql.conn->db) : "");
	return (ctx_fail(c, status, NULL, NULL, NULL));
}

int
db_query(struct ctx *c, const char *sql, int n, const char *const *p)
{
	struct db	*db = &c->db;
	PGresult	*r;
	int		 status, first;

	if (n > DB_MAX_PARAMS)
		fatal("db_query: too many parameters");
	if ((status = db_open(c)) != HTTP_STATUS_OK)
		return (status);
	if (db->res != NULL) {
		PQclear(db->res);
		db->res = NULL;
	}
	first = (db->queries == 0);
	db->queries++;
	r = db_exec(db->sql.conn->db, sql, n, p);
	/* A connection that died while idle in the pool fails on its first
	 * statement; nothing ran, so reset it and try that statement again.
	 * The same holds for a connection Kore replaced behind our back,
	 * whose prepared statements are gone (26000). */
	if (first && (PQstatus(db->sql.conn->db) == CONNECTION_BAD ||
	    db_sqlstate_is(r, "26000"))) {
		PQclear(r);
		prep_forget(db->sql.conn->db);
		if (!db_repair(db))
			return (ctx_fail(c, 503, NULL, NULL, NULL));
		r = db_exec(db->sql.conn->db, sql, n, p);
	}
	if (r == NULL)
		return (db_error(c, NULL));
	switch (PQresultStatus(r)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		db->res = r;
		return (HTTP_STATUS_OK);
	default:
		status = db_error(c, r);
		PQclear(r);
		return (status);
	}
}

int
db_begin(struct ctx *c)
{
	int	status;

	if ((status = db_query(c, "BEGIN", 0, NULL)) == HTTP_STATUS_OK)
		c->db.in_tx = 1;
	return (status);
}

int
db_commit(struct ctx *c)
{
	int	status;

	status = db_query(c, "COMMIT", 0, NULL);
	c->db.in_tx = 0;
	return (status);
}

int
db_rows(struct ctx *c)
{
	return (c->db.res ? PQntuples(c->db.res) : 0);
}

const char *
db_value(struct ctx *c, int row, int col)
{
	if (c->db.res == NULL || row >= PQntuples(c->db.res) ||
	    col >= PQnfields(c->db.res) || PQgetisnull(c->db.res, row, col))
		return (NULL);
	return (PQgetvalue(c->db.res, row, col));
}

int
db_isnull(struct ctx *c, int row, int col)
{
	return (db_value(c, row, col) == NULL);
}

int64_t
db_int(struct ctx *c, int row, int col)
{
	const char	*v = db_value(c, row, col);

	return (v ? (int64_t)strtoll(v, NULL, 10) : 0);
}

int
db_bool(struct ctx *c, int row, int col)
{
	const char	*v = db_value(c, row, col);

	return (v != NULL && v[0] == 't');
}

int
db_ping(struct ctx *c)
{
	return (db_query(c, "SELECT 1", 0, NULL) == HTTP_STATUS_OK);
}

int64_t
db_affected(struct ctx *c)
{
	const char	*n;

	if (c->db.res == NULL || *(n = PQcmdTuples(c->db.res)) == '\0')
		return (0);
	return ((int64_t)strtoll(n, NULL, 10));
}

/* ---- connections of task threads ---------------------------------------
 *
 * Kore's pool belongs to the worker's thread, so a task thread (bgtask.c)
 * that works with the database has a connection of its own: the worker
 * copies the options of a pooled connection (the DSN init.c registered,
 * with gssencmode, connect_timeout and the rest) into a struct db_conn;
 * the thread connects on its first statement and closes at its end; the
 * worker then logs what went wrong and frees it. One connection per
 * running task, never pooled: a task runs for seconds, and connecting
 * costs milliseconds. Statements are unnamed (PQexecParams): a task runs
 * few distinct ones.
 */
struct db_conn {
	char		*conninfo;
	PGconn		*pg;
	PGresult	*res;
	int		 status;	/* of the last failure, else 200 */
	char		 sqlstate[6];
	char		 constraint[64];
	char		 error[256];	/* libpq's message, for the log */
};

/* The options of a pooled connection as one conninfo string (values
 * quoted); NULL when out of memory. */
static char *
db_conninfo(PGconn *conn)
{
	PQconninfoOption	*opts, *o;
	struct strbuf		 b = STRBUF_INIT;
	const char		*v;

	if ((opts = PQconninfo(conn)) == NULL)
		return (NULL);
	for (o = opts; o->keyword != NULL; o++) {
		if (o->val == NULL || o->val[0] == '\0')
			continue;
		strbuf_str(&b, o->keyword);
		strbuf_str(&b, "='");
		for (v = o->val; *v != '\0'; v++) {
			if (*v == '\'' || *v == '\\')
				strbuf_char(&b, '\\');
			strbuf_char(&b, *v);
		}
		strbuf_str(&b, "' ");
	}
	PQconninfoFree(opts);
	return (strbuf_take(&b, NULL));
}

int
db_thread_prepare(struct ctx *c, struct db_conn **out)
{
	struct db_conn	*conn;
	int		 status;

	*out = NULL;
	if ((status = db_open(c)) != HTTP_STATUS_OK)
		return (status);
	if ((conn = calloc(1, sizeof(*conn))) == NULL ||
	    (conn->conninfo = db_conninfo(c->db.sql.conn->db)) == NULL) {
		free(conn);
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	}
	conn->status = HTTP_STATUS_OK;
	*out = conn;
	return (HTTP_STATUS_OK);
}

/* Records a failure; returns its status. */
static int
db_thread_fail(struct db_conn *conn, const PGresult *r)
{
	conn->status = db_status(conn->pg, r, conn->sqlstate,
	    conn->constraint);
	(void)snprintf(conn->error, sizeof(conn->error), "%s",
	    PQerrorMessage(conn->pg));
	return (conn->status);
}

int
db_thread_query(struct db_conn *conn, const char *sql, int n,
    const char *const *p)
{
	PGresult	*r;

	if (n > DB_MAX_PARAMS)
		fatal("db_thread_query: too many parameters");
	PQclear(conn->res);
	conn->res = NULL;
	if (conn->pg == NULL) {
		conn->pg = PQconnectdb(conn->conninfo);
		if (PQstatus(conn->pg) != CONNECTION_OK)
			return (db_thread_fail(conn, NULL));
	}
	r = PQexecParams(conn->pg, sql, n, NULL, p, NULL, NULL, 0);
	if (r != NULL && (PQresultStatus(r) == PGRES_TUPLES_OK ||
	    PQresultStatus(r) == PGRES_COMMAND_OK)) {
		conn->res = r;
		return (HTTP_STATUS_OK);
	}
	(void)db_thread_fail(conn, r);
	PQclear(r);
	return (conn->status);
}

int
db_thread_begin(struct db_conn *conn)
{
	return (db_thread_query(conn, "BEGIN", 0, NULL));
}

int
db_thread_commit(struct db_conn *conn)
{
	return (db_thread_query(conn, "COMMIT", 0, NULL));
}

int
db_thread_rows(struct db_conn *conn)
{
	return (conn->res ? PQntuples(conn->res) : 0);
}

const char *
db_thread_value(struct db_conn *conn, int row, int col)
{
	if (conn->res == NULL || row >= PQntuples(conn->res) ||
	    col >= PQnfields(conn->res) || PQgetisnull(conn->res, row, col))
		return (NULL);
	return (PQgetvalue(conn->res, row, col));
}

void
db_thread_close(struct db_conn *conn)
{
	if (conn == NULL)
		return;
	PQclear(conn->res);
	conn->res = NULL;
	/* Whatever was not committed is rolled back as the session ends. */
	PQfinish(conn->pg);
	conn->pg = NULL;
}

void
db_thread_free(struct db_conn *conn, const char *path, int64_t user)
{
	if (conn == NULL)
		return;
	db_thread_close(conn);
	if (conn->status != HTTP_STATUS_OK) {
		/* As db_error() logs it: the SQLSTATE never goes to the
		 * client. */
		kore_log(conn->status >= 500 ? LOG_ERR : LOG_INFO,
		    "db error path=%s sqlstate=%s constraint=%s user=%lld "
		    "(task): %s", path, conn->sqlstate,
		    conn->constraint, (long long)user,
		    conn->status >= 500 ? conn->error : "");
	}
	free(conn->conninfo);
	free(conn);
}

