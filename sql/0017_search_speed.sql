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

-- The expert finder (same model and results as 0008's experts(); see
-- there). Two costs went:
-- * Planning. As a SQL function it was inlined into each caller's query
--   and planned afresh on every request (custom plans: ~4 ms a call, 12 ms
--   on a new connection, a fifth of the time). As plpgsql its one query is
--   prepared once per connection, and plan_cache_mode = force_generic_plan
--   keeps that plan: the topic's words reach every scan through the
--   materialised q CTE, so a custom plan knew no more than the generic one
--   (measured: generic 36 ms, custom 41 ms, at SCALE=1).
-- * Assembling. The candidates (ans, pst, bks, sk: thousands when the topic
--   is a common skill) were united, looked up in users one by one for their
--   status and joined four times; now their rows are appended and grouped
--   once, sorted, and only the best few are checked for being active (same
--   order, same ties). A bookmark's "others" count stops at 8, all that
--   min(others, 8) reads.
CREATE OR REPLACE FUNCTION experts(p_topic text, p_viewer bigint, p_limit integer)
RETURNS TABLE (user_id bigint, score double precision, accepted_answers bigint,
               answers bigint, answer_score bigint, posts bigint, bookmarks bigint,
               skill_declared boolean, endorsements bigint, skill text)
