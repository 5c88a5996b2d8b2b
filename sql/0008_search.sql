-- 0008: full-text search over posts, questions, answers, bookmarks and
-- people (stored tsvector columns with GIN indexes, English stemming), and
-- the expert finder: experts() ranks people by demonstrated knowledge of a
-- topic, for GET /api/v1/experts and for notify_experts() alike, so the
-- ranking lives in one place.

-- Weights: titles, tags, names and skills are 'A'; bodies, descriptions and
-- departments 'B'; URLs and bios 'C'. ts_rank and ts_rank_cd weigh them
-- {D 0.1, C 0.2, B 0.4, A 1.0}, so a title match outranks a body match.

-- Our texts are plain text, but PostgreSQL's parser reads "<...>" as HTML
-- tags and skips everything after a "<script>" or "<style>" tag: a post
-- quoting "<script>" would lose the rest of its words. Angle brackets are
-- therefore spaces to the parser (snippets keep them, search_snippet()).
CREATE FUNCTION search_plain(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(t, '<>', '  ')
$$;

-- array_to_string() is only STABLE; for text[] it cannot change, so this
-- wrapper lets generated columns use it.
CREATE FUNCTION search_tags_text(tags text[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(array_to_string(tags, ' '), '')
$$;

ALTER TABLE posts ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', search_plain(body)), 'B')
) STORED;
CREATE INDEX posts_search_idx ON posts USING gin (search) WHERE deleted_at IS NULL;

ALTER TABLE questions ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', search_plain(title)), 'A') ||
  setweight(to_tsvector('english', search_tags_text(tags)), 'A') ||
  setweight(to_tsvector('english', search_plain(body)), 'B')
) STORED;
CREATE INDEX questions_search_idx ON questions USING gin (search) WHERE deleted_at IS NULL;

ALTER TABLE answers ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', search_plain(body)), 'B')
) STORED;
CREATE INDEX answers_search_idx ON answers USING gin (search) WHERE deleted_at IS NULL;

ALTER TABLE bookmarks ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', search_plain(title)), 'A') ||
  setweight(to_tsvector('english', search_tags_text(tags)), 'A') ||
  setweight(to_tsvector('english', search_plain(description)), 'B') ||
  setweight(to_tsvector('english', search_plain(url)), 'C')
) STORED;
CREATE INDEX bookmarks_search_idx ON bookmarks USING gin (search);

-- People: the profile's own columns here; skills live in user_skills and
-- are matched there at search time through their own index (no trigger
-- writes users when skills change).
ALTER TABLE users ADD COLUMN search tsvector GENERATED ALWAYS AS (
  setweight(to_tsvector('english', search_plain(display_name || ' ' || handle || ' ' || title)), 'A') ||
  setweight(to_tsvector('english', search_plain(department)), 'B') ||
  setweight(to_tsvector('english', search_plain(bio)), 'C')
) STORED;
CREATE INDEX users_search_idx ON users USING gin (search);
CREATE INDEX user_skills_search_idx ON user_skills
  USING gin (to_tsvector('english', search_plain(skill)));

-- The query of GET /api/v1/search: websearch syntax ("phrases", or, -not),
-- every word required. NULL, which matches nothing, when the query has no
-- lexemes (punctuation, stop words) or nothing an index can look up ("-word"
-- alone would match nearly everything); PostgreSQL's notice about an empty
-- query is silenced.
CREATE FUNCTION search_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT SET client_min_messages = warning AS $$
  SELECT CASE WHEN querytree(w) IN ('', 'T') THEN NULL ELSE w END
    FROM websearch_to_tsquery('english', search_plain(q)) AS w
$$;

