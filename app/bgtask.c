/*
 * Long requests in a thread of their own. A Kore worker runs one handler
 * at a time: an import done in its handler (seconds for a big file) would
 * stall every other connection of the worker, and every new connection of
 * the server when that worker holds Kore's accept lock (/healthz took 15 s
 * during an import). So the handler only checks the request; a thread
 * does the work, the request sleeps, and the handler answers when the
 * thread is done (parley.h shows the shape).
 *
 * Why not Kore's task threads (kore_task_run), as pwtask.c uses: a worker
 * has task_threads of them (2), and Kore deals tasks out to them in turn
 * whether they are busy or not. An import on one of them made every
 * second sign-in of its worker wait for the import's end (argon2 queued
 * behind it: 7.4 s measured during a 32 MiB customer import). So a job
 * gets a thread of its own, niced as pwtask.c's are so that the event
 * loops keep the CPU, and ends with it. It still is a struct kore_task,
 * only not run by Kore's threads: binding it to the request keeps the
 * request (and the job in its state) alive while the thread runs, even
 * when the client leaves, and closing its channel wakes the request.
 *
 * At most BGTASK_RUNNING_MAX jobs run per worker, each with one database
 * connection (db.c's db_thread_*): a dozen people importing at once must
 * not take PostgreSQL's connections or the machine's memory. Later jobs
 * wait, in order, asleep, and start as running ones end.
 */
#include <sys/queue.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "parley.h"

/* The worker's view of a job. */
enum { BG_NEW = 0, BG_QUEUED, BG_RUNNING, BG_DONE };

/* This worker's jobs waiting for a thread, and how many run: scheduling
 * state of the worker's own thread, never touched by the jobs' threads. */
static TAILQ_HEAD(, bgtask)	bg_waiting = TAILQ_HEAD_INITIALIZER(bg_waiting);
static int			bg_running;

static void	bgtask_next(void);

/* ---- the job's thread --------------------------------------------------- */

static void *
bgtask_thread(void *arg)
{
	struct bgtask	*bg = arg;
	int		 status;

	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	kore_task_set_state(&bg->task, KORE_TASK_STATE_RUNNING);
	status = bg->run(bg);
	db_thread_close(bg->db);
	if (status != HTTP_STATUS_OK && bg->status == HTTP_STATUS_OK)
		bg->status = status;
	kore_task_set_result(&bg->task, KORE_RESULT_OK);
	/* From here on the worker may free the job: only the task's own
	 * channel is touched, as Kore's task threads do. */
	__atomic_store_n(&bg->done, 1, __ATOMIC_RELEASE);
	kore_task_finish(&bg->task);
	return (NULL);
}

int
bgtask_fail(struct bgtask *bg, int status, const char *field,
    const char *message)
{
	bg->status = status;
	bg->field = field;
	if (message != NULL)
		(void)snprintf(bg->message, sizeof(bg->message), "%s",
		    message);
	return (status);
}

/*
 * Whether the client left. Kore says so by freeing the request, but only
 * once it reads the end of the connection, and with edge-triggered epoll a
 * close that arrived behind the body's last bytes is never read while the
 * request sleeps: under load an import ran to its commit after its client
 * had gone. So the socket is also peeked: 0 bytes is the end.
 */
int
bgtask_cancelled(struct bgtask *bg)
{
	char	ch;

	if (__atomic_load_n(&bg->cancel, __ATOMIC_ACQUIRE))
		return (1);
	return (bg->fd >= 0 &&
	    recv(bg->fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT) == 0);
}

ssize_t
bgtask_body_read(struct bgtask *bg, void *buf, size_t len)
{
	ssize_t	n;

	/* Kore has the whole body, in memory or in a temporary file
	 * (http_body_disk_offload); the worker does not read it while the
	 * request sleeps. */
	if ((n = http_body_read(bg->req, buf, len)) == -1)
		(void)bgtask_fail(bg, 400, NULL,
		    "The request body could not be read.");
	return (n);
}