LANGUAGE plpgsql STABLE SET plan_cache_mode = force_generic_plan AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH q AS MATERIALIZED (
    SELECT x.q, now() AS at,
           ts_rank(setweight(to_tsvector('english', search_plain(p_topic)), 'A'), x.q) AS ideal_a,
           ts_rank(setweight(to_tsvector('english', search_plain(p_topic)), 'B'), x.q) AS ideal_b
      FROM (SELECT search_any(p_topic) AS q) x
  ),
  seen AS MATERIALIZED (
    SELECT c.id FROM communities c
     WHERE p_viewer IS NULL OR c.visibility = 'open'
        OR EXISTS (SELECT 1 FROM community_members cm
                    WHERE cm.community_id = c.id AND cm.user_id = p_viewer
                      AND cm.status = 'active')
  ),
  -- Nominated questions: up to 150 per nominating word, ranked on all words.
  qc AS MATERIALIZED (
    SELECT DISTINCT c.id
      FROM search_nominators('questions', p_topic, 150) AS w CROSS JOIN LATERAL (
        SELECT x.id FROM questions x
         WHERE x.search @@ w AND x.deleted_at IS NULL AND NOT x.hidden
           AND x.community_id IN (SELECT id FROM seen) LIMIT 150) c
  ),
  qs AS MATERIALIZED (
    SELECT x.id, x.accepted_answer_id,
           least(1.0, ts_rank(x.search, q.q) / nullif(q.ideal_a, 0)) AS m
      FROM q, qc JOIN questions x ON x.id = qc.id
     ORDER BY m DESC, x.id LIMIT 200
  ),
  ans AS (
    SELECT a.author_id AS uid, count(*) AS n,
           count(*) FILTER (WHERE a.id = qs.accepted_answer_id) AS acc,
           sum(a.score) AS total,
           sum(qs.m * expert_decay(extract(epoch FROM (q.at - a.created_at)) / 86400)
               * expert_answer_points(a.score, a.id IS NOT DISTINCT FROM qs.accepted_answer_id)) AS pts
      FROM q, qs JOIN answers a ON a.question_id = qs.id
     WHERE a.deleted_at IS NULL AND NOT a.hidden
     GROUP BY a.author_id
  ),
  pc AS MATERIALIZED (
    SELECT DISTINCT c.id
      FROM search_nominators('posts', p_topic, 150) AS w CROSS JOIN LATERAL (
        SELECT p.id FROM posts p
         WHERE p.search @@ w AND p.deleted_at IS NULL AND NOT p.hidden
           AND (p.community_id IS NULL OR p.community_id IN (SELECT id FROM seen))
         LIMIT 150) c
  ),
  ps AS MATERIALIZED (
    SELECT p.author_id, p.created_at,
           least(1.0, ts_rank(p.search, q.q) / nullif(q.ideal_b, 0)) AS m
      FROM q, pc JOIN posts p ON p.id = pc.id
     ORDER BY m DESC, p.id LIMIT 500
  ),
  pst AS (
    SELECT ps.author_id AS uid, count(*) AS n,
           sum(ps.m * expert_decay(extract(epoch FROM (q.at - ps.created_at)) / 86400)) AS pts
      FROM q, ps GROUP BY ps.author_id
  ),
  bc AS MATERIALIZED (
    SELECT DISTINCT c.id
      FROM search_nominators('bookmarks', p_topic, 100) AS w CROSS JOIN LATERAL (
        SELECT b.id FROM bookmarks b
         WHERE b.search @@ w AND NOT b.private AND NOT b.hidden LIMIT 100) c
  ),
  bk AS MATERIALIZED (
    SELECT b.owner_id, b.created_at,
           least(1.0, ts_rank(b.search, q.q) / nullif(q.ideal_a, 0)) AS m,
           (SELECT count(*) FROM (SELECT FROM bookmarks o
             WHERE o.url_key = b.url_key AND NOT o.private
               AND o.owner_id <> b.owner_id LIMIT 8) o) AS others
      FROM q, bc JOIN bookmarks b ON b.id = bc.id
     ORDER BY m DESC, b.id LIMIT 500
  ),
  bks AS (
    SELECT bk.owner_id AS uid, count(*) AS n,
           sum(bk.m * expert_decay(extract(epoch FROM (q.at - bk.created_at)) / 86400)
               * (1.0 + 0.25 * least(bk.others, 8))) AS pts
      FROM q, bk GROUP BY bk.owner_id
  ),
  sk AS (
    SELECT DISTINCT ON (s.user_id) s.user_id AS uid, s.skill,
           (SELECT count(*) FROM skill_endorsements e
             WHERE e.user_id = s.user_id AND e.skill_key = lower(s.skill)) AS n
      FROM q, user_skills s
     WHERE to_tsvector('english', search_plain(s.skill)) @@ q.q
     ORDER BY s.user_id, n DESC, s.position
  ),
  ev AS (
    SELECT uid, pts AS apts, acc, n, total, NULL::float8 AS ppts, NULL::bigint AS np,
           NULL::float8 AS bpts, NULL::bigint AS nb, NULL::boolean AS declared,
           NULL::bigint AS ne, NULL::text AS skill FROM ans
    UNION ALL
    SELECT uid, NULL, NULL, NULL, NULL, pts, n, NULL, NULL, NULL, NULL, NULL FROM pst
    UNION ALL
    SELECT uid, NULL, NULL, NULL, NULL, NULL, NULL, pts, n, NULL, NULL, NULL FROM bks
    UNION ALL
    SELECT uid, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, true, n, skill FROM sk
  ),
  scored AS (
    SELECT uid AS id,
           round((coalesce(max(apts), 0) + expert_saturate(max(ppts), 3.0)
                  + expert_saturate(max(bpts), 2.0)
                  + expert_skill_points(coalesce(bool_or(declared), false), max(ne)))::numeric,
                 6)::float8 AS score,
           coalesce(max(acc), 0) AS acc, coalesce(max(n), 0) AS n,
           coalesce(max(total), 0)::bigint AS total, coalesce(max(np), 0) AS np,
           coalesce(max(nb), 0) AS nb, coalesce(bool_or(declared), false) AS declared,
           coalesce(max(ne), 0) AS ne, max(skill) AS skill
      FROM ev GROUP BY uid
     ORDER BY score DESC, uid OFFSET 0
  )
  SELECT s.id, s.score, s.acc, s.n, s.total, s.np, s.nb, s.declared, s.ne, s.skill
    FROM scored s
   WHERE (SELECT u.status FROM users u WHERE u.id = s.id) = 'active'
   ORDER BY s.score DESC, s.id
   LIMIT greatest(p_limit, 0);
END $$;