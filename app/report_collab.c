/*
 * The collaboration report (issue 6): conversations and dialogue per
 * department or per ISO week, for analysts and admins, as JSON or CSV; and
 * what the two collaboration reports share (parameters, the audited
 * transaction, CSV output; app/report_network.c is the other). Figures
 * come from the rollups of sql/0015_reports.sql, where every figure is
 * defined and which triggers keep current: a report shows everything
 * committed before it ran. Which figures may be shown is decided by the
 * rules of app/kanon.c (read the comment at its top), applied as follows:
 *
 *  - The unit of publication is a department in one ISO week. Only units
 *    with at least k distinct active people contribute to any figure, in
 *    either grouping and in the totals. So a total is a sum of such units,
 *    the week report minus the department report is zero, and two
 *    overlapping ranges differ by whole units of k or more people.
 *  - A group (department, or week) is shown when its units hold k or more
 *    people; the rest fold into "other", whose figures are all null.
 *  - Dialogue depth needs conversations started by k or more people; the
 *    answer rate and median minutes need questions asked by k or more
 *    people; otherwise they are null (kanon rule 5).
 *  - People who opted out of analytics (PATCH /api/v1/me
 *    {"analytics_opt_out": true}) are not in the rollups at all.
 *  - Departments are the ones people were in when they acted.
 *
 * GET /api/v1/reports/collaboration?group_by=department|week
 *     &from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv
 *   group_by   department (default) or week; 422 (field group_by) else.
 *   from, to   optional; default: the 12 weeks up to today (UTC). Widened
 *              to whole ISO weeks (Monday to Sunday, UTC); to - from at
 *              most 731 days. 422 (field from/to) for anything else.
 *   format     json (default) or csv; 422 (field format) otherwise.
 *
 * JSON answer (stable; the report page reads it):
 * {
 *   "report": "collaboration", "group_by": "department" | "week",
 *   "from": "2024-01-01", "to": "2024-03-31",   the range used: whole weeks
 *   "requested": {"from", "to"},                 the range asked for
 *   "k": 5,                                      smallest group shown
 *   "groups": [Group],                           shown groups, by key
 *   "other": {"group": null, "label": null, "suppressed": true,
 *             "groups": n folded, every figure null},
 *   "totals": {"groups": n shown, Figures over the shown groups only}
 * }
 * Group = {"group": key, "label": text, "suppressed": false, Figures}
 *   key: the department as people wrote it ("" for none: label "(none)"),
 *   or the week's Monday "2024-01-29" (label "2024-W05").
 * Figures = {
 *   "active_people"        distinct people who posted, replied, asked,
 *                          answered or liked (customer-link collaboration
 *                          is made of such messages),
 *   "posts", "replies"     root posts and replies,
 *   "conversations"        threads (started in the group) with >= 2 people,
 *   "dialogue_depth"       turns per conversation: a turn is a run of
 *                          messages by one author in time order (or null),
 *   "questions", "answer_rate" (answered by someone else / questions, 0..1,
 *                          or null), "median_minutes_to_first_answer",
 *   "cross_department_interactions"  replies, answers, mentions and likes
 *                          by the group's people to people of another
 *                          department (at the time)}
 * Activity is filed under the department of the person who acted and the
 * week it happened; threads and questions under their start. With
 * group_by=week a week's active people are summed over its departments
 * (someone who moved department within the week and was active on both
 * sides counts twice there); the totals count everyone once.
 *
 * Freshness: the triggers keep per-person rollups in the writing
 * transaction and queue the department-weeks they touched; report_refresh()
 * recomputes the queued ones at the start of each report, so a report
 * shows everything committed before it began.
 *
 * CSV answer: text/csv, a header row, one row per shown group (row_type
 * "group"), the "other" row, a "totals" row and a "note" row (the range and
 * k used) whose text is in the last column.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "parley.h"

#define DEFAULT_DAYS	83	/* 12 weeks, today's included */
#define SECONDS_PER_DAY	86400

static const char SQL_REPEATABLE_READ[] =
    "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
