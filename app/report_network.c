/*
 * The network report (issue 6): who works with whom across departments,
 * for analysts and admins, as JSON or CSV. A department x department matrix
 * of interactions (replies, answers, mentions, likes, endorsements and
 * customer-link collaboration, all defined in sql/0015_reports.sql), each
 * department's E-I index, and the departments that bridge others most
 * (betweenness centrality), both computed by app/graph.c.
 *
 * Privacy (app/kanon.c rules, and app/report_collab.c for what is shared):
 * a cell is a from-department, a to-department and one ISO week; a cell
 * week contributes only when at least k distinct people acted in it and at
 * least k distinct people were on its receiving end, so no figure, over any
 * range, rests on fewer than k people on either side, and two overlapping
 * ranges differ by whole such cell weeks. A department appears by name
 * only when it has a shown cell: one of fewer than k people never does.
 * The E-I index and betweenness are computed from the shown cells only, so
 * they cannot be turned back into a masked cell. People who opted out of
 * analytics are not in the rollups at all.
 *
 * GET /api/v1/reports/network?from=YYYY-MM-DD&to=YYYY-MM-DD&format=json|csv
 *   (parameters and errors as for the collaboration report)
 *
 * JSON answer (stable; the report page reads it):
 * {
 *   "report": "network", "from", "to", "requested": {"from", "to"}, "k",
 *   "kinds": ["replies", "answers", "mentions", "likes", "endorsements",
 *             "customer"],
 *   "departments": [Department],       every department with a shown cell,
 *                                      by name; the matrix's order
 *   "matrix": [[total or null]],       rows from, columns to, in that order;
 *                                      null: no shown cell (masked or none)
 *   "cells": [Cell],                   the shown cells, by from then to
 *   "bridges": [{"department", "label", "betweenness"}],  the highest
 *                                      betweenness first, at most 5, > 0
 *   "other": {"suppressed": true, "departments": n not shown,
 *             "cells": n department pairs with no shown week},
 *   "method": {"ei_index", "betweenness"}   one sentence each
 * }
 * Department = {"department": name ("" for none), "label", "internal",
 *   "external", "ei_index" (-1..1, null without ties), "betweenness" (0..1)}
 * Cell = {"from", "to", "from_label", "to_label", "replies", "answers",
 *   "mentions", "likes", "endorsements", "customer", "total"}
 *
 * CSV answer: text/csv, a header row, one "department" row per
 * department, one "cell" row per shown cell, the "other" row and a "note".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parley.h"

#define BRIDGES_MAX	5

static const char EI_METHOD[] =
    "Krackhardt and Stern's E-I index: (external - internal) / (external + "
    "internal) interactions of the department's people, both directions, "
    "over the shown cells; -1 is a silo, 1 only outward.";
static const char BETWEENNESS_METHOD[] =
    "Betweenness centrality on the undirected, weighted department graph "
    "of the shown cells (a tie's strength is its interactions both ways, "
    "its length 1 / strength), normalised to 0..1: the share of shortest "
    "paths between other departments that pass through this one.";

/*
 * $1, $2 the Mondays of the first and last week, $3 k. One row per
 * department pair with any tie in the range: whether any of its weeks is
 * shown, and the sums over its shown weeks.
 */
static const char SQL_NETWORK[] =
    "WITH c AS ("
    "  SELECT *, actors >= $3::int AND targets >= $3::int AS ok"
    "  FROM report_cells WHERE week BETWEEN $1::date AND $2::date) "
    "SELECT from_department, to_department, bool_or(ok),"
    "  coalesce(sum(replies) FILTER (WHERE ok), 0),"
    "  coalesce(sum(answers) FILTER (WHERE ok), 0),"
    "  coalesce(sum(mentions) FILTER (WHERE ok), 0),"
    "  coalesce(sum(likes) FILTER (WHERE ok), 0),"
    "  coalesce(sum(endorsements) FILTER (WHERE ok), 0),"
    "  coalesce(sum(customer) FILTER (WHERE ok), 0) "
    "FROM c GROUP BY 1, 2 ORDER BY 1, 2";

enum { N_FROM, N_TO, N_SHOWN, N_KINDS };
static const char *const KINDS[] = { "replies", "answers", "mentions",
    "likes", "endorsements", "customer", NULL };
#define NKINDS	6

/* The departments of the shown cells, sorted, and their matrix. */
struct network {
	char		**names;	/* pointers into the result */
	size_t		  n;
	double		 *m;		/* n x n totals */
};

static const char *
label(const char *department)
{
	return (department[0] == '\0' ? "(none)" : department);
}

