/*
 * The moderation audit page and the moderation figures. Every action is a
 * line of the append-only audit log (written by moderation_apply() in
 * sql/0014_moderation.sql); admins read the whole log, every admin action
 * included, and moderators the moderation actions in their scope.
 *
 *   GET /api/v1/moderation/audit?limit=&cursor= -> {"items": [Entry],
 *     "next_cursor"}, newest first (keyset on time and id).
 *   Entry = {"id", "actor": UserRef|null, "action" (e.g. "moderation.hide",
 *     "moderation.policy", "admin.user.update"), "target": {"type", "id"
 *     (an integer when the target has a numeric id, else text)},
 *     "reason", "created_at"}
 *
 *   GET /api/v1/moderation/stats (admins) -> {"items": [Figures],
 *     "overall": Figures}; Figures = {"community": {"slug", "name"}|null
 *     (null: community-less content, bookmarks and posts outside
 *     communities, which global moderators handle), "open_flags",
 *     "resolved_flags", "open_cases", "resolved_cases",
 *     "median_minutes_to_first_action", "p90_minutes_to_first_action"
 *     (null while nothing was resolved)}. A case's time to first action
 *     runs from the first flag on a target to the moderator action that
 *     resolved it; later actions (a restore after a hide) do not count.
 */
#include <stdlib.h>
#include <string.h>

#include "parley.h"

/* $1/$2 the keyset, $3 limit + 1, $4 the moderator (community variant). */
#define ENTRY_COLUMNS \
    "a.id, a.action, a.target_type, a.target_id, a.reason, " \
    "api_time(a.created_at), u.id, u.handle, u.display_name, u.title, " \
    "u.department, (extract(epoch FROM a.created_at) * 1000000)::bigint "
#define BEFORE(t, id) \
    "(" t ", " id ") < (timestamptz 'epoch' + $1::bigint * " \
    "interval '1 microsecond', $2::bigint) "
static const char SQL_AUDIT_ALL[] =
    "SELECT " ENTRY_COLUMNS "FROM audit_log a "
    "LEFT JOIN users u ON u.id = a.actor_id "
    "WHERE " BEFORE("a.created_at", "a.id")
    "ORDER BY a.created_at DESC, a.id DESC LIMIT $3";
#define MODERATION_ENTRIES(SCOPE) \
    "SELECT " ENTRY_COLUMNS "FROM (SELECT m.audit_id " \
    "  FROM moderation_actions m WHERE " SCOPE \
    BEFORE("m.created_at", "m.audit_id") \
    "  ORDER BY m.created_at DESC, m.audit_id DESC LIMIT $3) page " \
    "JOIN audit_log a ON a.id = page.audit_id " \
    "LEFT JOIN users u ON u.id = a.actor_id " \
    "ORDER BY a.created_at DESC, a.id DESC"
static const char SQL_AUDIT_MODERATION[] = MODERATION_ENTRIES("");
static const char SQL_AUDIT_MINE[] = MODERATION_ENTRIES(
    "m.community_id IN (SELECT community_id FROM community_members "
    "WHERE user_id = $4 AND role = 'manager' AND status = 'active') AND ");

/* Per community (NULL: none), then all together (the last row, whose
 * "grouping" is 1). Every flag belongs to a case of its community, so the
 * cases' groups hold every flag's. */
static const char SQL_STATS[] =
    "WITH f AS (SELECT community_id, "
    "  count(*) FILTER (WHERE status = 'open') AS open_flags, "
    "  count(*) FILTER (WHERE status = 'resolved') AS resolved_flags "
    "  FROM moderation_flags GROUP BY community_id), "
    "k AS (SELECT community_id, "
    "  extract(epoch FROM resolved_at - opened_at) / 60 AS minutes, "
    "  status FROM moderation_cases), "
    "g AS (SELECT community_id, grouping(community_id) AS overall, "
    "  count(*) FILTER (WHERE status = 'open') AS open_cases, "
    "  count(*) FILTER (WHERE status = 'resolved') AS resolved_cases, "
    "  percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) "
    "    FILTER (WHERE status = 'resolved') AS median, "
    "  percentile_cont(0.9) WITHIN GROUP (ORDER BY minutes) "
    "    FILTER (WHERE status = 'resolved') AS p90 "
    "  FROM k GROUP BY ROLLUP (community_id)) "
    "SELECT g.overall, c.slug, c.name, "
    "CASE WHEN g.overall = 1 THEN (SELECT sum(open_flags) FROM f) "
    "  ELSE coalesce(f.open_flags, 0) END, "
    "CASE WHEN g.overall = 1 THEN (SELECT sum(resolved_flags) FROM f) "
    "  ELSE coalesce(f.resolved_flags, 0) END, "
    "g.open_cases, g.resolved_cases, "
    "round(g.median::numeric, 2), round(g.p90::numeric, 2) "
    "FROM g LEFT JOIN communities c ON c.id = g.community_id "
    "LEFT JOIN f ON g.overall = 0 "
    "  AND f.community_id IS NOT DISTINCT FROM g.community_id "
    "ORDER BY g.overall, g.community_id IS NOT NULL, c.slug";

