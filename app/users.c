/*
 * The User and UserRef representations every domain renders, and the audit
 * log writer. One query loads a whole User: profile, manager, skills with
 * endorsement counts, and follow counts.
 */
#include <string.h>

#include "parley.h"

const char SQL_USER_BY_ID[] =
    "SELECT " USER_COLUMNS
    "FROM users u LEFT JOIN users m ON m.id = u.manager_id WHERE u.id = $1";

const char SQL_USER_BY_HANDLE[] =
    "SELECT " USER_COLUMNS
    "FROM users u LEFT JOIN users m ON m.id = u.manager_id "
    "WHERE lower(u.handle) = lower($1)";

static const char SQL_AUDIT[] =
    "INSERT INTO audit_log (actor_id, action, target_type, target_id, reason) "
    "VALUES ($1, $2, $3, $4, $5)";

/* UserRef from five consecutive columns: id, handle, display_name, title,
 * department. NULL id renders JSON null. */
json_t *
userref_json(struct ctx *c, int row, int col)
{
	if (db_isnull(c, row, col))
		return (json_null());
	return (json_pack("{s:I, s:s, s:s, s:s, s:s}",
	    "id", (json_int_t)db_int(c, row, col),
	    "handle", db_value(c, row, col + 1),
	    "display_name", db_value(c, row, col + 2),
	    "title", db_value(c, row, col + 3),
	    "department", db_value(c, row, col + 4)));
}

json_t *
user_json(struct ctx *c, int row, int with_email)
{
	json_t		*u, *skills;
	json_error_t	 jerr;

	if ((u = userref_json(c, row, 0)) == NULL)
		return (NULL);
	skills = json_loads(db_value(c, row, 18), 0, &jerr);
	if (skills == NULL) {
		json_decref(u);
		return (NULL);
	}
	json_object_set_new(u, "location", json_string(db_value(c, row, 5)));
	json_object_set_new(u, "bio", json_string(db_value(c, row, 6)));
	json_object_set_new(u, "skills", skills);
	json_object_set_new(u, "manager", userref_json(c, row, 11));
	json_object_set_new(u, "role", json_string(db_value(c, row, 7)));
	json_object_set_new(u, "status", json_string(db_value(c, row, 8)));
	json_object_set_new(u, "followers", json_integer(db_int(c, row, 16)));
	json_object_set_new(u, "following", json_integer(db_int(c, row, 17)));
	json_object_set_new(u, "created_at",
	    json_string(db_value(c, row, 10)));
	if (with_email)
		json_object_set_new(u, "email",
		    json_string(db_value(c, row, 9)));
	return (u);
}

int
user_load(struct ctx *c, int64_t id, int with_email, json_t **out)
{
	char		 idbuf[24];
	const char	*params[1] = { idbuf };
	int		 status;

	*out = NULL;
	(void)snprintf(idbuf, sizeof(idbuf), "%lld", (long long)id);
	if ((status = db_query(c, SQL_USER_BY_ID, 1, params)) != HTTP_STATUS_OK)
		return (status);
	if (db_rows(c) != 1)
		return (ctx_fail(c, 404, NULL, NULL, NULL));
	if ((*out = user_json(c, 0, with_email)) == NULL)
		return (ctx_fail(c, 500, NULL, NULL, NULL));
	return (HTTP_STATUS_OK);
}

int
audit_write(struct ctx *c, const char *action, const char *target_type,
    const char *target_id, const char *reason)
{
	char		 actor[24];
	const char	*params[5];

	(void)snprintf(actor, sizeof(actor), "%lld", (long long)c->me.id);
	params[0] = c->me.id > 0 ? actor : NULL;
	params[1] = action;
	params[2] = target_type;
	params[3] = target_id;
	params[4] = reason ? reason : "";
	return (db_query(c, SQL_AUDIT, 5, params));
}