-- One lexeme as a tsquery, quoted for the tsquery syntax (quotes doubled,
-- backslashes escaped) so that no lexeme is read as an operator.
CREATE FUNCTION search_lexeme(l text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT ('''' || replace(replace(l, '\', '\\'), '''', '''''') || '''')::tsquery
$$;

-- Any of the query's lexemes (OR): what the expert finder matches, so that
-- "how do I revert a commit in git" finds questions about git revert; the
-- rank then prefers documents that have more of the words. NULL when there
-- are none.
CREATE FUNCTION search_any(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT string_agg(search_lexeme(l)::text, ' | ')::tsquery
    FROM unnest(tsvector_to_array(to_tsvector('english', search_plain(q)))) AS l
$$;

-- The lexemes of q worth looking up in p_table's search index to nominate
-- documents for the expert finder: a word in 5% or more of the rows, and
-- in more than p_cap of them (by the planner's statistics, which ANALYZE
-- keeps), would only bring a few hundred arbitrary documents and cost a
-- large index read; such words still count when the nominated documents
-- are ranked. Without statistics every word nominates; when every word is
-- that common, the two rarest do.
CREATE FUNCTION search_nominators(p_table text, q text, p_cap integer)
RETURNS SETOF tsquery
LANGUAGE sql STABLE AS $$
  WITH st AS (
    SELECT s.most_common_elems::text::text[] AS e, s.most_common_elem_freqs AS f,
           greatest(c.reltuples, 0) AS n
      FROM pg_stats s
      JOIN pg_class c ON c.relname = s.tablename
       AND c.relnamespace = to_regnamespace(s.schemaname)
     WHERE s.schemaname = current_schema() AND s.tablename = p_table
       AND s.attname = 'search'
  ),
  lx AS (
    SELECT l, coalesce((SELECT st.f[array_position(st.e, l)] FROM st), 0) AS f,
           coalesce((SELECT st.f[array_position(st.e, l)] * st.n FROM st), 0) AS n
      FROM unnest(tsvector_to_array(to_tsvector('english', search_plain(q)))) AS l
  )
  SELECT search_lexeme(l) FROM lx WHERE f < 0.05 OR n <= p_cap
  UNION ALL
  SELECT search_lexeme(l) FROM (SELECT l FROM lx ORDER BY f, l LIMIT 2) r
   WHERE NOT EXISTS (SELECT 1 FROM lx WHERE f < 0.05 OR n <= p_cap)
$$;

-- Text for ts_headline: the snippet marks matches with « and », so those
-- two characters in the text itself become ‹ and › (the browser splits on
-- the markers and renders each piece with textContent). Angle brackets
-- pass the parser as fullwidth ＜ ＞ (see search_plain()) and come back.
-- Only the first 4,000 characters are searched for the snippet: ts_headline
-- grows faster than linearly with the text (20 results of 10,000 characters
-- took 300 ms, of 4,000 characters 15 ms).
CREATE FUNCTION search_snippet(t text, q tsquery) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT translate(ts_headline('english',
           translate(left(coalesce(t, ''), 4000), '«»<>', '‹›＜＞'), q,
           'StartSel=«, StopSel=», MaxWords=35, MinWords=15, ShortWord=2, MaxFragments=0'),
         '＜＞', '<>')
$$;

-- A post has no title: its first line, at most 80 characters.
CREATE FUNCTION search_title(body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(l) > 80 THEN left(l, 79) || '…' ELSE l END
    FROM (SELECT btrim(split_part(coalesce(body, ''), E'\n', 1)) AS l) x
$$;

-- ---------------------------------------------------------------------
-- The expert finder's model. Evidence is weighed by how well its document
-- matches the topic and by its age. Match m (0..1): the document's ts_rank
-- against any of the topic's words, over the rank the topic itself would
-- have as a title (posts: as a body), at most 1; so a question with every
-- word in its title is 1, one with one word of two in its body about 0.2.
-- Age: d, below. Per person:
--   answers    sum of m * d * answer_points(score, accepted)
--              answer_points = 3 + 10 if accepted + 2*sign(s)*ln(1+|s|),
--              at least 0.5
--   posts      3 * (1 - exp(-sum(m * d) / 3))       saturates below 3
--   bookmarks  2 * (1 - exp(-sum(m * d * (1 + 0.25 * min(others, 8))) / 2))
--              own public bookmarks on the topic; "others" = how many other
--              people saved the same URL publicly; saturates below 2
--   skill      2 + 0.25 * min(endorsements, 8)     (a listed skill that
--              matches the topic; the one with most endorsements)
-- Recency: d = max(0.4, 0.5 ^ (age / 730 days)): a two-year half-life,
-- floored at 0.4 so that an imported Stack Exchange answer from 2012 keeps
-- 40% of its weight. An old accepted answer (13 * 0.4 = 5.2) therefore
-- still beats any amount of fresh talk (posts < 3) and a skill listed with
-- endorsements (at most 4); a single old plain answer (1.2) does not.
-- Documents are nominated by the topic's words through the search indexes
-- (at most 150 questions or posts, 100 bookmarks per word; words common in
-- a large archive do not nominate, search_nominators()), ranked on all the
-- words, and only the 200 best questions and 500 best posts and bookmarks
-- count: the cost does not grow with the archive.
-- notify_experts() asks only people scoring at least 2: about one relevant
-- answer, or a listed skill; a post or two that use a word of the title
-- are no reason to interrupt anyone.

CREATE FUNCTION expert_decay(age_days double precision) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest(0.4, power(0.5, least(greatest(coalesce(age_days, 0), 0), 730.0 * 40) / 730.0))
$$;

CREATE FUNCTION expert_answer_points(score integer, accepted boolean) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT greatest(0.5, 3.0 + CASE WHEN accepted THEN 10.0 ELSE 0.0 END
                  + 2.0 * sign(score::float8) * ln(1.0 + abs(score::float8)))
$$;

-- cap * (1 - exp(-sum / cap)); exp() is kept away from underflow.
CREATE FUNCTION expert_saturate(total double precision, cap double precision)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT cap * (1.0 - exp(-least(greatest(coalesce(total, 0), 0) / cap, 50.0)))
$$;

CREATE FUNCTION expert_skill_points(declared boolean, endorsements bigint)
RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN declared THEN 2.0 + 0.25 * least(coalesce(endorsements, 0), 8) ELSE 0.0 END
$$;

-- People ranked as experts on p_topic (free text). p_viewer: only content
-- that person may see counts (open communities and the closed ones they
-- are an active member of); NULL counts every community. Hidden and
-- deleted content and private bookmarks never count. Suspended people are
-- left out. At most p_limit rows, best first (ties: lower id first).
CREATE FUNCTION experts(p_topic text, p_viewer bigint, p_limit integer)
RETURNS TABLE (user_id bigint, score double precision, accepted_answers bigint,
               answers bigint, answer_score bigint, posts bigint, bookmarks bigint,
               skill_declared boolean, endorsements bigint, skill text)
LANGUAGE sql STABLE AS $$
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
           (SELECT count(*) FROM bookmarks o
             WHERE o.url_key = b.url_key AND NOT o.private
               AND o.owner_id <> b.owner_id) AS others
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
  people AS (
    SELECT uid FROM ans UNION SELECT uid FROM pst
    UNION SELECT uid FROM bks UNION SELECT uid FROM sk
  ),
  scored AS (
    SELECT u.id,
           round((coalesce(ans.pts, 0) + expert_saturate(pst.pts, 3.0)
                  + expert_saturate(bks.pts, 2.0)
                  + expert_skill_points(sk.uid IS NOT NULL, sk.n))::numeric, 6)::float8 AS score,
           coalesce(ans.acc, 0) AS acc, coalesce(ans.n, 0) AS n,
           coalesce(ans.total, 0)::bigint AS total, coalesce(pst.n, 0) AS np,
           coalesce(bks.n, 0) AS nb, sk.uid IS NOT NULL AS declared,
           coalesce(sk.n, 0) AS ne, sk.skill
      FROM people JOIN users u ON u.id = people.uid AND u.status = 'active'
      LEFT JOIN ans ON ans.uid = u.id LEFT JOIN pst ON pst.uid = u.id
      LEFT JOIN bks ON bks.uid = u.id LEFT JOIN sk ON sk.uid = u.id
  )
  SELECT id, score, acc, n, total, np, nb, declared, ne, skill
    FROM scored
   ORDER BY score DESC, id
   LIMIT greatest(p_limit, 0)
$$;

-- Replaces the stub of 0004: when a question is asked, the (at most) three
-- people ranked as experts on its title and tags hear of it. Never the
-- asker; only active people who can sign in (imported accounts without a
-- password cannot read a notification) and who can see the question's
-- community (a closed one: its active members).
CREATE OR REPLACE FUNCTION notify_experts(p_question bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v record;
BEGIN
  SELECT x.id, x.author_id, x.title, x.tags, x.community_id, c.visibility
    INTO v
    FROM questions x JOIN communities c ON c.id = x.community_id
   WHERE x.id = p_question AND x.deleted_at IS NULL AND NOT x.hidden;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  PERFORM notify(top.user_id, 'expert', v.author_id, 'question', v.id, left(v.title, 200))
     FROM (SELECT e.user_id
             FROM experts(v.title || ' ' || search_tags_text(v.tags), NULL, 1000) AS e
             JOIN users u ON u.id = e.user_id
            WHERE e.user_id <> v.author_id AND e.score >= 2.0
              AND u.status = 'active' AND u.password_hash IS NOT NULL
              AND (v.visibility = 'open'
                   OR EXISTS (SELECT 1 FROM community_members cm
                               WHERE cm.community_id = v.community_id
                                 AND cm.user_id = e.user_id AND cm.status = 'active'))
            ORDER BY e.score DESC, e.user_id
            LIMIT 3) AS top;
END $$;