static int
cmp_names(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

static ssize_t
department_index(const struct network *g, const char *name)
{
	char	**hit;

	hit = bsearch(&name, g->names, g->n, sizeof(*g->names), cmp_names);
	return (hit == NULL ? -1 : hit - g->names);
}

/* Collects the departments of the shown cells; counts the others. */
static void
network_departments(struct ctx *c, struct network *g, size_t *hidden)
{
	char	**all;
	size_t	  i, n = 0, nall = 0, rows = (size_t)db_rows(c);

	g->names = kore_calloc(rows * 2 + 1, sizeof(*g->names));
	all = kore_calloc(rows * 2 + 1, sizeof(*all));
	for (i = 0; i < rows; i++) {
		all[nall++] = (char *)db_value(c, (int)i, N_FROM);
		all[nall++] = (char *)db_value(c, (int)i, N_TO);
		if (!db_bool(c, (int)i, N_SHOWN))
			continue;
		g->names[n++] = (char *)db_value(c, (int)i, N_FROM);
		g->names[n++] = (char *)db_value(c, (int)i, N_TO);
	}
	qsort(g->names, n, sizeof(*g->names), cmp_names);
	qsort(all, nall, sizeof(*all), cmp_names);
	g->n = 0;
	for (i = 0; i < n; i++)
		if (g->n == 0 || strcmp(g->names[g->n - 1], g->names[i]) != 0)
			g->names[g->n++] = g->names[i];
	*hidden = 0;
	for (i = 0; i < nall; i++)
		if ((i == 0 || strcmp(all[i - 1], all[i]) != 0) &&
		    department_index(g, all[i]) < 0)
			(*hidden)++;
	kore_free(all);
}

/* The shown cells as JSON, and their totals into the matrix. */
static json_t *
network_cells(struct ctx *c, struct network *g, size_t *suppressed)
{
	json_t		*cells, *cell;
	const char	*from, *to;
	json_int_t	 v, total;
	int		 i, k;

	*suppressed = 0;
	if ((cells = json_array()) == NULL)
		return (NULL);
	for (i = 0; i < db_rows(c); i++) {
		if (!db_bool(c, i, N_SHOWN)) {
			(*suppressed)++;
			continue;
		}
		from = db_value(c, i, N_FROM);
		to = db_value(c, i, N_TO);
		cell = json_pack("{s:s, s:s, s:s, s:s}", "from", from,
		    "to", to, "from_label", label(from), "to_label", label(to));
		if (cell == NULL || json_array_append_new(cells, cell) != 0)
			goto fail;
		total = 0;
		for (k = 0; k < NKINDS; k++) {
			v = (json_int_t)db_int(c, i, N_KINDS + k);
			total += v;
			if (json_object_set_new(cell, KINDS[k],
			    json_integer(v)) != 0)
				goto fail;
		}
		if (json_object_set_new(cell, "total", json_integer(total)) != 0)
			goto fail;
		g->m[department_index(g, from) * g->n +
		    department_index(g, to)] = (double)total;
	}
	return (cells);
fail:
	json_decref(cells);
	return (NULL);
}

static int
cmp_bridge(const void *a, const void *b)
{
	double	x = json_real_value(json_object_get(*(json_t *const *)a,
		    "betweenness"));
	double	y = json_real_value(json_object_get(*(json_t *const *)b,
		    "betweenness"));

	return (x < y ? 1 : x > y ? -1 : 0);
}

/* Departments with E-I and betweenness, the dense matrix, the bridges. */
static int
network_measures(const struct network *g, json_t **departments,
    json_t **matrix, json_t **bridges)
{
	struct graph_ei	 ei;
	double		*between;
	json_t		*d, *row, **order = NULL;
	size_t		 i, j;
	int		 ret = -1;

	between = kore_calloc(g->n + 1, sizeof(*between));
	if (graph_betweenness(g->m, g->n, between) != 0 ||
	    (*departments = json_array()) == NULL ||
	    (*matrix = json_array()) == NULL ||
	    (*bridges = json_array()) == NULL)
		goto out;
	order = kore_calloc(g->n + 1, sizeof(*order));
	for (i = 0; i < g->n; i++) {
		if (graph_ei(g->m, g->n, i, &ei) != 0)
			goto out;
		d = json_pack("{s:s, s:s, s:I, s:I, s:o, s:f}",
		    "department", g->names[i], "label", label(g->names[i]),
		    "internal", (json_int_t)ei.internal,
		    "external", (json_int_t)ei.external,
		    "ei_index", ei.defined ? json_real(ei.index) : json_null(),
		    "betweenness", between[i]);
		if (d == NULL || json_array_append_new(*departments, d) != 0 ||
		    (row = json_array()) == NULL ||
		    json_array_append_new(*matrix, row) != 0)
			goto out;
		order[i] = d;
		for (j = 0; j < g->n; j++)
			if (json_array_append_new(row, g->m[i * g->n + j] > 0 ?
			    json_integer((json_int_t)g->m[i * g->n + j]) :
			    json_null()) != 0)
				goto out;
	}
	qsort(order, g->n, sizeof(*order), cmp_bridge);
	for (i = 0; i < g->n && i < BRIDGES_MAX; i++) {
		if (!(json_real_value(json_object_get(order[i],
		    "betweenness")) > 0))
			break;
		if (json_array_append_new(*bridges, json_pack("{s:O, s:O, s:O}",
		    "department", json_object_get(order[i], "department"),
		    "label", json_object_get(order[i], "label"),
		    "betweenness", json_object_get(order[i], "betweenness")))
		    != 0)
			goto out;
	}
	ret = 0;
out:
	kore_free(order);
	kore_free(between);
	return (ret);
}

static int
network_report(struct ctx *c, const struct report_query *q)
{
	struct network	 g;
	const char	*p[3] = { q->from, q->last_week, q->k_text };
	json_t		*cells = NULL, *departments = NULL, *matrix = NULL;
	json_t		*bridges = NULL;
	size_t		 hidden, suppressed;

	memset(&g, 0, sizeof(g));
	if (report_begin(c, q, "report.network", "network", NULL) != 200 ||
	    db_query(c, SQL_NETWORK, 3, p) != 200)
		goto out;
	network_departments(c, &g, &hidden);
	if (g.n > GRAPH_MAX_NODES) {
		ctx_fail(c, 422, NULL, "from", "Too many departments for one "
		    "network report; choose a shorter range.");
		goto out;
	}
	g.m = kore_calloc(g.n * g.n + 1, sizeof(*g.m));
	if ((cells = network_cells(c, &g, &suppressed)) == NULL ||
	    network_measures(&g, &departments, &matrix, &bridges) != 0)
		goto fail;
	c->out = json_pack("{s:s, s:s, s:s, s:{s:s, s:s}, s:i, "
	    "s:[s, s, s, s, s, s], s:O, s:O, s:O, s:O, "
	    "s:{s:b, s:I, s:I}, s:{s:s, s:s}}",
	    "report", "network", "from", q->from, "to", q->to,
	    "requested", "from", q->asked_from, "to", q->asked_to, "k", q->k,
	    "kinds", KINDS[0], KINDS[1], KINDS[2], KINDS[3], KINDS[4],
	    KINDS[5],
	    "departments", departments, "matrix", matrix, "cells", cells,
	    "bridges", bridges,
	    "other", "suppressed", 1, "departments", (json_int_t)hidden,
	    "cells", (json_int_t)suppressed,
	    "method", "ei_index", EI_METHOD, "betweenness",
	    BETWEENNESS_METHOD);
	if (c->out == NULL)
		goto fail;
	/* The result is read; commit the audit row with it. */
	if (db_commit(c) != 200) {
		json_decref(c->out);
		c->out = NULL;
	}
	goto out;
fail:
	ctx_fail(c, 500, NULL, NULL, NULL);
out:
	kore_free(g.names);
	kore_free(g.m);
	json_decref(cells);
	json_decref(departments);
	json_decref(matrix);
	json_decref(bridges);
	return (c->status);
}

static const char *const CSV_COLUMNS[] = { "department", "label",
    "internal", "external", "ei_index", "betweenness", "from", "to",
    "from_label", "to_label", "replies", "answers", "mentions", "likes",
    "endorsements", "customer", "total", "departments", "cells", NULL };

static struct kore_buf *
network_csv(const struct report_query *q, json_t *report)
{
	struct kore_buf	*b;
	json_t		*v;
	size_t		 i;

	b = kore_buf_alloc(4096);
	report_csv_header(b, CSV_COLUMNS);
	json_array_foreach(json_object_get(report, "departments"), i, v)
		report_csv_row(b, "department", v, CSV_COLUMNS, NULL);
	json_array_foreach(json_object_get(report, "cells"), i, v)
		report_csv_row(b, "cell", v, CSV_COLUMNS, NULL);
	report_csv_row(b, "other", json_object_get(report, "other"),
	    CSV_COLUMNS, NULL);
	report_csv_note(b, q, CSV_COLUMNS, "department-pair weeks");
	return (b);
}

/* GET /api/v1/reports/network: analysts and admins. */
int
api_report_network(struct http_request *req)
{
	struct ctx		c;
	struct report_query	q;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") != 200 ||
	    report_allowed(&c, "report.network.denied", "network") != 200 ||
	    report_params(&c, &q) != 200 ||
	    network_report(&c, &q) != 200)
		return (ctx_finish(&c));
	if (q.csv)
		return (report_send_csv(&c, &q, "network",
		    network_csv(&q, c.out)));
	return (ctx_finish(&c));
}