/* db.c keeps statements prepared: after five runs PostgreSQL may switch to
 * a generic plan, which cannot fold the range and the grouping into the
 * plan (2.5 times slower here). JIT only adds compile time to these
 * sub-second queries. Both for this transaction only. */
static const char SQL_PLAN_SETTINGS[] =
    "SELECT set_config('jit', 'off', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true)";

/* Brings report_units and report_cells up to date (sql/0015_reports.sql);
 * run on its own, before the report's transaction. */
static const char SQL_REFRESH[] = "SELECT report_refresh()";

/*
 * $1, $2 the Mondays of the first and last week, $3 k, $4 'week' or
 * 'department'. One row per group with any activity in the range (total
 * false), then the totals (total true), all computed over the units
 * (department-weeks) of k or more people only. Distinct people per
 * department and in the totals come from report_people's week bits (a
 * range of at most 731 days, widened to weeks, touches at most three ISO
 * years); a week's people, askers and starters are the sums of its
 * units' (someone who changed department within a week and was active on
 * both sides counts in both).
 */
static const char SQL_COLLAB[] =
    "WITH u AS MATERIALIZED ("
    "  SELECT week, department, people, posts, replies, conversations,"
    "    turns, questions, answered, starters, askers, crossing,"
    "    CASE WHEN $4 = 'week' THEN week::text ELSE department END AS g"
    "  FROM report_units WHERE week BETWEEN $1::date AND $2::date),"
    "ok AS MATERIALIZED (SELECT * FROM u WHERE people >= $3::int),"
    "okd AS ("
    "  SELECT department,"
    "    coalesce(bit_or(report_bit(week)) FILTER (WHERE report_year(week)"
    "      = report_year($1::date)), 0) AS m1,"
    "    coalesce(bit_or(report_bit(week)) FILTER (WHERE report_year(week)"
    "      = report_year($1::date) + 1), 0) AS m2,"
    "    coalesce(bit_or(report_bit(week)) FILTER (WHERE report_year(week)"
    "      = report_year($1::date) + 2), 0) AS m3"
    "  FROM ok GROUP BY department),"
    "ppl AS MATERIALIZED ("
    "  SELECT p.department, p.user_id,"
    "    (((coalesce(p.active[report_year($1::date) - 1969], 0) & okd.m1)"
    "    | (coalesce(p.active[report_year($1::date) - 1968], 0) & okd.m2)"
    "    | (coalesce(p.active[report_year($1::date) - 1967], 0) & okd.m3)) <> 0) AS active,"
    "    (((coalesce(p.asked[report_year($1::date) - 1969], 0) & okd.m1)"
    "    | (coalesce(p.asked[report_year($1::date) - 1968], 0) & okd.m2)"
    "    | (coalesce(p.asked[report_year($1::date) - 1967], 0) & okd.m3)) <> 0) AS asked,"
    "    (((coalesce(p.started[report_year($1::date) - 1969], 0) & okd.m1)"
    "    | (coalesce(p.started[report_year($1::date) - 1968], 0) & okd.m2)"
    "    | (coalesce(p.started[report_year($1::date) - 1967], 0) & okd.m3)) <> 0) AS started"
    "  FROM report_people p JOIN okd USING (department)),"
    "qs AS MATERIALIZED ("
    "  SELECT ok.g,"
    "    extract(epoch FROM q.first_answer_at - q.created_at) / 60 AS minutes"
    "  FROM report_questions q JOIN ok USING (week, department)"
    "  WHERE q.week BETWEEN $1::date AND $2::date"
    "    AND q.first_answer_at IS NOT NULL),"
    "f AS ("
    "  SELECT g, false AS total, sum(people) AS people, sum(posts) AS posts,"
    "    sum(replies) AS replies, sum(conversations) AS conversations,"
    "    sum(turns) AS turns, sum(questions) AS questions,"
    "    sum(answered) AS answered, sum(starters) AS starters,"
    "    sum(askers) AS askers, sum(crossing) AS crossing"
    "  FROM ok GROUP BY g"
    "  UNION ALL"
    "  SELECT NULL, true, NULL, sum(posts), sum(replies), sum(conversations),"
    "    sum(turns), sum(questions), sum(answered), NULL, NULL,"
    "    sum(crossing) FROM ok),"
    "pe AS ("
    "  SELECT department AS g, false AS total,"
    "    count(*) FILTER (WHERE active) AS people,"
    "    count(*) FILTER (WHERE asked) AS askers,"
    "    count(*) FILTER (WHERE started) AS starters"
    "  FROM ppl GROUP BY department"
    "  UNION ALL"
    "  SELECT NULL, true, count(*) FILTER (WHERE active),"
    "    count(*) FILTER (WHERE asked), count(*) FILTER (WHERE started)"
    "  FROM (SELECT bool_or(active) AS active, bool_or(asked) AS asked,"
    "      bool_or(started) AS started FROM ppl GROUP BY user_id) x),"
    "md AS ("
    "  SELECT g, false AS total,"
    "    percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) AS median"
    "  FROM qs GROUP BY g"
    "  UNION ALL SELECT NULL, true,"
    "    percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FROM qs),"
    "r AS (SELECT DISTINCT g, false AS total FROM u"
    "  UNION ALL SELECT NULL, true),"
    "v AS ("
    "  SELECT r.total, r.g, f.posts, f.replies, f.conversations, f.turns,"
    "    f.questions, f.answered, f.crossing, md.median,"
    "    CASE WHEN $4 = 'week' AND NOT r.total THEN f.people"
    "      ELSE pe.people END AS people,"
    "    CASE WHEN $4 = 'week' AND NOT r.total THEN f.starters"
    "      ELSE pe.starters END AS starters,"
    "    CASE WHEN $4 = 'week' AND NOT r.total THEN f.askers"
    "      ELSE pe.askers END AS askers"
    "  FROM r"
    "  LEFT JOIN f ON f.total = r.total AND f.g IS NOT DISTINCT FROM r.g"
    "  LEFT JOIN pe ON pe.total = r.total AND pe.g IS NOT DISTINCT FROM r.g"
    "  LEFT JOIN md ON md.total = r.total AND md.g IS NOT DISTINCT FROM r.g) "
    "SELECT total, g,"
    "  CASE WHEN total THEN NULL"
    "    WHEN $4 = 'week' THEN to_char(g::date, 'IYYY-\"W\"IW')"
    "    WHEN g = '' THEN '(none)' ELSE g END,"
    "  coalesce(people, 0), coalesce(posts, 0), coalesce(replies, 0),"
    "  coalesce(conversations, 0), coalesce(starters, 0),"
    "  round(turns::numeric / nullif(conversations, 0), 2),"
    "  coalesce(questions, 0), coalesce(askers, 0),"
    "  round(answered::numeric / nullif(questions, 0), 4),"
    "  round(median::numeric, 1), coalesce(crossing, 0) "
    "FROM v ORDER BY 1, 2";

