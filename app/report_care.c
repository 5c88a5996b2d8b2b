/*
 * The customer-care report (issue 5): effectiveness beside efficiency, per
 * channel and ISO week, for analysts and admins, as JSON or CSV. The
 * figures come from report_care_figures() (sql/0012_report_care.sql, where
 * every figure is defined); which of them may be shown is decided by the
 * privacy rules in app/kanon.c (read the comment at its top); every request
 * is written to the audit log in the same transaction that reads the data.
 *
 * GET /api/v1/reports/customer-care?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv
 *   from, to   optional: 12 weeks (83 days) from `from`, or up to `to`, or
 *              up to today (UTC) without either. Widened to whole ISO
 *              weeks (Monday to Sunday, UTC); to - from at most 731 days
 *              as asked. 422 (field from/to) for anything else.
 *   format     json (default) or csv; 422 (field format) otherwise.
 *
 * JSON answer (stable; the report page reads it):
 * {
 *   "report": "customer-care",
 *   "from": "2019-03-04", "to": "2019-03-24",   the range used: whole weeks
 *   "requested": {"from": "2019-03-06", "to": "2019-03-20"},
 *   "k": 5,                                     smallest group shown
 *   "comparison_note": "correlation, not cause: ...",
 *   "groups": [Group],                          shown groups, by week, channel
 *   "other": {"channel": null, "week": null, "suppressed": true,
 *             "groups": n folded, every figure null},
 *   "summary": {"groups": n shown, Figures over the shown groups only}
 * }
 * Group = {"channel": {"id", "name", "kind"}, "week": "YYYY-MM-DD" (Monday),
 *   "suppressed": false, Figures}
 * Figures = {
 *   "conversations", "customers" (distinct), "resolved",
 *   "first_contact_resolution_rate" (of resolved; 0..1 or null),
 *   "csat_average" (1..5 or null), "csat_responses",
 *   "median_first_response_minutes" (or null),
 *   "escalated_share" (conversations with any link / conversations, 0..1),
 *   "linked_conversations", "escalation_conversations" (via escalation),
 *   "collaboration": {"suppressed", "internal_people",
 *     "internal_participants_per_linked", "departments_per_linked"},
 *   "comparison": {"suppressed",
 *     "with_collaboration": Side, "without_collaboration": Side}}
 * Side = {"suppressed", "conversations", "resolved",
 *   "median_resolution_minutes", "csat_average", "csat_responses"}
 * A suppressed block has "suppressed": true and its figures null. In the
 * summary, "collaboration" and "comparison" also carry "groups": how many
 * shown groups they were computed over (those whose block was shown).
 *
 * CSV answer: text/csv, one header row, then one row per shown group
 * (row_type "group"), the "other" row, a "summary" row and two "note"
 * rows (the range and k used; the correlation-not-cause label) whose text
 * is in the last column, "note". Nested figures are flattened
 * (collaboration_*, with_*, without_*).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley.h"

#define DEFAULT_DAYS	83	/* 12 weeks, today's included */
#define SECONDS_PER_DAY	86400

static const char COMPARISON_NOTE[] =
    "correlation, not cause: conversations that drew internal collaboration "
    "are not a random sample (harder problems are escalated more often), so "
    "a difference in resolution time or CSAT between conversations with and "
    "without internal collaboration does not show what collaboration does.";

static const char SQL_REPEATABLE_READ[] =
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
/*
 * For this transaction only: no JIT, since the planner's estimates for the
 * per-conversation collaboration functions are far too high and it would
 * compile the query (measured on 100,000 conversations: 1.3 s compiling
 * for 0.1-0.7 s of work); and a custom plan every time, since a generic
 * plan of the figures query cannot tell its two modes apart (the shown
 * groups being NULL or not) and took twice as long.
 */
static const char SQL_SETTINGS[] =
    "SELECT set_config('jit', 'off', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true)";
/* $1 from, $2 to (exclusive) as timestamptz, $3 NULL or the shown groups. */
static const char SQL_FIGURES[] =
    "SELECT channel_id, channel_name, channel_kind, week::text, "
    "conversations, customers, resolved, fcr_rate, csat_responses, "
    "csat_average, median_first_response_minutes, linked, escalations, "
    "escalated_share, internal_people, participants_per_linked, "
    "departments_per_linked, "
    "with_customers, with_conversations, with_resolved, "
    "with_median_resolution_minutes, with_csat_average, with_csat_responses, "
    "without_customers, without_conversations, without_resolved, "
    "without_median_resolution_minutes, without_csat_average, "
    "without_csat_responses "
    "FROM report_care_figures($1::timestamptz, $2::timestamptz, $3::jsonb)";

