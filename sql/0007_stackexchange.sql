-- 0007: Stack Exchange data-dump imports (tools/se_import.c, `make
-- import-stackexchange`). The importer streams the dump's XML into the
-- temporary staging tables that se_import_stage() creates, with COPY, and
-- se_import_apply() turns them into people, questions and answers with
-- set-based upserts keyed on external ids; all of it in the importer's one
-- transaction, so a failed import leaves nothing behind and a second run of
-- the same dump adds nothing.
-- Applied inside one transaction by tools/migrate.sh; never edited once landed.
--
-- External ids: people 'se:<site>:<UserId>' (users.external_id, source
-- 'stackexchange', no password: they cannot sign in); questions and answers
-- 'se:<site>:<PostId>' (unique per community and per question).

-- Who wrote a post: the dump's OwnerUserId; a post of a deleted account has
-- only OwnerDisplayName, which Stack Exchange writes as "user<Id>" (that
-- account's id); anything else is kept as a name.
CREATE FUNCTION se_owner_key(owner_id bigint, owner_name text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE
    WHEN owner_id IS NOT NULL THEN owner_id::text
    WHEN owner_name ~ '^user[0-9]{1,18}$' THEN substr(owner_name, 5)::bigint::text
    ELSE 'name:' || coalesce(nullif(owner_name, ''), 'unknown')
  END
$$;

-- The handle of an imported person: their name made [a-z0-9_] (accents
-- dropped, other runs of characters one '_'), cut to fit, then '_' and a
-- suffix unique within the site (the Stack Exchange id; '-1' as 'm1').
-- Always ^[a-z0-9_]{3,30}$ for suffixes of at most 27 characters.
CREATE FUNCTION se_handle(display_name text, suffix text) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT coalesce(nullif(rtrim(left(b, 29 - char_length(suffix)), '_'), ''), 'se')
         || '_' || suffix
  FROM (SELECT btrim(regexp_replace(lower(public.unaccent(coalesce(display_name, ''))),
                                    '[^a-z0-9]+', '_', 'g'), '_') AS b) t
$$;

-- The staging tables, one per dump file the importer reads; they live until
-- the end of the transaction. Column order is the COPY line order of
-- app/sedump.c. A duplicate Id in a file is a broken dump: the primary keys
-- make COPY fail, and with it the import.
CREATE FUNCTION se_import_stage() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  CREATE TEMP TABLE se_stage_users (
    id           bigint PRIMARY KEY,
    display_name text,
    location     text,
    created_at   timestamptz
  ) ON COMMIT DROP;
  CREATE TEMP TABLE se_stage_posts (
    id          bigint PRIMARY KEY,
    type        smallint NOT NULL CHECK (type IN (1, 2)),
    parent_id   bigint,
    accepted_id bigint,
    owner_id    bigint,
    owner_name  text,
    title       text,
    body        text NOT NULL,
    html        text NOT NULL,
    tags        text[],
    score       integer NOT NULL,
    created_at  timestamptz NOT NULL,
    edited_at   timestamptz
  ) ON COMMIT DROP;
  CREATE TEMP TABLE se_stage_votes (
    post_id   bigint NOT NULL,
    vote_type smallint NOT NULL
  ) ON COMMIT DROP;
END $$;

-- The people who wrote the staged posts, matched to existing accounts by
-- external id or created (handles free ones first, in one statement; the
-- rare rest one by one with a counter). Fills se_people.user_id; returns
-- {"created", "updated", "existing"}.
CREATE FUNCTION se_import_people(pfx text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  n_created bigint;
  n_updated bigint;
  n_existing bigint;
  r record;
  attempt int;
  v_uid bigint;
BEGIN
  CREATE TEMP TABLE se_people ON COMMIT DROP AS
  SELECT k.key, pfx || k.key AS external_id,
         left(coalesce(u.display_name, k.owner_name,
                       CASE WHEN k.is_num THEN 'user' || k.key ELSE 'unknown user' END), 100)
           AS display_name,
         left(coalesce(u.location, ''), 100) AS location,
         coalesce(u.created_at, k.first_post) AS created_at,
         CASE WHEN k.is_num THEN replace(k.key, '-', 'm')
              ELSE 'n' || left(md5(k.key), 6) END AS suffix,
         NULL::bigint AS user_id
  FROM (SELECT key, key ~ '^-?[0-9]+$' AS is_num, owner_name, first_post
        FROM (SELECT se_owner_key(owner_id, owner_name) AS key,
                     min(owner_name) AS owner_name, min(created_at) AS first_post
              FROM se_stage_posts GROUP BY 1) g) k
  LEFT JOIN se_stage_users u
    ON u.id = CASE WHEN k.is_num THEN k.key::bigint END;
  CREATE INDEX ON se_people (external_id);
  ANALYZE se_people;

  UPDATE se_people p SET user_id = u.id FROM users u WHERE u.external_id = p.external_id;
  GET DIAGNOSTICS n_existing = ROW_COUNT;
  -- The dump owns the names of the people it made.
  UPDATE users u SET display_name = p.display_name, updated_at = now()
  FROM se_people p
  WHERE u.id = p.user_id AND u.source = 'stackexchange'
    AND u.display_name IS DISTINCT FROM p.display_name;
  GET DIAGNOSTICS n_updated = ROW_COUNT;

  WITH ins AS (
    INSERT INTO users (handle, email, password_hash, display_name, location,
                       source, external_id, created_at)
    SELECT h, h || '@stackexchange.invalid', NULL, display_name, location,
           'stackexchange', external_id, coalesce(created_at, now())
    FROM (SELECT p.*, se_handle(p.display_name, p.suffix) AS h
          FROM se_people p WHERE p.user_id IS NULL) c
    ORDER BY external_id
    ON CONFLICT DO NOTHING
    RETURNING id, external_id)
  UPDATE se_people p SET user_id = ins.id FROM ins WHERE p.external_id = ins.external_id;
  GET DIAGNOSTICS n_created = ROW_COUNT;

  -- Handles taken by someone else (another site's person with the same
  -- name and id, a registered account): the same with _2, _3, ...
  FOR r IN SELECT * FROM se_people WHERE user_id IS NULL ORDER BY external_id LOOP
    attempt := 2;
    LOOP
      INSERT INTO users (handle, email, password_hash, display_name, location,
                         source, external_id, created_at)
      SELECT h, h || '@stackexchange.invalid', NULL, r.display_name, r.location,
             'stackexchange', r.external_id, coalesce(r.created_at, now())
      FROM (SELECT se_handle(r.display_name, r.suffix || '_' || attempt) AS h) c
      ON CONFLICT DO NOTHING
      RETURNING id INTO v_uid;
      EXIT WHEN v_uid IS NOT NULL;
      attempt := attempt + 1;
      IF attempt > 1000 THEN
        RAISE EXCEPTION 'se_import: no free handle for %', r.external_id;
      END IF;
    END LOOP;
    UPDATE se_people SET user_id = v_uid WHERE external_id = r.external_id;
    n_created := n_created + 1;
  END LOOP;
  RETURN jsonb_build_object('created', n_created, 'updated', n_updated,
                            'existing', n_existing);
END $$;

-- Questions and answers from the staging table: new ones inserted, ones
-- already imported rewritten only where the dump has something new: their
-- text when the dump's version is newer than ours (so an edit made in Parley
-- survives a re-import of an older dump), their score when the dump's Score
-- plus the votes cast in Parley differs from ours. Answers whose question is
-- not in the community are counted as orphans. Returns the counts.
CREATE FUNCTION se_import_posts(pfx text, v_community bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  q_created bigint; q_updated bigint;
  a_created bigint; a_updated bigint; a_staged bigint; a_orphans bigint;
BEGIN
  INSERT INTO questions (community_id, author_id, title, body, html, tags,
                         score, created_at, edited_at, external_id)
  SELECT v_community, p.user_id, s.title, s.body, s.html, coalesce(s.tags, '{}'),
         s.score, s.created_at, s.edited_at, pfx || s.id
  FROM se_stage_posts s
  JOIN se_people p ON p.key = se_owner_key(s.owner_id, s.owner_name)
  WHERE s.type = 1
  ORDER BY s.id
  ON CONFLICT (community_id, external_id) DO NOTHING;
  GET DIAGNOSTICS q_created = ROW_COUNT;
  -- Fresh statistics, or the planner takes a new community for one row
  -- and joins the staging table to it by nested loops: quadratic.
  ANALYZE questions;

  UPDATE questions q SET
    title = CASE WHEN x.newer THEN x.title ELSE q.title END,
    body = CASE WHEN x.newer THEN x.body ELSE q.body END,
    html = CASE WHEN x.newer THEN x.html ELSE q.html END,
    tags = CASE WHEN x.newer THEN coalesce(x.tags, '{}') ELSE q.tags END,
    edited_at = CASE WHEN x.newer THEN x.edited_at ELSE q.edited_at END,
    score = x.score + x.local_votes
  FROM (SELECT s.*, o.id AS qid,
               coalesce(s.edited_at, s.created_at) > coalesce(o.edited_at, o.created_at) AS newer,
               coalesce((SELECT sum(v.value) FROM question_votes v
                         WHERE v.question_id = o.id), 0) AS local_votes
        FROM se_stage_posts s
        JOIN questions o ON o.community_id = v_community AND o.external_id = pfx || s.id
        WHERE s.type = 1) x
  WHERE q.id = x.qid AND (x.newer OR q.score <> x.score + x.local_votes);
  GET DIAGNOSTICS q_updated = ROW_COUNT;

  CREATE TEMP TABLE se_answers ON COMMIT DROP AS
  SELECT s.*, p.user_id, o.id AS qid
  FROM se_stage_posts s
  JOIN se_people p ON p.key = se_owner_key(s.owner_id, s.owner_name)
  JOIN questions o ON o.community_id = v_community AND o.external_id = pfx || s.parent_id
  WHERE s.type = 2;
  SELECT count(*) INTO a_staged FROM se_stage_posts WHERE type = 2;
  SELECT a_staged - count(*) INTO a_orphans FROM se_answers;
  ANALYZE se_answers;

  INSERT INTO answers (question_id, author_id, body, html, score, created_at,
                       edited_at, external_id)
  SELECT qid, user_id, body, html, score, created_at, edited_at, pfx || id
  FROM se_answers ORDER BY id
  ON CONFLICT (question_id, external_id) DO NOTHING;
  GET DIAGNOSTICS a_created = ROW_COUNT;
  ANALYZE answers;

  UPDATE answers a SET
    body = CASE WHEN x.newer THEN x.body ELSE a.body END,
    html = CASE WHEN x.newer THEN x.html ELSE a.html END,
    edited_at = CASE WHEN x.newer THEN x.edited_at ELSE a.edited_at END,
    score = x.score + x.local_votes
  FROM (SELECT s.*, o.id AS aid,
               coalesce(s.edited_at, s.created_at) > coalesce(o.edited_at, o.created_at) AS newer,
               coalesce((SELECT sum(v.value) FROM answer_votes v
                         WHERE v.answer_id = o.id), 0) AS local_votes
        FROM se_answers s
        JOIN answers o ON o.question_id = s.qid AND o.external_id = pfx || s.id) x
  WHERE a.id = x.aid AND (x.newer OR a.score <> x.score + x.local_votes);
  GET DIAGNOSTICS a_updated = ROW_COUNT;

  RETURN jsonb_build_object(
    'questions', jsonb_build_object('created', q_created, 'updated', q_updated),
    'answers', jsonb_build_object('created', a_created, 'updated', a_updated,
                                  'orphans', a_orphans));
END $$;

-- Accepted answers and answer counts of the staged questions. The dump may
-- set or change an acceptance that came from a dump, never one made in
-- Parley. answer_count counts the answers that are not deleted.
CREATE FUNCTION se_import_links(pfx text, v_community bigint) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  n_accepted bigint;
  n_counted bigint;
BEGIN
  UPDATE questions q SET accepted_answer_id = a.id
  FROM se_stage_posts s
  JOIN questions o ON o.community_id = v_community AND o.external_id = pfx || s.id
  JOIN answers a ON a.question_id = o.id AND a.external_id = pfx || s.accepted_id
  WHERE s.type = 1 AND s.accepted_id IS NOT NULL AND q.id = o.id
    AND q.accepted_answer_id IS DISTINCT FROM a.id
    AND (q.accepted_answer_id IS NULL OR EXISTS
         (SELECT 1 FROM answers c
          WHERE c.id = q.accepted_answer_id AND c.external_id IS NOT NULL));
  GET DIAGNOSTICS n_accepted = ROW_COUNT;

  UPDATE questions q SET answer_count = c.n
  FROM (SELECT o.id, count(a.id) AS n
        FROM se_stage_posts s
        JOIN questions o ON o.community_id = v_community AND o.external_id = pfx || s.id
        LEFT JOIN answers a ON a.question_id = o.id AND a.deleted_at IS NULL
        WHERE s.type = 1
        GROUP BY o.id) c
  WHERE q.id = c.id AND q.answer_count <> c.n;
  GET DIAGNOSTICS n_counted = ROW_COUNT;
  RETURN jsonb_build_object('accepted_set', n_accepted, 'answer_counts_set', n_counted);
END $$;

-- What Votes.xml says beside the posts: the dump's Score is the truth for
-- scores (Votes.xml may come from a later dump than Posts.xml, and votes are
-- anonymous, so none become question_votes/answer_votes rows). These are
-- cross-checks for the report: accepted answers without an accept vote
-- (VoteTypeId 1), accept votes on answers that are not the accepted one,
-- and posts whose up minus down votes differ from (exceed) their Score.
CREATE FUNCTION se_import_vote_checks() RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN (SELECT jsonb_build_object(
    'rows', (SELECT count(*) FROM se_stage_votes),
    'accepted_without_accept_vote',
      (SELECT count(*) FROM se_stage_posts s
       WHERE s.type = 1 AND s.accepted_id IS NOT NULL
         AND EXISTS (SELECT 1 FROM se_stage_votes)
         AND NOT EXISTS (SELECT 1 FROM se_stage_votes v
                         WHERE v.post_id = s.accepted_id AND v.vote_type = 1)),
    'accept_votes_elsewhere',
      (SELECT count(*) FROM se_stage_votes v
       JOIN se_stage_posts a ON a.id = v.post_id AND a.type = 2
       JOIN se_stage_posts q ON q.id = a.parent_id
       WHERE v.vote_type = 1 AND q.accepted_id IS DISTINCT FROM a.id),
    'score_differs', count(*) FILTER (WHERE n.net <> s.score),
    'votes_exceed_score', count(*) FILTER (WHERE n.net > s.score))
  FROM (SELECT post_id, sum(CASE vote_type WHEN 2 THEN 1 WHEN 3 THEN -1 ELSE 0 END) AS net
        FROM se_stage_votes GROUP BY post_id) n
  JOIN se_stage_posts s ON s.id = n.post_id);
END $$;

-- The import proper, after the importer has filled the staging tables: the
-- community (created open if missing, named p_name or its slug), its people
-- (who become members), posts, acceptances and counts, the vote cross-checks
-- and an audit record. Imports queue on an advisory lock. Returns
-- {"community", "community_created", "site", "users", "members_added",
-- "questions", "answers", "accepted_set", "answer_counts_set", "votes"}.
CREATE FUNCTION se_import_apply(p_community text, p_site text, p_name text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  pfx text := 'se:' || p_site || ':';
  v_community bigint;
  v_created boolean;
  n_members bigint;
  v_people jsonb; v_posts jsonb; v_links jsonb; result jsonb;
BEGIN
  PERFORM pg_advisory_xact_lock(7226007);
  ANALYZE se_stage_users;
  ANALYZE se_stage_posts;
  ANALYZE se_stage_votes;
  INSERT INTO communities (slug, name, visibility)
  VALUES (p_community, left(coalesce(nullif(btrim(p_name), ''), p_community), 100), 'open')
  ON CONFLICT (slug) DO NOTHING
  RETURNING id INTO v_community;
  v_created := v_community IS NOT NULL;
  IF NOT v_created THEN
    SELECT id INTO v_community FROM communities WHERE slug = p_community;
  END IF;

  v_people := se_import_people(pfx);
  INSERT INTO community_members (community_id, user_id)
  SELECT v_community, user_id FROM se_people
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS n_members = ROW_COUNT;
  v_posts := se_import_posts(pfx, v_community);
  v_links := se_import_links(pfx, v_community);

  result := jsonb_build_object('community', p_community, 'community_created', v_created,
                               'site', p_site, 'users', v_people, 'members_added', n_members)
            || v_posts || v_links || jsonb_build_object('votes', se_import_vote_checks());
  INSERT INTO audit_log (action, target_type, target_id, reason)
  VALUES ('admin.import.stackexchange', 'community', p_community,
          'se_import ' || result::text);
  RETURN result;
END $$;