int
bgtask_body(struct bgtask *bg, char **out, size_t *outlen)
{
	size_t	 cap, len = 0;
	ssize_t	 n;
	char	*buf;

	*out = NULL;
	*outlen = 0;
	cap = bg->req->content_length + 1;
	if ((buf = malloc(cap)) == NULL)
		return (bgtask_fail(bg, 500, NULL, NULL));
	while (len < cap - 1 &&
	    (n = bgtask_body_read(bg, buf + len, cap - 1 - len)) != 0) {
		if (n == -1) {
			free(buf);
			return (bg->status);
		}
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return (HTTP_STATUS_OK);
}

/* ---- the worker --------------------------------------------------------- */

/* Gives the job its thread. Without one (no memory for a stack) the job
 * ends at once with 503, through the same path. */
static void
bgtask_launch(struct bgtask *bg)
{
	pthread_attr_t	attr;
	pthread_t	tid;
	int		ok;

	bg->state = BG_RUNNING;
	bg->fd = bg->req->owner != NULL ? bg->req->owner->fd : -1;
	bg_running++;
	kore_task_create(&bg->task, NULL);
	bg->task.thread = NULL;
	kore_task_bind_request(&bg->task, bg->req);
	kore_platform_schedule_read(bg->task.fds[0], &bg->task);
	ok = pthread_attr_init(&attr) == 0;
	if (ok) {
		ok = pthread_attr_setdetachstate(&attr,
		    PTHREAD_CREATE_DETACHED) == 0 &&
		    pthread_create(&tid, &attr, bgtask_thread, bg) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!ok) {
		kore_log(LOG_ERR, "bgtask: no thread for %s", bg->req->path);
		bg->status = HTTP_STATUS_SERVICE_UNAVAILABLE;
		__atomic_store_n(&bg->done, 1, __ATOMIC_RELEASE);
		kore_task_finish(&bg->task);
	}
}

/* Starts waiting jobs while there is room. */
static void
bgtask_next(void)
{
	struct bgtask	*bg;

	while (bg_running < BGTASK_RUNNING_MAX &&
	    (bg = TAILQ_FIRST(&bg_waiting)) != NULL) {
		TAILQ_REMOVE(&bg_waiting, bg, queue);
		bgtask_launch(bg);
	}
}

/* Frees what the job holds, once, and makes room for the next. */
static void
bgtask_collect(struct bgtask *bg, const char *path)
{
	int	was_running = (bg->state == BG_RUNNING);

	if (bg->state == BG_DONE)
		return;
	if (bg->state == BG_QUEUED)
		TAILQ_REMOVE(&bg_waiting, bg, queue);
	bg->state = BG_DONE;
	if (bg->release != NULL)
		bg->release(bg);
	db_thread_free(bg->db, path, bg->me.id);
	bg->db = NULL;
	if (was_running) {
		bg_running--;
		bgtask_next();
	}
}

/* Kore calls this when it frees the request, again and again while a
 * thread still runs for it (the client left): the thread is asked to stop,
 * and the job is freed once it has. */
static void
bgtask_onfree(struct http_request *req)
{
	struct bgtask	*bg = http_state_get(req);

	if (bg == NULL)
		return;
	if (bg->state == BG_RUNNING &&
	    !__atomic_load_n(&bg->done, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&bg->cancel, 1, __ATOMIC_RELEASE);
		return;
	}
	bgtask_collect(bg, req->path);
}

void *
bgtask_create(struct http_request *req, size_t size, bgtask_run_fn run,
    bgtask_answer_fn answer, bgtask_release_fn release)
{
	struct bgtask	*bg;

	bg = http_state_create(req, size, bgtask_onfree);
	bg->req = req;
	bg->run = run;
	bg->answer = answer;
	bg->release = release;
	bg->status = HTTP_STATUS_OK;
	bg->state = BG_NEW;
	return (bg);
}

int
bgtask_abort(struct ctx *c)
{
	struct bgtask	*bg = http_state_get(c->req);

	(void)ctx_finish(c);
	if (bg != NULL) {
		bgtask_collect(bg, c->req->path);
		http_state_cleanup(c->req);
	}
	return (KORE_RESULT_OK);
}

int
bgtask_start(struct ctx *c, struct bgtask *bg)
{
	if (db_thread_prepare(c, &bg->db) != HTTP_STATUS_OK)
		return (bgtask_abort(c));
	bg->me = c->me;
	bg->started_ms = c->started_ms;
	/* The handler is done with the request's context, which holds
	 * nothing but the pooled connection: that goes back for others. */
	if (c->in != NULL || c->out != NULL || c->raw != NULL)
		fatal("bgtask_start: the job reads the body, not the handler");
	db_close(&c->db);
	if (bg_running < BGTASK_RUNNING_MAX) {
		bgtask_launch(bg);
	} else {
		bg->state = BG_QUEUED;
		TAILQ_INSERT_TAIL(&bg_waiting, bg, queue);
		http_request_sleep(bg->req);
	}
	return (KORE_RESULT_RETRY);
}

int
bgtask_resume(struct http_request *req)
{
	struct bgtask	*bg = http_state_get(req);
	struct ctx	 c;

	if (bg->state != BG_RUNNING || !kore_task_finished(&bg->task)) {
		http_request_sleep(req);
		return (KORE_RESULT_RETRY);
	}
	kore_task_destroy(&bg->task);
	ctx_init(&c, req);
	c.started_ms = bg->started_ms;
	c.me = bg->me;
	db_thread_free(bg->db, req->path, bg->me.id);	/* logs a failure */
	bg->db = NULL;
	if (bg->status != HTTP_STATUS_OK) {
		(void)ctx_fail(&c, bg->status, NULL, bg->field,
		    bg->message[0] != '\0' ? bg->message : NULL);
	} else {
		(void)bg->answer(&c, bg);
	}
	/* The answer may point into the job (a message, a list): it is sent
	 * before the job goes. */
	(void)ctx_finish(&c);
	bgtask_collect(bg, req->path);
	http_state_cleanup(req);
	return (KORE_RESULT_OK);
}
