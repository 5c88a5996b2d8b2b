-- 0017: search and the expert finder without per-request rebuilding.
--
-- People search: GET /api/v1/search matched people on their profile
-- (users.search) and their listed skills (user_skills), but built each
-- candidate's skills vector at request time: a query whose words are in
-- thousands of profiles rebuilt thousands of tsvectors (238 ms at 100k
-- people). The skills vector is now stored on the person
-- (users.skills_search, kept by statement-level triggers on user_skills)
-- and people are found by one GIN index over profile || skills, the very
-- vector the search ranks. Same value as before: the skills in position
-- order, one text, weight A, appended after the profile's vector.

ALTER TABLE users ADD COLUMN skills_search tsvector NOT NULL DEFAULT '';

CREATE FUNCTION user_skills_vector(p_user bigint) RETURNS tsvector
LANGUAGE sql STABLE AS $$
  SELECT coalesce(setweight(to_tsvector('english',
           search_plain(string_agg(s.skill, ' ' ORDER BY s.position))), 'A'), '')
    FROM user_skills s WHERE s.user_id = p_user
$$;

-- One UPDATE per statement for the people it touched (an import or a
-- profile save writes many skills at once). ENABLE ALWAYS: bulk loads that
-- run with session_replication_role = replica (bench/gen_company.sql) keep
-- the column right too.
CREATE FUNCTION user_skills_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    UPDATE users u SET skills_search = user_skills_vector(u.id)
     WHERE u.id IN (SELECT DISTINCT n.user_id FROM new_rows n)
       AND u.skills_search IS DISTINCT FROM user_skills_vector(u.id);
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE users u SET skills_search = user_skills_vector(u.id)
     WHERE u.id IN (SELECT DISTINCT o.user_id FROM old_rows o)
       AND u.skills_search IS DISTINCT FROM user_skills_vector(u.id);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER user_skills_refresh_ins AFTER INSERT ON user_skills
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION user_skills_refresh();
CREATE TRIGGER user_skills_refresh_upd AFTER UPDATE ON user_skills
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION user_skills_refresh();
CREATE TRIGGER user_skills_refresh_del AFTER DELETE ON user_skills
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION user_skills_refresh();
ALTER TABLE user_skills ENABLE ALWAYS TRIGGER user_skills_refresh_ins;
ALTER TABLE user_skills ENABLE ALWAYS TRIGGER user_skills_refresh_upd;
ALTER TABLE user_skills ENABLE ALWAYS TRIGGER user_skills_refresh_del;

-- Backfill, set-based.
UPDATE users u SET skills_search = v.v
  FROM (SELECT s.user_id, setweight(to_tsvector('english',
               search_plain(string_agg(s.skill, ' ' ORDER BY s.position))), 'A') AS v
          FROM user_skills s GROUP BY s.user_id) v
 WHERE v.user_id = u.id;

-- What search.c matches and ranks people on.
CREATE INDEX users_people_search_idx ON users USING gin ((search || skills_search));
ANALYZE users;
