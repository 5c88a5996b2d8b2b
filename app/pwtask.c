/*
 * Password hashing off the event loop. argon2id costs about 0.1 s of CPU and
 * 64 MiB; done inline it would stall every other connection of the worker
 * for that long. A Kore task runs it in a thread instead: the request sleeps,
 * the worker keeps serving, and the handler resumes when the thread closes
 * its end of the channel. Inputs and the result travel through the channel
 * by value, so the thread never touches request memory.
 */
#include <sys/resource.h>
#include <sys/syscall.h>

#include <string.h>
#include <unistd.h>

#include "parley.h"

struct pw_msg {
	int	verify;
	char	password[PW_MAX_BYTES];
	char	hash[SECRET_PWHASH_MAX];
};

struct pw_result {
	int	ok;
	char	hash[SECRET_PWHASH_MAX];
};

/* Runs in the task thread. */
static int
pwtask_entry(struct kore_task *t)
{
	struct pw_msg		msg;
	struct pw_result	res;

	/* Hashing yields the CPU to the event loops: on a small machine the
	 * hash threads would otherwise take the cores from every request. */
	(void)setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10);
	memset(&res, 0, sizeof(res));
	if (kore_task_channel_read(t, &msg, sizeof(msg)) != sizeof(msg))
		return (KORE_RESULT_ERROR);
	msg.password[sizeof(msg.password) - 1] = '\0';
	msg.hash[sizeof(msg.hash) - 1] = '\0';
	if (msg.verify)
		res.ok = secret_password_verify(msg.hash, msg.password);
	else
		res.ok = secret_password_hash(msg.password, res.hash) == 0;
	secret_wipe(&msg, sizeof(msg));
	kore_task_channel_write(t, &res, sizeof(res));
	return (KORE_RESULT_OK);
}

void
pwtask_start(struct pwtask *t, struct http_request *req, const char *pw,
    const char *hash)
{
	struct pw_msg	msg;

	memset(&msg, 0, sizeof(msg));
	msg.verify = (hash != NULL);
	kore_strlcpy(msg.password, pw, sizeof(msg.password));
	if (hash != NULL)
		kore_strlcpy(msg.hash, hash, sizeof(msg.hash));

	t->started_ms = req->start;
	kore_task_create(&t->task, pwtask_entry);
	kore_task_bind_request(&t->task, req);
	kore_task_run(&t->task);
	kore_task_channel_write(&t->task, &msg, sizeof(msg));
	secret_wipe(&msg, sizeof(msg));
	t->started = 1;
}

int
pwtask_done(struct pwtask *t, struct http_request *req)
{
	struct pw_result	res;

	if (!kore_task_finished(&t->task)) {
		http_request_sleep(req);
		return (0);
	}
	memset(&res, 0, sizeof(res));
	if (kore_task_result(&t->task) == KORE_RESULT_OK &&
	    kore_task_channel_read(&t->task, &res, sizeof(res)) == sizeof(res)) {
		t->ok = res.ok;
		memcpy(t->hash, res.hash, sizeof(t->hash));
		t->hash[sizeof(t->hash) - 1] = '\0';
	} else {
		t->ok = 0;
	}
	kore_task_destroy(&t->task);
	t->started = 0;
	return (1);
}