/* Column positions in SQL_COLLAB. */
enum { C_TOTAL, C_GROUP, C_LABEL, C_PEOPLE, C_POSTS, C_REPLIES,
	C_CONVERSATIONS, C_STARTERS, C_DEPTH, C_QUESTIONS, C_ASKERS,
	C_ANSWER_RATE, C_MEDIAN, C_CROSSING };

/* Every figure: what "other" nulls. */
static const char *const FIGURE_KEYS[] = { "group", "label",
    "active_people", "posts", "replies", "conversations", "dialogue_depth",
    "questions", "answer_rate", "median_minutes_to_first_answer",
    "cross_department_interactions", NULL };

/* ---- shared with report_network.c ------------------------------------- */

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

int
report_params(struct ctx *c, struct report_query *q)
{
	char	fmt[8];
	long	from, to, wfrom, wto, today;
	int	rf, rt, r;

	memset(q, 0, sizeof(*q));
	today = (long)(time(NULL) / SECONDS_PER_DAY);
	if ((rf = date_param(c, "from", &from)) < 0)
		return (ctx_fail(c, 422, NULL, "from",
		    "from must be a date, YYYY-MM-DD (1970 to 9999)."));
	if ((rt = date_param(c, "to", &to)) < 0)
		return (ctx_fail(c, 422, NULL, "to",
		    "to must be a date, YYYY-MM-DD (1970 to 9999)."));
	if (rt == 0)
		to = (rf == 1 && from > today) ? from : today;
	if (rf == 0)
		from = to - DEFAULT_DAYS;
	if (from < 0)
		from = 0;
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
	q->csv = (r == 1 && strcmp(fmt, "csv") == 0);
	q->k = kanon_k(config.report_min_group);
	(void)snprintf(q->k_text, sizeof(q->k_text), "%d", q->k);

	if (!kanon_date_format(from, q->asked_from, sizeof(q->asked_from)) ||
	    !kanon_date_format(to, q->asked_to, sizeof(q->asked_to)) ||
	    !kanon_date_format(wfrom, q->from, sizeof(q->from)) ||
	    !kanon_date_format(wto, q->to, sizeof(q->to)) ||
	    !kanon_date_format(wto - 6, q->last_week, sizeof(q->last_week)))
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

int
report_allowed(struct ctx *c, const char *action, const char *name)
{
	char	reason[64];

	if (auth_is_admin(&c->me) || strcmp(c->me.role, "analyst") == 0)
		return (HTTP_STATUS_OK);
	/* Refused attempts are recorded too: who tried to read what. */
	(void)snprintf(reason, sizeof(reason), "refused: role %s", c->me.role);
	(void)audit_write(c, action, "report", name, reason);
	return (ctx_fail(c, 403, NULL, NULL,
	    "Reports are for analysts and admins."));
}

int
report_begin(struct ctx *c, const struct report_query *q,
    const char *action, const char *name, const char *extra)
{
	char	reason[256];

	(void)snprintf(reason, sizeof(reason), "from=%s to=%s format=%s "
	    "requested_from=%s requested_to=%s k=%d%s%s", q->from, q->to,
	    q->csv ? "csv" : "json", q->asked_from, q->asked_to, q->k,
	    extra ? " " : "", extra ? extra : "");
	/* The aggregates first, in a transaction of their own; then one
	 * snapshot for every query of the report, and the audit row commits
	 * with the reads or not at all. */
	if (db_query(c, SQL_REFRESH, 0, NULL) != 200 ||
	    db_begin(c) != 200 ||
	    db_query(c, SQL_REPEATABLE_READ, 0, NULL) != 200 ||
	    db_query(c, SQL_PLAN_SETTINGS, 0, NULL) != 200 ||
	    audit_write(c, action, "report", name, reason) != 200)
		return (c->status);
	return (HTTP_STATUS_OK);
}

json_t *
report_number(struct ctx *c, int row, int col)
{
	const char	*v = db_value(c, row, col);

	return (v == NULL ? json_null() : json_real(strtod(v, NULL)));
}

void
report_csv_cell(struct kore_buf *b, const json_t *v)
{
	char	 cell[512], *big;
	size_t	 n;

	if (v == NULL || json_is_null(v))
		return;
	if (json_is_true(v))
		kore_buf_append(b, "true", 4);
	else if (json_is_false(v))
		kore_buf_append(b, "false", 5);
	else if (json_is_integer(v))
		kore_buf_appendf(b, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		kore_buf_appendf(b, "%.15g", json_real_value(v));
	else if (json_is_string(v)) {
		/* Quoting and the formula guard: names are user input. */
		n = kanon_csv_cell(json_string_value(v), cell, sizeof(cell));
		if (n < sizeof(cell))
			kore_buf_append(b, cell, n);
		else {
			big = kore_malloc(n + 1);
			(void)kanon_csv_cell(json_string_value(v), big, n + 1);
			kore_buf_append(b, big, n);
			kore_free(big);
		}
	}
}

void
report_csv_header(struct kore_buf *b, const char *const *columns)
{
	size_t	i;

	kore_buf_appendf(b, "row_type");
	for (i = 0; columns[i] != NULL; i++)
		kore_buf_appendf(b, ",%s", columns[i]);
	kore_buf_appendf(b, ",note\r\n");
}

void
report_csv_row(struct kore_buf *b, const char *type, const json_t *obj,
    const char *const *columns, const char *note)
{
	json_t	*s;
	size_t	 i;

	kore_buf_appendf(b, "%s", type);
	for (i = 0; columns[i] != NULL; i++) {
		kore_buf_append(b, ",", 1);
		if (obj != NULL)
			report_csv_cell(b, json_object_get(obj, columns[i]));
	}
	kore_buf_append(b, ",", 1);
	if (note != NULL && (s = json_string(note)) != NULL) {
		report_csv_cell(b, s);
		json_decref(s);
	}
	kore_buf_append(b, "\r\n", 2);
}

void
report_csv_note(struct kore_buf *b, const struct report_query *q,
    const char *const *columns, const char *groups)
{
	char	note[256];

	(void)snprintf(note, sizeof(note), "range %s to %s (whole ISO weeks, "
	    "UTC; asked %s to %s); %s of fewer than %d people are folded "
	    "into other", q->from, q->to, q->asked_from, q->asked_to, groups,
	    q->k);
	report_csv_row(b, "note", NULL, columns, note);
}

int
report_send_csv(struct ctx *c, const struct report_query *q,
    const char *name, struct kore_buf *b)
{
	char	disposition[160];

	db_close(&c->db);
	(void)snprintf(disposition, sizeof(disposition),
	    "attachment; filename=\"parley-%s-%s-to-%s.csv\"", name, q->from,
	    q->to);
	reply_security_headers(c->req);
	http_response_header(c->req, "cache-control", "no-store");
	http_response_header(c->req, "content-type", "text/csv; charset=utf-8");
	http_response_header(c->req, "content-disposition", disposition);
	http_response(c->req, HTTP_STATUS_OK, b->data, b->offset);
	reply_access_log(c->req, c->started_ms, HTTP_STATUS_OK, c->me.id);
	kore_buf_free(b);
	json_decref(c->in);
	json_decref(c->out);
	c->in = c->out = NULL;
	return (KORE_RESULT_OK);
}

/* ---- the collaboration report ----------------------------------------- */

/* The figures of row i; the derived ones masked by their own people. */
static json_t *
collab_figures(struct ctx *c, int i, int k)
{
	json_t	*f;

	f = json_pack("{s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:o, s:I}",
	    "active_people", (json_int_t)db_int(c, i, C_PEOPLE),
	    "posts", (json_int_t)db_int(c, i, C_POSTS),
	    "replies", (json_int_t)db_int(c, i, C_REPLIES),
	    "conversations", (json_int_t)db_int(c, i, C_CONVERSATIONS),
	    "dialogue_depth", kanon_enough(db_int(c, i, C_STARTERS), k) ?
	    report_number(c, i, C_DEPTH) : json_null(),
	    "questions", (json_int_t)db_int(c, i, C_QUESTIONS),
	    "answer_rate", kanon_enough(db_int(c, i, C_ASKERS), k) ?
	    report_number(c, i, C_ANSWER_RATE) : json_null(),
	    "median_minutes_to_first_answer",
	    kanon_enough(db_int(c, i, C_ASKERS), k) ?
	    report_number(c, i, C_MEDIAN) : json_null(),
	    "cross_department_interactions",
	    (json_int_t)db_int(c, i, C_CROSSING));
	return (f);
}

static int
collab_report(struct ctx *c, const struct report_query *q)
{
	struct kanon_group	*g = NULL;
	const char		*p[4];
	json_t			*groups = NULL, *other = NULL, *totals = NULL;
	json_t			*f;
	size_t			 folded;
	int			 i, n, shown = 0;

	p[0] = q->from;
	p[1] = q->last_week;
	p[2] = q->k_text;
	p[3] = q->by_week ? "week" : "department";
	if (report_begin(c, q, "report.collaboration", "collaboration",
	    q->by_week ? "group_by=week" : "group_by=department") != 200 ||
	    db_query(c, SQL_COLLAB, 4, p) != 200)
		goto out;
	/* The groups, by key, then the totals row (always there). */
	if ((n = db_rows(c) - 1) < 0 || !db_bool(c, n, C_TOTAL) ||
	    (groups = json_array()) == NULL ||
	    (totals = collab_figures(c, n, q->k)) == NULL)
		goto fail;
	g = kore_calloc(n > 0 ? (size_t)n : 1, sizeof(*g));
	for (i = 0; i < n; i++)
		g[i].people = db_int(c, i, C_PEOPLE);
	folded = kanon_fold(g, (size_t)n, q->k);
	for (i = 0; i < n; i++) {
		if (!g[i].shown)
			continue;	/* none of its figures leaves here */
		shown++;
		if ((f = collab_figures(c, i, q->k)) == NULL ||
		    json_object_set_new(f, "group",
		    json_string(db_value(c, i, C_GROUP))) != 0 ||
		    json_object_set_new(f, "label",
		    json_string(db_value(c, i, C_LABEL))) != 0 ||
		    json_object_set_new(f, "suppressed", json_false()) != 0 ||
		    json_array_append_new(groups, f) != 0)
			goto fail;
	}
	if (json_object_set_new(totals, "groups", json_integer(shown)) != 0 ||
	    (other = kanon_other(folded, FIGURE_KEYS)) == NULL)
		goto fail;
	if (db_commit(c) != 200)
		goto out;
	c->out = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:i, s:O, "
	    "s:O, s:O}",
	    "report", "collaboration",
	    "group_by", q->by_week ? "week" : "department",
	    "from", q->from, "to", q->to,
	    "requested", "from", q->asked_from, "to", q->asked_to,
	    "k", q->k, "groups", groups, "other", other, "totals", totals);
	if (c->out == NULL)
		goto fail;
	goto out;
fail:
	ctx_fail(c, 500, NULL, NULL, NULL);
out:
	kore_free(g);
	json_decref(groups);
	json_decref(other);
	json_decref(totals);
	return (c->status);
}

static const char *const CSV_COLUMNS[] = { "group", "label", "suppressed",
    "groups", "active_people", "posts", "replies", "conversations",
    "dialogue_depth", "questions", "answer_rate",
    "median_minutes_to_first_answer", "cross_department_interactions",
    NULL };

static struct kore_buf *
collab_csv(const struct report_query *q, json_t *report)
{
	struct kore_buf	*b;
	json_t		*g;
	size_t		 i;

	b = kore_buf_alloc(4096);
	report_csv_header(b, CSV_COLUMNS);
	json_array_foreach(json_object_get(report, "groups"), i, g)
		report_csv_row(b, "group", g, CSV_COLUMNS, NULL);
	report_csv_row(b, "other", json_object_get(report, "other"),
	    CSV_COLUMNS, NULL);
	report_csv_row(b, "totals", json_object_get(report, "totals"),
	    CSV_COLUMNS, NULL);
	report_csv_note(b, q, CSV_COLUMNS, q->by_week ?
	    "weeks (and department-weeks)" : "departments (and "
	    "department-weeks)");
	return (b);
}

/* GET /api/v1/reports/collaboration: analysts and admins. */
int
api_report_collaboration(struct http_request *req)
{
	struct ctx		c;
	struct report_query	q;
	char			by[16];
	int			r;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    report_allowed(&c, "report.collaboration.denied",
	    "collaboration") != 200 ||
	    report_params(&c, &q) != 200)
		return (ctx_finish(&c));
	r = query_param(req, "group_by", by, sizeof(by));
	if (r < 0 || (r == 1 && strcmp(by, "department") != 0 &&
	    strcmp(by, "week") != 0)) {
		ctx_fail(&c, 422, NULL, "group_by",
		    "group_by is department or week.");
		return (ctx_finish(&c));
	}
	q.by_week = (r == 1 && strcmp(by, "week") == 0);
	if (collab_report(&c, &q) != 200)
		return (ctx_finish(&c));
	if (q.csv)
		return (report_send_csv(&c, &q, "collaboration",
		    collab_csv(&q, c.out)));
	return (ctx_finish(&c));
}