/* Column positions in SQL_FIGURES. */
enum { F_CHANNEL, F_NAME, F_KIND, F_WEEK, F_CONVERSATIONS, F_CUSTOMERS,
	F_RESOLVED, F_FCR, F_CSAT_N, F_CSAT, F_FIRST_RESPONSE, F_LINKED,
	F_ESCALATIONS, F_ESCALATED_SHARE, F_PEOPLE, F_PARTICIPANTS,
	F_DEPARTMENTS, F_WITH };
/* A side of the comparison: six columns from F_WITH (with) or F_WITH + 6. */
enum { S_CUSTOMERS, S_CONVERSATIONS, S_RESOLVED, S_MEDIAN, S_CSAT, S_CSAT_N,
	S_COLUMNS };

/* The figures masked in "other": all of them. */
static const char *const FIGURE_KEYS[] = { "conversations", "customers",
    "resolved", "first_contact_resolution_rate", "csat_average",
    "csat_responses", "median_first_response_minutes", "escalated_share",
    "linked_conversations", "escalation_conversations", "collaboration",
    "comparison", "channel", "week", NULL };
static const char *const COLLAB_KEYS[] = { "internal_people",
    "internal_participants_per_linked", "departments_per_linked", NULL };
static const char *const SIDE_KEYS[] = { "conversations", "resolved",
    "median_resolution_minutes", "csat_average", "csat_responses", NULL };

/* The request, parsed: the shared report_query (from, to, asked_*, csv,
 * k; the rest unused) and the timestamptz bounds. */
struct care_query {
	struct report_query	r;
	char			ts_from[32], ts_to[32];	/* to exclusive */
};

/* A numeric column as a JSON number, or null. */
static json_t *
num(struct ctx *c, int row, int col)
{
	const char	*v = db_value(c, row, col);

	return (v == NULL ? json_null() : json_real(strtod(v, NULL)));
}

static json_t *
count(struct ctx *c, int row, int col)
{
	return (json_integer((json_int_t)db_int(c, row, col)));
}

/* A date parameter: 1 present and valid, 0 absent, -1 bad. */
static int
date_param(struct ctx *c, const char *name, long *day)
{
	char	buf[16];
	int	r;

	r = query_param(c->req, name, buf, sizeof(buf));
	if (r == 0)
		return (0);
	if (r < 0 || !kanon_date_parse(buf, day))
		return (-1);
	return (1);
}

