-- 0014: moderation (app/moderation.c, app/policy.c, app/modaudit.c).
--
-- People flag posts, questions, answers and bookmarks; policy terms flag
-- new and edited content automatically (triggers below, so no content
-- handler changes and nothing is half-written). Flags on one target are
-- gathered into a case: the queue lists open cases, oldest first, and a
-- moderator's action (hide, dismiss, restore) on any flag of a target
-- resolves the target's open case with all its flags, in one transaction
-- with the change to the content, the author's notification and the audit
-- log entry (moderation_apply()). Time to first action is a case's
-- resolved_at - opened_at.
--
-- Who moderates: role admin or community_manager everywhere; a community's
-- active managers for the posts, questions and answers of that community.
-- Bookmarks belong to no community: global moderators only.

-- ---- policy matching ----------------------------------------------------
--
-- Literal, case- and accent-insensitive, whole words. Text and terms are
-- lower-cased, unaccented (the unaccent extension, 0001/0002), runs of
-- white space made one space, and every run of letters and digits wrapped
-- in U+001F marks ("Projet Zèbre!" -> "\x1fprojet\x1f \x1fzebre\x1f!"). A
-- term matches when its form is a substring of the text's form, found with
-- strpos(): no term is ever evaluated as a regular expression, so
-- "(a+)+$" is six characters to look for and costs what any strpos costs.
-- The marks make it whole-word: "zebre" does not match "zebres", and
-- "projet zebre" matches "PROJET   Zèbre" and "projet\nzebre". Terms that
-- start or end with punctuation match it literally ("c++" in "c++11").
-- Only our own fixed patterns run through regexp_replace; both are linear.
-- Marks already in a text are made spaces first so they cannot fake a word.
CREATE FUNCTION moderation_norm(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT regexp_replace(
           regexp_replace(lower(immutable_unaccent(translate(t, E'\x1f', ' '))),
                          '\s+', ' ', 'g'),
           '[[:alnum:]]+', E'\x1f\\&\x1f', 'g')
$$;

-- A term's form: as above, without leading or trailing space.
CREATE FUNCTION moderation_key(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT btrim(moderation_norm(t), ' ')
$$;

-- The policy: at most 500 terms (PUT /api/v1/moderation/policy checks it),
-- one per form (terms differing only in case, accents or spacing are one).
CREATE TABLE policy_terms (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  pattern    text NOT NULL CHECK (char_length(pattern) BETWEEN 1 AND 100),
  category   text NOT NULL CHECK (category IN ('harassment', 'off_topic',
               'sensitive_topic', 'confidential', 'spam', 'other')),
  match_key  text NOT NULL UNIQUE CHECK (match_key <> ''),
  position   integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The terms a text matches. One normalisation of the text, then one strpos
-- per term: a 60,000-character text against 500 terms takes about 15 ms.
CREATE FUNCTION moderation_match(p_text text)
RETURNS TABLE (term_id bigint, pattern text, category text, match_key text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
  n text := moderation_norm(p_text);
BEGIN
  IF n IS NULL THEN
    RETURN;
  END IF;
  RETURN QUERY SELECT t.id, t.pattern, t.category, t.match_key
    FROM policy_terms t WHERE strpos(n, t.match_key) > 0;
END $$;

-- ---- cases, flags, actions ------------------------------------------------

CREATE TABLE moderation_cases (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  target_type   text NOT NULL CHECK (target_type IN ('post', 'question', 'answer', 'bookmark')),
  target_id     bigint NOT NULL,
  community_id  bigint REFERENCES communities (id),   -- NULL: global moderators only
  status        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  opened_at     timestamptz NOT NULL DEFAULT now(),  -- its first flag
  resolved_at   timestamptz,                        -- the first action on it
  resolution_id bigint,                             -- that action
  CHECK ((status = 'resolved') = (resolved_at IS NOT NULL AND resolution_id IS NOT NULL))
);
-- At most one open case per target; the queue reads these indexes in order.
CREATE UNIQUE INDEX moderation_cases_open_key ON moderation_cases (target_type, target_id)
  WHERE status = 'open';
CREATE INDEX moderation_cases_open_idx ON moderation_cases (opened_at, id)
  WHERE status = 'open';
CREATE INDEX moderation_cases_open_community_idx ON moderation_cases (community_id, opened_at, id)
  WHERE status = 'open';
CREATE INDEX moderation_cases_resolved_idx ON moderation_cases (resolved_at DESC, id DESC)
  WHERE status = 'resolved';
CREATE INDEX moderation_cases_resolved_community_idx
  ON moderation_cases (community_id, resolved_at DESC, id DESC) WHERE status = 'resolved';

-- flagger_id NULL: raised by the policy term recorded in term_* (the term
-- row may be gone since; pattern and form are kept as they were).
CREATE TABLE moderation_flags (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  case_id      bigint NOT NULL REFERENCES moderation_cases (id),
  target_type  text NOT NULL CHECK (target_type IN ('post', 'question', 'answer', 'bookmark')),
  target_id    bigint NOT NULL,
  community_id bigint REFERENCES communities (id),
  flagger_id   bigint REFERENCES users (id) ON DELETE CASCADE,
  reason       text NOT NULL CHECK (reason IN ('harassment', 'off_topic', 'sensitive_topic',
                 'confidential', 'spam', 'other')),
  note         text NOT NULL DEFAULT '' CHECK (char_length(note) <= 1000),
  term_id      bigint REFERENCES policy_terms (id) ON DELETE SET NULL,
  term_pattern text,
  term_key     text,
  status       text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  action_id    bigint,                              -- the action that resolved it
  CHECK ((flagger_id IS NULL) = (term_key IS NOT NULL)),
  CHECK ((status = 'resolved') = (action_id IS NOT NULL))
);
-- One open flag per person and target, and per term and target.
CREATE UNIQUE INDEX moderation_flags_open_person ON moderation_flags (target_type, target_id, flagger_id)
  WHERE status = 'open' AND flagger_id IS NOT NULL;
CREATE UNIQUE INDEX moderation_flags_open_term ON moderation_flags (target_type, target_id, term_key)
  WHERE status = 'open' AND flagger_id IS NULL;
CREATE INDEX moderation_flags_case_idx ON moderation_flags (case_id, created_at, id);
CREATE INDEX moderation_flags_target_idx ON moderation_flags (target_type, target_id);
CREATE INDEX moderation_flags_community_idx ON moderation_flags (community_id, status);
-- A policy change that drops terms sets their flags' term_id to NULL: one
-- index lookup per dropped term instead of a scan of every flag.
CREATE INDEX moderation_flags_term_idx ON moderation_flags (term_id) WHERE term_id IS NOT NULL;

-- Every action, append-only; audit_id is its line in the audit log.
CREATE TABLE moderation_actions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  audit_id     bigint NOT NULL UNIQUE REFERENCES audit_log (id),
  case_id      bigint REFERENCES moderation_cases (id),  -- the case it resolved, if any
  flag_id      bigint NOT NULL REFERENCES moderation_flags (id),
  target_type  text NOT NULL,
  target_id    bigint NOT NULL,
  community_id bigint REFERENCES communities (id),
  moderator_id bigint NOT NULL REFERENCES users (id),
  action       text NOT NULL CHECK (action IN ('hide', 'dismiss', 'restore')),
  reason       text NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX moderation_actions_target_idx ON moderation_actions (target_type, target_id, id DESC);
CREATE INDEX moderation_actions_time_idx ON moderation_actions (created_at DESC, audit_id DESC);
CREATE INDEX moderation_actions_community_idx
  ON moderation_actions (community_id, created_at DESC, audit_id DESC);
CREATE TRIGGER moderation_actions_no_change BEFORE UPDATE OR DELETE ON moderation_actions
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();

ALTER TABLE moderation_cases ADD CONSTRAINT moderation_cases_resolution_fk
  FOREIGN KEY (resolution_id) REFERENCES moderation_actions (id);
ALTER TABLE moderation_flags ADD CONSTRAINT moderation_flags_action_fk
  FOREIGN KEY (action_id) REFERENCES moderation_actions (id);

-- The admin's audit page reads the log newest first.
CREATE INDEX audit_log_time_idx ON audit_log (created_at DESC, id DESC);

-- ---- targets ----------------------------------------------------------------

-- What moderation needs to know of one target: its author (a bookmark's
-- owner), community (an answer's question's), title (questions and
-- bookmarks; an answer's question title), text, state. No row when the
-- target does not exist (a deleted bookmark is gone).
CREATE FUNCTION moderation_target(p_type text, p_id bigint)
RETURNS TABLE (author_id bigint, community_id bigint, title text, body text,
               hidden boolean, deleted boolean, private boolean, question_id bigint, url text)
LANGUAGE sql STABLE AS $$
  SELECT p.author_id, p.community_id, NULL::text, p.body, p.hidden,
         p.deleted_at IS NOT NULL, false, NULL::bigint, NULL::text
    FROM posts p WHERE p_type = 'post' AND p.id = p_id
  UNION ALL
  SELECT q.author_id, q.community_id, q.title, q.body, q.hidden,
         q.deleted_at IS NOT NULL, false, NULL::bigint, NULL::text
    FROM questions q WHERE p_type = 'question' AND q.id = p_id
  UNION ALL
  SELECT a.author_id, q.community_id, q.title, a.body, a.hidden,
         a.deleted_at IS NOT NULL OR q.deleted_at IS NOT NULL, false, a.question_id, NULL::text
    FROM answers a JOIN questions q ON q.id = a.question_id
   WHERE p_type = 'answer' AND a.id = p_id
  UNION ALL
  SELECT b.owner_id, NULL::bigint, b.title, b.description, b.hidden, false, b.private,
         NULL::bigint, b.url
    FROM bookmarks b WHERE p_type = 'bookmark' AND b.id = p_id
$$;

-- 1 when viewer moderates content of community (NULL: community-less).
CREATE FUNCTION moderation_moderates(viewer bigint, community bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM users u WHERE u.id = viewer
                  AND u.role IN ('admin', 'community_manager'))
      OR (community IS NOT NULL AND EXISTS (
            SELECT 1 FROM community_members m
             WHERE m.community_id = community AND m.user_id = viewer
               AND m.role = 'manager' AND m.status = 'active'))
$$;

-- What a viewer may know of a hidden item (only call it for hidden ones):
-- its author and its moderators get {"action": "hide", "reason", "at"}
-- from the latest hide (reason and at null when it was hidden otherwise);
-- everyone else NULL, and is shown a placeholder.
CREATE FUNCTION moderation_note(viewer bigint, p_type text, p_id bigint, author bigint,
                                community bigint) RETURNS text
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN viewer = author OR moderation_moderates(viewer, community) THEN
    coalesce((SELECT json_build_object('action', 'hide', 'reason', a.reason,
                                       'at', api_time(a.created_at))::text
                FROM moderation_actions a
               WHERE a.target_type = p_type AND a.target_id = p_id AND a.action = 'hide'
               ORDER BY a.id DESC LIMIT 1),
             '{"action": "hide", "reason": null, "at": null}')
  END
$$;

-- ---- writing flags and actions ---------------------------------------------

-- Adds a flag to the target's open case, opening one when there is none.
-- Returns the flag's id, or NULL when the same person (or term) already
-- has an open flag on the target. The open case is read FOR SHARE: an
-- action resolving it holds it FOR UPDATE, so a flag either joins the case
-- before the action reads its flags, or waits and opens a new case.
CREATE FUNCTION moderation_flag_add(p_type text, p_target bigint, p_community bigint,
    p_flagger bigint, p_reason text, p_note text, p_term bigint, p_pattern text, p_key text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_case bigint;
  v_flag bigint;
BEGIN
  LOOP
    SELECT id INTO v_case FROM moderation_cases
     WHERE target_type = p_type AND target_id = p_target AND status = 'open'
       FOR SHARE;
    EXIT WHEN FOUND;
    INSERT INTO moderation_cases (target_type, target_id, community_id)
    VALUES (p_type, p_target, p_community)
    ON CONFLICT (target_type, target_id) WHERE status = 'open' DO NOTHING
    RETURNING id INTO v_case;
    EXIT WHEN v_case IS NOT NULL;
  END LOOP;
  INSERT INTO moderation_flags (case_id, target_type, target_id, community_id, flagger_id,
                                reason, note, term_id, term_pattern, term_key)
  VALUES (v_case, p_type, p_target, p_community, p_flagger, p_reason, coalesce(p_note, ''),
          p_term, p_pattern, p_key)
  ON CONFLICT DO NOTHING
  RETURNING id INTO v_flag;
  RETURN v_flag;
END $$;

-- A moderator's action on the target of flag p_flag: hide or restore set
-- the target's hidden flag (dismiss leaves it), the target's open case and
-- all its open flags are resolved by it, the author is notified (kind
-- 'moderation', no actor: moderators stay anonymous to authors; detail
-- {"action", "reason"}), and the audit log gets a line. Returns the
-- action's id; NULL when the flag does not exist. The caller checks the
-- moderator's scope first.
CREATE FUNCTION moderation_apply(p_flag bigint, p_moderator bigint, p_action text, p_reason text)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  f moderation_flags%ROWTYPE;
  v_case bigint;
  v_author bigint;
  v_audit bigint;
  v_action bigint;
BEGIN
  SELECT * INTO f FROM moderation_flags WHERE id = p_flag;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  SELECT id INTO v_case FROM moderation_cases
   WHERE target_type = f.target_type AND target_id = f.target_id AND status = 'open'
     FOR UPDATE;
  IF p_action IN ('hide', 'restore') THEN
    CASE f.target_type
    WHEN 'post' THEN
      UPDATE posts SET hidden = (p_action = 'hide') WHERE id = f.target_id
      RETURNING author_id INTO v_author;
    WHEN 'question' THEN
      UPDATE questions SET hidden = (p_action = 'hide') WHERE id = f.target_id
      RETURNING author_id INTO v_author;
    WHEN 'answer' THEN
      UPDATE answers SET hidden = (p_action = 'hide') WHERE id = f.target_id
      RETURNING author_id INTO v_author;
    ELSE
      UPDATE bookmarks SET hidden = (p_action = 'hide') WHERE id = f.target_id
      RETURNING owner_id INTO v_author;
    END CASE;
  ELSE
    SELECT t.author_id INTO v_author FROM moderation_target(f.target_type, f.target_id) t;
  END IF;
  INSERT INTO audit_log (actor_id, action, target_type, target_id, reason)
  VALUES (p_moderator, 'moderation.' || p_action, f.target_type, f.target_id::text, p_reason)
  RETURNING id INTO v_audit;
  INSERT INTO moderation_actions (audit_id, case_id, flag_id, target_type, target_id,
                                  community_id, moderator_id, action, reason)
  VALUES (v_audit, v_case, p_flag, f.target_type, f.target_id, f.community_id, p_moderator,
          p_action, p_reason)
  RETURNING id INTO v_action;
  IF v_case IS NOT NULL THEN
    UPDATE moderation_flags SET status = 'resolved', action_id = v_action
     WHERE case_id = v_case AND status = 'open';
    UPDATE moderation_cases SET status = 'resolved', resolved_at = now(), resolution_id = v_action
     WHERE id = v_case;
  END IF;
  PERFORM notify(v_author, 'moderation', NULL, f.target_type, f.target_id,
                 json_build_object('action', p_action, 'reason', p_reason)::text);
  RETURN v_action;
END $$;

-- ---- automatic flags ------------------------------------------------------------

-- New rows, one statement at a time (imports of thousands of bookmarks or
-- Stack Exchange posts are one pass): each row's text against the terms.
-- Private bookmarks are their owner's notes and are not scanned.
CREATE FUNCTION moderation_scan_insert() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM policy_terms) THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'posts' THEN
    PERFORM moderation_flag_add('post', r.id, r.community_id, NULL, m.category, '',
                                m.term_id, m.pattern, m.match_key)
       FROM new_rows r CROSS JOIN LATERAL moderation_match(r.body) m;
  ELSIF TG_TABLE_NAME = 'questions' THEN
    PERFORM moderation_flag_add('question', r.id, r.community_id, NULL, m.category, '',
                                m.term_id, m.pattern, m.match_key)
       FROM new_rows r CROSS JOIN LATERAL moderation_match(
              r.title || E'\n' || r.body || E'\n' || array_to_string(r.tags, ' ')) m;
  ELSIF TG_TABLE_NAME = 'answers' THEN
    PERFORM moderation_flag_add('answer', r.id, q.community_id, NULL, m.category, '',
                                m.term_id, m.pattern, m.match_key)
       FROM new_rows r JOIN questions q ON q.id = r.question_id
       CROSS JOIN LATERAL moderation_match(r.body) m;
  ELSIF TG_TABLE_NAME = 'bookmarks' THEN
    PERFORM moderation_flag_add('bookmark', r.id, NULL, NULL, m.category, '',
                                m.term_id, m.pattern, m.match_key)
       FROM new_rows r CROSS JOIN LATERAL moderation_match(
              r.title || E'\n' || r.description || E'\n' || array_to_string(r.tags, ' ')) m
      WHERE NOT r.private;
  END IF;
  RETURN NULL;
END $$;

-- An edit that changed the text (the triggers' WHEN clauses: an edit that
-- does not change it never gets here). A term is flagged when the new text
-- matches it, unless the old text matched it too and a flag for that term
-- on this target exists already (open: no duplicate; resolved: a moderator
-- has seen it, and fixing a typo elsewhere is no new reason to look). A
-- bookmark made public is new to everyone else: its old text counts as
-- unseen.
CREATE FUNCTION moderation_scan_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  v_type text;
  v_new text;
  v_old text;
  v_community bigint;
  v_old_form text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM policy_terms) THEN
    RETURN NULL;
  END IF;
  IF TG_TABLE_NAME = 'posts' THEN
    v_type := 'post';
    v_new := NEW.body;
    v_old := OLD.body;
    v_community := NEW.community_id;
  ELSIF TG_TABLE_NAME = 'questions' THEN
    v_type := 'question';
    v_new := NEW.title || E'\n' || NEW.body || E'\n' || array_to_string(NEW.tags, ' ');
    v_old := OLD.title || E'\n' || OLD.body || E'\n' || array_to_string(OLD.tags, ' ');
    v_community := NEW.community_id;
  ELSIF TG_TABLE_NAME = 'answers' THEN
    v_type := 'answer';
    v_new := NEW.body;
    v_old := OLD.body;
    SELECT community_id INTO v_community FROM questions WHERE id = NEW.question_id;
  ELSE
    v_type := 'bookmark';
    v_new := NEW.title || E'\n' || NEW.description || E'\n' || array_to_string(NEW.tags, ' ');
    v_old := CASE WHEN OLD.private THEN NULL
             ELSE OLD.title || E'\n' || OLD.description || E'\n' || array_to_string(OLD.tags, ' ')
             END;
    v_community := NULL;
  END IF;
  v_old_form := moderation_norm(v_old);
  PERFORM moderation_flag_add(v_type, NEW.id, v_community, NULL, m.category, '',
                              m.term_id, m.pattern, m.match_key)
     FROM moderation_match(v_new) m
    WHERE v_old_form IS NULL OR strpos(v_old_form, m.match_key) = 0
       OR NOT EXISTS (SELECT 1 FROM moderation_flags f
                       WHERE f.target_type = v_type AND f.target_id = NEW.id
                         AND f.term_key = m.match_key);
  RETURN NULL;
END $$;

CREATE TRIGGER moderation_scan_insert AFTER INSERT ON posts
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION moderation_scan_insert();
CREATE TRIGGER moderation_scan_insert AFTER INSERT ON questions
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION moderation_scan_insert();
CREATE TRIGGER moderation_scan_insert AFTER INSERT ON answers
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION moderation_scan_insert();
CREATE TRIGGER moderation_scan_insert AFTER INSERT ON bookmarks
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION moderation_scan_insert();

CREATE TRIGGER moderation_scan_update AFTER UPDATE OF body ON posts
  FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body)
  EXECUTE FUNCTION moderation_scan_row();
CREATE TRIGGER moderation_scan_update AFTER UPDATE OF title, body, tags ON questions
  FOR EACH ROW WHEN ((OLD.title, OLD.body, OLD.tags) IS DISTINCT FROM
                     (NEW.title, NEW.body, NEW.tags))
  EXECUTE FUNCTION moderation_scan_row();
CREATE TRIGGER moderation_scan_update AFTER UPDATE OF body ON answers
  FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body)
  EXECUTE FUNCTION moderation_scan_row();
CREATE TRIGGER moderation_scan_update AFTER UPDATE OF title, description, tags, private ON bookmarks
  FOR EACH ROW WHEN (NOT NEW.private AND (OLD.private OR
                     (OLD.title, OLD.description, OLD.tags) IS DISTINCT FROM
                     (NEW.title, NEW.description, NEW.tags)))
  EXECUTE FUNCTION moderation_scan_row();