static json_t *
entry_json(struct ctx *c, int row)
{
	int64_t	 id;
	json_t	*target;

	if (parse_id(db_value(c, row, 3), &id))
		target = json_pack("{s:s, s:I}", "type", db_value(c, row, 2),
		    "id", (json_int_t)id);
	else
		target = json_pack("{s:s, s:s}", "type", db_value(c, row, 2),
		    "id", db_value(c, row, 3));
	return (json_pack("{s:I, s:o, s:s, s:o, s:s, s:s}",
	    "id", (json_int_t)db_int(c, row, 0),
	    "actor", userref_json(c, row, 6),
	    "action", db_value(c, row, 1),
	    "target", target,
	    "reason", db_value(c, row, 4),
	    "created_at", db_value(c, row, 5)));
}

static int
audit_list(struct ctx *c)
{
	struct modscope	 s;
	char		 at[24], before[24], lim[24];
	const char	*p[4] = { at, before, lim, NULL }, *sql;
	json_t		*items, *e;
	int64_t		 at_us, id;
	long		 limit;
	int		 i, rows, has_cursor;

	if (moderation_scope(c, &s) != 200 ||
	    page_params(c, &limit, &has_cursor, &at_us, &id) != 200)
		return (c->status);
	if (!has_cursor) {
		at_us = INT64_C(253402300799000000);
		id = INT64_MAX;
	}
	(void)snprintf(at, sizeof(at), "%lld", (long long)at_us);
	(void)snprintf(before, sizeof(before), "%lld", (long long)id);
	(void)snprintf(lim, sizeof(lim), "%ld", limit + 1);
	p[3] = s.me;
	if (s.admin)
		sql = SQL_AUDIT_ALL;
	else
		sql = s.global ? SQL_AUDIT_MODERATION : SQL_AUDIT_MINE;
	if (db_query(c, sql, s.global ? 3 : 4, p) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	rows = db_rows(c);
	for (i = 0; i < rows && i < limit; i++) {
		if ((e = entry_json(c, i)) == NULL ||
		    json_array_append_new(items, e) != 0) {
			json_decref(items);
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		}
	}
	return (reply_keyset_page(c, items, rows > limit,
	    db_int(c, (int)limit - 1, 11), db_int(c, (int)limit - 1, 0)));
}

int
api_moderation_audit(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200)
		(void)audit_list(&c);
	return (ctx_finish(&c));
}

static json_t *
number_or_null(struct ctx *c, int row, int col)
{
	return (db_isnull(c, row, col) ? json_null() :
	    json_real(strtod(db_value(c, row, col), NULL)));
}

static json_t *
figures_json(struct ctx *c, int row)
{
	json_t	*community;

	if (db_isnull(c, row, 1))
		community = json_null();
	else
		community = json_pack("{s:s, s:s}", "slug", db_value(c, row, 1),
		    "name", db_value(c, row, 2));
	return (json_pack("{s:o, s:I, s:I, s:I, s:I, s:o, s:o}",
	    "community", community,
	    "open_flags", (json_int_t)db_int(c, row, 3),
	    "resolved_flags", (json_int_t)db_int(c, row, 4),
	    "open_cases", (json_int_t)db_int(c, row, 5),
	    "resolved_cases", (json_int_t)db_int(c, row, 6),
	    "median_minutes_to_first_action", number_or_null(c, row, 7),
	    "p90_minutes_to_first_action", number_or_null(c, row, 8)));
}

static int
stats_report(struct ctx *c)
{
	json_t	*items, *overall = NULL, *f;
	int	 i;

	if (!auth_is_admin(&c->me))
		return (ctx_fail(c, 403, NULL, NULL,
		    "Only admins read the moderation figures."));
	if (db_query(c, SQL_STATS, 0, NULL) != 200)
		return (c->status);
	if ((items = json_array()) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	for (i = 0; i < db_rows(c); i++) {
		if ((f = figures_json(c, i)) == NULL) {
			json_decref(items);
			json_decref(overall);
			return (ctx_fail(c, 500, NULL, NULL, NULL));
		}
		if (db_int(c, i, 0) == 1) {
			json_object_del(f, "community");
			json_decref(overall);
			overall = f;
		} else
			json_array_append_new(items, f);
	}
	if (overall == NULL)
		overall = json_pack("{s:i, s:i, s:i, s:i, s:n, s:n}",
		    "open_flags", 0, "resolved_flags", 0, "open_cases", 0,
		    "resolved_cases", 0, "median_minutes_to_first_action",
		    "p90_minutes_to_first_action");
	if ((c->out = json_pack("{s:o, s:o}", "items", items,
	    "overall", overall)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

int
api_moderation_stats(struct http_request *req)
{
	struct ctx	c;

	if (ctx_begin(&c, req, HTTP_METHOD_GET, "GET") == 200)
		(void)stats_report(&c);
	return (ctx_finish(&c));
}