static int
care_params(struct ctx *c, struct care_query *q)
{
	char	fmt[8], day_after[16];
	long	from, to, wfrom, wto, today;
	int	rf, rt, r;

	today = (long)(time(NULL) / SECONDS_PER_DAY);
	if ((rf = date_param(c, "from", &from)) < 0)
		return (ctx_fail(c, 422, NULL, "from",
		    "from must be a date, YYYY-MM-DD (1970 to 9998)."));
	if ((rt = date_param(c, "to", &to)) < 0)
		return (ctx_fail(c, 422, NULL, "to",
		    "to must be a date, YYYY-MM-DD (1970 to 9998)."));
	/* Missing ends: 12 weeks from `from`, up to `to`, or up to today. */
	if (rt == 0)
		to = rf == 1 ? from + DEFAULT_DAYS : today;
	if (rf == 0)
		from = to - DEFAULT_DAYS;
	switch (kanon_range(from, to, &wfrom, &wto)) {
	case KANON_RANGE_OK:
		break;
	case KANON_RANGE_REVERSED:
		return (ctx_fail(c, 422, NULL, "to",
		    "to must not be before from."));
	default:
		return (ctx_fail(c, 422, NULL, "to",
		    "The range is at most two years (731 days)."));
	}

	r = query_param(c->req, "format", fmt, sizeof(fmt));
	if (r < 0 || (r == 1 && strcmp(fmt, "json") != 0 &&
	    strcmp(fmt, "csv") != 0))
		return (ctx_fail(c, 422, NULL, "format",
		    "format is json or csv."));
	q->r.csv = (r == 1 && strcmp(fmt, "csv") == 0);
	q->r.k = kanon_k(config.report_min_group);

	if (!kanon_date_format(from, q->r.asked_from,
	    sizeof(q->r.asked_from)) ||
	    !kanon_date_format(to, q->r.asked_to, sizeof(q->r.asked_to)) ||
	    !kanon_date_format(wfrom, q->r.from, sizeof(q->r.from)) ||
	    !kanon_date_format(wto, q->r.to, sizeof(q->r.to)) ||
	    !kanon_date_format(wto + 1, day_after, sizeof(day_after)))
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	/* Midnight UTC: the weeks are UTC weeks; to is exclusive. */
	r = snprintf(q->ts_from, sizeof(q->ts_from), "%sT00:00:00Z", q->r.from);
	if (r < 0 || (size_t)r >= sizeof(q->ts_from))
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	r = snprintf(q->ts_to, sizeof(q->ts_to), "%sT00:00:00Z", day_after);
	if (r < 0 || (size_t)r >= sizeof(q->ts_to))
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* One side of the with/without comparison, masked unless shown. */
static json_t *
side_json(struct ctx *c, int row, int first, int shown)
{
	json_t	*s;

	s = json_pack("{s:b, s:o, s:o, s:o, s:o, s:o}", "suppressed", 0,
	    "conversations", count(c, row, first + S_CONVERSATIONS),
	    "resolved", count(c, row, first + S_RESOLVED),
	    "median_resolution_minutes", num(c, row, first + S_MEDIAN),
	    "csat_average", num(c, row, first + S_CSAT),
	    "csat_responses", count(c, row, first + S_CSAT_N));
	if (s != NULL && !shown && kanon_mask(s, SIDE_KEYS) != 0) {
		json_decref(s);
		return (NULL);
	}
	return (s);
}

/*
 * The figures of one row (a group, or the summary). The sub-figures are
 * decided here: collaboration needs k distinct internal participants
 * across the linked conversations (when there are linked conversations;
 * without any there is nothing to mask and the figures are null), the
 * comparison needs k customers on each side, else both sides are masked
 * (kanon_parts: the group's own figures minus one side give the other).
 * *collab and *compare say what was shown, for the summary.
 */
static json_t *
figures_json(struct ctx *c, int row, int k, int *collab, int *compare)
{
	json_t		*f, *co = NULL, *cmp = NULL, *with, *without;
	long long	 sides[2];
	int		 linked;

	linked = db_int(c, row, F_LINKED) > 0;
	*collab = linked && kanon_enough(db_int(c, row, F_PEOPLE), k);
	sides[0] = db_int(c, row, F_WITH + S_CUSTOMERS);
	sides[1] = db_int(c, row, F_WITH + S_COLUMNS + S_CUSTOMERS);
	*compare = kanon_parts(sides, 2, k);

	co = json_pack("{s:b, s:o, s:o, s:o}", "suppressed", 0,
	    "internal_people", count(c, row, F_PEOPLE),
	    "internal_participants_per_linked", num(c, row, F_PARTICIPANTS),
	    "departments_per_linked", num(c, row, F_DEPARTMENTS));
	if (co != NULL && !*collab) {
		if (kanon_mask(co, COLLAB_KEYS) != 0)
			goto fail;
		if (!linked)	/* nothing was hidden: there is nothing */
			json_object_set_new(co, "suppressed", json_false());
	}
	with = side_json(c, row, F_WITH, *compare);
	without = side_json(c, row, F_WITH + S_COLUMNS, *compare);
	cmp = json_pack("{s:b, s:o?, s:o?}", "suppressed", !*compare,
	    "with_collaboration", with, "without_collaboration", without);
	if (co == NULL || cmp == NULL || with == NULL || without == NULL)
		goto fail;

	f = json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
	    "s:O, s:O}",
	    "conversations", count(c, row, F_CONVERSATIONS),
	    "customers", count(c, row, F_CUSTOMERS),
	    "resolved", count(c, row, F_RESOLVED),
	    "first_contact_resolution_rate", num(c, row, F_FCR),
	    "csat_average", num(c, row, F_CSAT),
	    "csat_responses", count(c, row, F_CSAT_N),
	    "median_first_response_minutes", num(c, row, F_FIRST_RESPONSE),
	    "escalated_share", num(c, row, F_ESCALATED_SHARE),
	    "linked_conversations", count(c, row, F_LINKED),
	    "escalation_conversations", count(c, row, F_ESCALATIONS),
	    "collaboration", co, "comparison", cmp);
	json_decref(co);
	json_decref(cmp);
	return (f);
fail:
	json_decref(co);
	json_decref(cmp);
	return (NULL);
}

