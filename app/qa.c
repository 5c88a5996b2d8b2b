/*
 * Questions and answers: ask, list, read, answer, vote, accept, similar questions.
 * Placeholder: answers 404 until the work lands.
 */
#include "parley.h"

int
api_community_questions(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_questions(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_questions_similar(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_question(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_question_answers(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_question_votes(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_answer_votes(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}

int
api_answer_accept(struct http_request *req)
{
	struct ctx	c;

	ctx_init(&c, req);
	ctx_fail(&c, 404, NULL, NULL, "No such API route.");
	return (ctx_finish(&c));
}