/*
 * Reads every group, keeps the shown ones (kanon_fold), and returns the
 * groups array; *shown gets the summary's filter, [{"channel", "week",
 * "collaboration", "comparison"}], and *folded how many went to "other".
 */
static int
care_groups(struct ctx *c, const struct care_query *q, json_t **groups,
    json_t **shown, size_t *folded)
{
	struct kanon_group	*g = NULL;
	const char		*p[3] = { q->ts_from, q->ts_to, NULL };
	json_t			*f, *key;
	int			 i, n, collab, compare;

	if (db_query(c, SQL_FIGURES, 3, p) != 200)
		return (c->status);
	n = db_rows(c);
	if ((*groups = json_array()) == NULL || (*shown = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	g = kore_calloc(n > 0 ? (size_t)n : 1, sizeof(*g));
	for (i = 0; i < n; i++)
		g[i].people = db_int(c, i, F_CUSTOMERS);
	*folded = kanon_fold(g, (size_t)n, q->r.k);
	for (i = 0; i < n; i++) {
		if (!g[i].shown)
			continue;	/* none of its figures leaves here */
		if ((f = figures_json(c, i, q->r.k, &collab, &compare)) == NULL)
			goto fail;
		key = json_pack("{s:I, s:s, s:b, s:b}",
		    "channel", (json_int_t)db_int(c, i, F_CHANNEL),
		    "week", db_value(c, i, F_WEEK),
		    "collaboration", collab, "comparison", compare);
		if (key == NULL || json_array_append_new(*shown, key) != 0 ||
		    json_object_set_new(f, "channel", json_pack("{s:I, s:s, s:s}",
		    "id", (json_int_t)db_int(c, i, F_CHANNEL),
		    "name", db_value(c, i, F_NAME),
		    "kind", db_value(c, i, F_KIND))) != 0 ||
		    json_object_set_new(f, "week",
		    json_string(db_value(c, i, F_WEEK))) != 0 ||
		    json_object_set_new(f, "suppressed", json_false()) != 0 ||
		    json_array_append_new(*groups, f) != 0)
			goto fail;
	}
	kore_free(g);
	return (HTTP_STATUS_OK);
fail:
	kore_free(g);
	return (ctx_fail(c, 500, NULL, NULL, NULL));
}

/* Counts the entries of shown whose flag is true. */
static json_int_t
shown_with(json_t *shown, const char *flag)
{
	json_t		*e;
	size_t		 i;
	json_int_t	 n = 0;

	json_array_foreach(shown, i, e)
		if (json_is_true(json_object_get(e, flag)))
			n++;
	return (n);
}

/* The summary: the same figures over the shown groups only, computed from
 * their conversations by the same SQL (never a total minus what is
 * shown). With no shown group every count is 0 and every figure null. */
static int
care_summary(struct ctx *c, const struct care_query *q, json_t *shown,
    json_t **summary)
{
	char		*filter;
	const char	*p[3];
	int		 collab, compare;

	if ((filter = json_dumps(shown, JSON_COMPACT)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	p[0] = q->ts_from;
	p[1] = q->ts_to;
	p[2] = filter;
	if (db_query(c, SQL_FIGURES, 3, p) != 200) {
		free(filter);
		return (c->status);
	}
	free(filter);
	/* Row 0 may not exist (no shown group): db_* read NULL, counts 0. */
	if ((*summary = figures_json(c, 0, q->r.k, &collab, &compare)) == NULL ||
	    json_object_set_new(*summary, "groups",
	    json_integer((json_int_t)json_array_size(shown))) != 0 ||
	    json_object_set_new(json_object_get(*summary, "collaboration"),
	    "groups", json_integer(shown_with(shown, "collaboration"))) != 0 ||
	    json_object_set_new(json_object_get(*summary, "comparison"),
	    "groups", json_integer(shown_with(shown, "comparison"))) != 0)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

/* ---- CSV ---------------------------------------------------------------- */

/* A CSV column: its header and where its value is in a row object (up to
 * three nested keys; NULL ends the path). */
struct care_column {
	const char	*name;
	const char	*path[3];
};

static const struct care_column CARE_COLUMNS[] = {
	{ "channel_id", { "channel", "id", NULL } },
	{ "channel", { "channel", "name", NULL } },
	{ "channel_kind", { "channel", "kind", NULL } },
	{ "week", { "week", NULL, NULL } },
	{ "suppressed", { "suppressed", NULL, NULL } },
	{ "groups", { "groups", NULL, NULL } },
	{ "conversations", { "conversations", NULL, NULL } },
	{ "customers", { "customers", NULL, NULL } },
	{ "resolved", { "resolved", NULL, NULL } },
	{ "first_contact_resolution_rate",
	    { "first_contact_resolution_rate", NULL, NULL } },
	{ "csat_average", { "csat_average", NULL, NULL } },
	{ "csat_responses", { "csat_responses", NULL, NULL } },
	{ "median_first_response_minutes",
	    { "median_first_response_minutes", NULL, NULL } },
	{ "escalated_share", { "escalated_share", NULL, NULL } },
	{ "linked_conversations", { "linked_conversations", NULL, NULL } },
	{ "escalation_conversations",
	    { "escalation_conversations", NULL, NULL } },
	{ "collaboration_suppressed",
	    { "collaboration", "suppressed", NULL } },
	{ "internal_people", { "collaboration", "internal_people", NULL } },
	{ "internal_participants_per_linked",
	    { "collaboration", "internal_participants_per_linked", NULL } },
	{ "departments_per_linked",
	    { "collaboration", "departments_per_linked", NULL } },
	{ "comparison_suppressed", { "comparison", "suppressed", NULL } },
	{ "with_conversations",
	    { "comparison", "with_collaboration", "conversations" } },
	{ "with_resolved", { "comparison", "with_collaboration", "resolved" } },
	{ "with_median_resolution_minutes",
	    { "comparison", "with_collaboration", "median_resolution_minutes" } },
	{ "with_csat_average",
	    { "comparison", "with_collaboration", "csat_average" } },
	{ "with_csat_responses",
	    { "comparison", "with_collaboration", "csat_responses" } },
	{ "without_conversations",
	    { "comparison", "without_collaboration", "conversations" } },
	{ "without_resolved",
	    { "comparison", "without_collaboration", "resolved" } },
	{ "without_median_resolution_minutes",
	    { "comparison", "without_collaboration",
	    "median_resolution_minutes" } },
	{ "without_csat_average",
	    { "comparison", "without_collaboration", "csat_average" } },
	{ "without_csat_responses",
	    { "comparison", "without_collaboration", "csat_responses" } },
};
#define CARE_NCOLUMNS	(sizeof(CARE_COLUMNS) / sizeof(CARE_COLUMNS[0]))

/* A row object flattened for report_csv_row(): each column's value under
 * the column's name (obj NULL: NULL, an empty row). */
static json_t *
care_csv_flat(json_t *obj, int *fail)
{
	json_t	*flat, *v;
	size_t	 i, j;

	if (obj == NULL)
		return (NULL);
	if ((flat = json_object()) == NULL) {
		*fail = 1;
		return (NULL);
	}
	for (i = 0; i < CARE_NCOLUMNS; i++) {
		v = obj;
		for (j = 0; j < 3 && CARE_COLUMNS[i].path[j] != NULL && v; j++)
			v = json_object_get(v, CARE_COLUMNS[i].path[j]);
		if (v != NULL &&
		    json_object_set(flat, CARE_COLUMNS[i].name, v) != 0)
			*fail = 1;
	}
	return (flat);
}

/* One row through the shared writer (app/report_collab.c). */
static void
care_csv_row(struct kore_buf *b, const char *type, json_t *obj,
    const char *const *names, const char *note, int *fail)
{
	json_t	*flat;

	flat = care_csv_flat(obj, fail);
	report_csv_row(b, type, flat, names, note);
	json_decref(flat);
}

/* NULL when a row could not be built (out of memory). */
static struct kore_buf *
care_csv(const struct care_query *q, json_t *report)
{
	struct kore_buf	*b;
	const char	*names[CARE_NCOLUMNS + 1];
	json_t		*g;
	size_t		 i;
	int		 fail = 0;
	char		 range[160];

	for (i = 0; i < CARE_NCOLUMNS; i++)
		names[i] = CARE_COLUMNS[i].name;
	names[CARE_NCOLUMNS] = NULL;
	b = kore_buf_alloc(4096);
	report_csv_header(b, names);
	json_array_foreach(json_object_get(report, "groups"), i, g)
		care_csv_row(b, "group", g, names, NULL, &fail);
	care_csv_row(b, "other", json_object_get(report, "other"), names,
	    NULL, &fail);
	care_csv_row(b, "summary", json_object_get(report, "summary"), names,
	    NULL, &fail);
	/* Not report_csv_note(): care's groups are of customers, not people,
	 * and it says so. */
	(void)snprintf(range, sizeof(range), "range %s to %s (whole ISO weeks, "
	    "UTC; asked %s to %s); groups of fewer than %d customers are "
	    "folded into other", q->r.from, q->r.to, q->r.asked_from,
	    q->r.asked_to, q->r.k);
	report_csv_row(b, "note", NULL, names, range);
	report_csv_row(b, "note", NULL, names, COMPARISON_NOTE);
	if (fail) {
		kore_buf_free(b);
		return (NULL);
	}
	return (b);
}

/* ---- the handler -------------------------------------------------------- */

static int
care_report(struct ctx *c, const struct care_query *q)
{
	json_t	*groups = NULL, *shown = NULL, *other = NULL, *summary = NULL;
	size_t	 folded = 0;
	char	 reason[200];

	(void)snprintf(reason, sizeof(reason), "from=%s to=%s format=%s "
	    "requested_from=%s requested_to=%s k=%d", q->r.from, q->r.to,
	    q->r.csv ? "csv" : "json", q->r.asked_from, q->r.asked_to, q->r.k);
	/* One snapshot for the groups and the summary, so the summary covers
	 * exactly the conversations the decisions were made on; the audit
	 * row commits with it or not at all. */
	if (db_begin(c) != 200 ||
	    db_query(c, SQL_REPEATABLE_READ, 0, NULL) != 200 ||
	    db_query(c, SQL_SETTINGS, 0, NULL) != 200 ||
	    audit_write(c, "report.customer_care", "report", "customer-care",
	    reason) != 200 ||
	    care_groups(c, q, &groups, &shown, &folded) != 200 ||
	    care_summary(c, q, shown, &summary) != 200 ||
	    db_commit(c) != 200)
		goto out;
	if ((other = kanon_other(folded, FIGURE_KEYS)) == NULL) {
		ctx_fail(c, 500, NULL, NULL, NULL);
		goto out;
	}
	c->out = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:i, s:s, s:O, "
	    "s:O, s:O}",
	    "report", "customer-care", "from", q->r.from, "to", q->r.to,
	    "requested", "from", q->r.asked_from, "to", q->r.asked_to,
	    "k", q->r.k, "comparison_note", COMPARISON_NOTE,
	    "groups", groups, "other", other, "summary", summary);
	if (c->out == NULL)
		ctx_fail(c, 500, NULL, NULL, NULL);
out:
	json_decref(groups);
	json_decref(shown);
	json_decref(other);
	json_decref(summary);
	return (c->status);
}

/* GET /api/v1/reports/customer-care: analysts and admins. */
int
api_report_customer_care(struct http_request *req)
{
	struct ctx		 c;
	struct care_query	 q;
	struct kore_buf		*b;

	memset(&q, 0, sizeof(q));
	/* Refusals are audited as report.customer_care.denied. */
	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    report_allowed(&c, "report.customer_care.denied",
	    "customer-care") != 200 ||
	    care_params(&c, &q) != 200 || care_report(&c, &q) != 200)
		return (ctx_finish(&c));
	if (q.r.csv) {
		if ((b = care_csv(&q, c.out)) == NULL) {
			(void)ctx_fail(&c, 500, NULL, NULL, NULL);
			return (ctx_finish(&c));
		}
		return (report_send_csv(&c, &q.r, "customer-care", b));
	}
	return (ctx_finish(&c));
}
