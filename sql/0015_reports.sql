-- 0015: rollups behind the collaboration and network reports (issue 6,
-- app/report_collab.c, app/report_network.c), kept up to date by triggers
-- in the transaction that writes the activity, so reports are as fresh as
-- the last commit and read only small, pre-aggregated tables.
--
-- What counts (the reports' definitions):
--   * Activity: live posts (root posts and replies), questions and answers
--     (not deleted, not hidden: deleting or hiding one takes it out of the
--     figures, restoring it puts it back), and likes. A person is "active"
--     in a week when they did any of these.
--   * Ties, person to person (actor -> target): a reply (-> the author of
--     the post replied to), an answer (-> the asker), a mention in a live
--     post (-> the person mentioned), a like (-> the post's author), an
--     endorsement (-> the person endorsed), and customer-link collaboration:
--     two people who both wrote internal messages for the same customer
--     conversation (customer_internal_messages(), 0010); the one who joined
--     later is the actor, at the time they joined. Ties to oneself do not
--     count.
--   * Threads: a post and its replies; a conversation is a thread with at
--     least two distinct people; its turns are the changes of author along
--     its messages in time order, counting the first message (A B A = 3,
--     A A B = 2).
--   * Questions: answered when someone other than the asker answered;
--     minutes to the first such answer.
--
-- Departments are the ones people were in when they acted: users'
-- department changes (PATCH /me, LDIF imports) are kept as spans in
-- report_departments, so a move never rewrites past weeks. Names are
-- compared trimmed and as written; '' is "no department".
--
-- People who opted out of analytics (users.analytics_opt_out) are left out
-- of every rollup entirely: their activity, ties to or from them, their
-- messages in threads (turns and participants are counted without them),
-- threads they started and questions they asked. Changing the flag
-- removes or restores all of it in the same transaction.
--
-- Weeks are ISO weeks in UTC, stored as their Monday. report_rebuild()
-- recomputes everything from the source tables (the backfill at the end
-- uses it); the triggers maintain the same figures one change at a time.
--
-- Two levels. The triggers keep per-person rows (report_activity,
-- report_ties_*, report_people) and per-thread and per-question rows, and
-- note the weeks they touched in report_dirty, an append-only queue (no
-- row is ever updated by two writers, so writers never wait for each
-- other). Reports read per-week aggregates (report_units: department x
-- week; report_cells: department x department x week), which
-- report_refresh() recomputes for the queued weeks just before a report
-- reads them: figures are exact as of the moment the report starts.
--
-- The functions that apply one change run with enable_seqscan off. They
-- only ever look rows up by key, and plpgsql keeps a plan per session: a
-- plan made while a rollup was small (new database, or early in a bulk
-- import that fills it within one transaction, where statistics cannot
-- follow) would scan the whole table on every row ever after. Measured:
-- 20,000 posts in one statement on a new database, 11.2 s with the
-- default, 1.4 s with it off.

ALTER TABLE users ADD COLUMN analytics_opt_out boolean NOT NULL DEFAULT false;

CREATE FUNCTION report_week(t timestamptz) RETURNS date
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT date_trunc('week', t AT TIME ZONE 'UTC')::date
$$;

-- A week (its Monday) as an ISO year and a bit of a bigint (week 1: bit 0).
CREATE FUNCTION report_year(week date) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT extract(isoyear FROM week)::integer
$$;
CREATE FUNCTION report_bit(week date) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT 1::bigint << (extract(week FROM week)::integer - 1)
$$;

-- ---- departments over time ----------------------------------------------

-- [since, until): the department a person was in. One open span
-- (until = infinity) per person; the first starts at -infinity so that
-- imported activity older than the account still has a department.
CREATE TABLE report_departments (
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  since      timestamptz NOT NULL,
  until      timestamptz NOT NULL DEFAULT 'infinity',
  department text NOT NULL,
  PRIMARY KEY (user_id, since)
);

-- The people whose opt-out the rollups reflect. users.analytics_opt_out is
-- the wish; this table follows it one person at a time (the trigger at the
-- end), so that when one statement changes several people each change is
-- applied against the state the previous one left.
CREATE TABLE report_opted_out (
  user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE
);

-- The spans of people who take part in analytics.
CREATE VIEW report_counted AS
  SELECT d.user_id, d.department, d.since, d.until
  FROM report_departments d
  WHERE NOT EXISTS (SELECT 1 FROM report_opted_out o
                    WHERE o.user_id = d.user_id);

CREATE FUNCTION report_departments_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO report_departments (user_id, since, department)
    VALUES (NEW.id, '-infinity', btrim(NEW.department));
    IF NEW.analytics_opt_out THEN
      INSERT INTO report_opted_out (user_id) VALUES (NEW.id);
    END IF;
  ELSIF btrim(NEW.department) IS DISTINCT FROM btrim(OLD.department) THEN
    UPDATE report_departments SET until = now()
     WHERE user_id = NEW.id AND until = 'infinity' AND since < now();
    INSERT INTO report_departments (user_id, since, department)
    VALUES (NEW.id, now(), btrim(NEW.department))
    ON CONFLICT (user_id, since) DO UPDATE SET department = EXCLUDED.department;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_departments_insert AFTER INSERT ON users
  FOR EACH ROW EXECUTE FUNCTION report_departments_track();
CREATE TRIGGER report_departments_update AFTER UPDATE OF department ON users
  FOR EACH ROW EXECUTE FUNCTION report_departments_track();

-- The department p_user was in at p_at, or NULL when they do not count
-- (opted out; p_counted names one person to count anyway, which is how an
-- opt-out takes back what was counted before the flag changed).
-- (plpgsql, not sql: the triggers call it several times per message, and
-- plpgsql keeps its plan for the session.)
CREATE FUNCTION report_person(p_user bigint, p_at timestamptz,
  p_counted bigint DEFAULT NULL) RETURNS text
LANGUAGE plpgsql SET enable_seqscan = off STABLE AS $$
BEGIN
  RETURN (SELECT d.department FROM report_departments d
    WHERE d.user_id = p_user AND d.since <= p_at AND p_at < d.until
      AND (p_user = p_counted OR NOT EXISTS (
        SELECT 1 FROM report_opted_out o WHERE o.user_id = p_user)));
END $$;

-- ---- the rollups --------------------------------------------------------

-- Per ISO week, department and person: what they did. A row exists only
-- while something is counted in it, so its people are count(*).
CREATE TABLE report_activity (
  week       date NOT NULL,
  department text NOT NULL,
  user_id    bigint NOT NULL,
  posts      integer NOT NULL DEFAULT 0,
  replies    integer NOT NULL DEFAULT 0,
  questions  integer NOT NULL DEFAULT 0,
  answers    integer NOT NULL DEFAULT 0,
  likes      integer NOT NULL DEFAULT 0,
  conversations integer NOT NULL DEFAULT 0,	-- started, in report_threads
  PRIMARY KEY (week, department, user_id)
);
CREATE INDEX report_activity_user_idx ON report_activity (user_id);

-- Ties per week, from department, to department and actor (out) or target
-- (in): the people on each side of a cell are count(*) of its rows.
CREATE TABLE report_ties_out (
  week            date NOT NULL,
  from_department text NOT NULL,
  to_department   text NOT NULL,
  user_id         bigint NOT NULL,
  replies         integer NOT NULL DEFAULT 0,
  answers         integer NOT NULL DEFAULT 0,
  mentions        integer NOT NULL DEFAULT 0,
  likes           integer NOT NULL DEFAULT 0,
  endorsements    integer NOT NULL DEFAULT 0,
  customer        integer NOT NULL DEFAULT 0,
  PRIMARY KEY (week, from_department, to_department, user_id)
);
CREATE TABLE report_ties_in (
  week            date NOT NULL,
  from_department text NOT NULL,
  to_department   text NOT NULL,
  user_id         bigint NOT NULL,
  ties            integer NOT NULL DEFAULT 0,
  PRIMARY KEY (week, from_department, to_department, user_id)
);

-- Threads with at least one counted reply, filed under their root post's
-- week and its author's department.
CREATE TABLE report_threads (
  root_id      bigint PRIMARY KEY,
  week         date NOT NULL,
  department   text NOT NULL,
  user_id      bigint NOT NULL,
  messages     integer NOT NULL,
  participants integer NOT NULL,
  turns        integer NOT NULL,
  last_author  bigint NOT NULL
);
CREATE INDEX report_threads_week_idx ON report_threads (week, department);
CREATE TABLE report_thread_people (
  root_id bigint NOT NULL,
  user_id bigint NOT NULL,
  PRIMARY KEY (root_id, user_id)
);

-- Counted questions, filed under their week and the asker's department.
CREATE TABLE report_questions (
  question_id     bigint PRIMARY KEY,
  week            date NOT NULL,
  department      text NOT NULL,
  user_id         bigint NOT NULL,
  created_at      timestamptz NOT NULL,
  first_answer_at timestamptz
);
CREATE INDEX report_questions_week_idx ON report_questions (week, department);

-- The counted people behind each customer conversation's internal
-- messages, and when each first contributed (the pairs are the ties).
CREATE TABLE report_customer_people (
  conversation_id bigint NOT NULL,
  user_id         bigint NOT NULL,
  first_at        timestamptz NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX report_customer_people_user_idx ON report_customer_people (user_id);

-- Per department and person, the weeks they were active in, asked a
-- question in, and started a conversation in, as bits: element y - 1969
-- of an array is ISO year y, its bit w - 1 week w. Reports count distinct
-- people over any set of weeks from these, without reading person-weeks.
CREATE TABLE report_people (
  department text NOT NULL,
  user_id    bigint NOT NULL,
  active     bigint[] NOT NULL DEFAULT '{}',
  asked      bigint[] NOT NULL DEFAULT '{}',
  started    bigint[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (department, user_id)
);
CREATE INDEX report_people_user_idx ON report_people (user_id);

-- bits with week's bit set (or cleared).
CREATE FUNCTION report_bits(bits bigint[], week date, set_it boolean)
RETURNS bigint[] LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
  i integer := report_year(week) - 1969;
BEGIN
  bits[i] := CASE WHEN set_it THEN coalesce(bits[i], 0) | report_bit(week)
    ELSE coalesce(bits[i], 0) & ~report_bit(week) END;
  RETURN bits;
END $$;
CREATE FUNCTION report_bits_or(bits bigint[], week date) RETURNS bigint[]
LANGUAGE sql IMMUTABLE AS $$ SELECT report_bits(bits, week, true) $$;
-- The bits of a set of weeks (rebuilds).
CREATE AGGREGATE report_bits_agg(date) (
  SFUNC = report_bits_or, STYPE = bigint[], INITCOND = '{}'
);

-- Aggregates that are out of date: a unit (week, department; cell false,
-- to_department '') or a cell (week, from department, to department; cell
-- true), once per writing transaction (the transaction id is part of the
-- key, so a transaction only ever conflicts with itself).
CREATE TABLE report_dirty (
  week          date NOT NULL,
  cell          boolean NOT NULL,
  department    text NOT NULL,
  to_department text NOT NULL,
  xid           xid8 NOT NULL DEFAULT pg_current_xact_id(),
  PRIMARY KEY (week, cell, department, to_department, xid)
);

-- Per department and week: distinct active people and what they did.
CREATE TABLE report_units (
  week          date NOT NULL,
  department    text NOT NULL,
  people        integer NOT NULL,
  posts         integer NOT NULL,
  replies       integer NOT NULL,
  conversations integer NOT NULL,
  turns         integer NOT NULL,
  questions     integer NOT NULL,
  answered      integer NOT NULL,
  starters      integer NOT NULL,	-- distinct people who started them
  askers        integer NOT NULL,	-- distinct people who asked
  crossing      integer NOT NULL,	-- cross-department interactions
  PRIMARY KEY (week, department)
);

-- Per department pair and week: distinct actors and targets, and ties.
CREATE TABLE report_cells (
  week            date NOT NULL,
  from_department text NOT NULL,
  to_department   text NOT NULL,
  actors          integer NOT NULL,
  targets         integer NOT NULL,
  replies         integer NOT NULL,
  answers         integer NOT NULL,
  mentions        integer NOT NULL,
  likes           integer NOT NULL,
  endorsements    integer NOT NULL,
  customer        integer NOT NULL,
  PRIMARY KEY (week, from_department, to_department)
);

-- Queues a unit (p_to NULL) or a cell. The last one queued is
-- remembered in a transaction-local setting, so the many calls of one
-- message mostly stop there.
CREATE FUNCTION report_touch(p_week date, p_dept text, p_to text DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  v_key text := json_build_array(p_week, p_dept, p_to,
    pg_current_xact_id()::text)::text;
BEGIN
  IF current_setting('parley.report_touched', true) IS DISTINCT FROM v_key
  THEN
    INSERT INTO report_dirty (week, cell, department, to_department)
    VALUES (p_week, p_to IS NOT NULL, p_dept, coalesce(p_to, ''))
    ON CONFLICT DO NOTHING;
    PERFORM set_config('parley.report_touched', v_key, true);
  END IF;
END $$;

-- What report_units and report_cells hold, computed from the per-person
-- rollups (read with a week filter: the filter reaches every branch).
CREATE VIEW report_units_source AS
  SELECT week, department, sum(people)::integer AS people,
    sum(posts)::integer AS posts, sum(replies)::integer AS replies,
    sum(conversations)::integer AS conversations, sum(turns)::integer AS turns,
    sum(questions)::integer AS questions, sum(answered)::integer AS answered,
    sum(starters)::integer AS starters, sum(askers)::integer AS askers,
    sum(crossing)::integer AS crossing
  FROM (
    SELECT week, department, count(*) AS people, sum(posts) AS posts,
      sum(replies) AS replies, 0 AS conversations, 0 AS turns,
      0 AS questions, 0 AS answered,
      count(*) FILTER (WHERE conversations > 0) AS starters,
      count(*) FILTER (WHERE questions > 0) AS askers, 0 AS crossing
    FROM report_activity GROUP BY 1, 2
    UNION ALL
    SELECT week, department, 0, 0, 0, count(*), sum(turns), 0, 0, 0, 0, 0
    FROM report_threads WHERE participants >= 2 GROUP BY 1, 2
    UNION ALL
    SELECT week, department, 0, 0, 0, 0, 0, count(*), count(first_answer_at),
      0, 0, 0
    FROM report_questions GROUP BY 1, 2
    UNION ALL
    SELECT week, from_department, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      sum(replies + answers + mentions + likes)
    FROM report_ties_out WHERE from_department <> to_department
    GROUP BY 1, 2) x
  GROUP BY 1, 2;
CREATE VIEW report_cells_source AS
  SELECT o.week, o.from_department, o.to_department, o.actors::integer,
    coalesce(i.targets, 0)::integer AS targets, o.replies::integer,
    o.answers::integer, o.mentions::integer, o.likes::integer,
    o.endorsements::integer, o.customer::integer
  FROM (SELECT week, from_department, to_department, count(*) AS actors,
          sum(replies) AS replies, sum(answers) AS answers,
          sum(mentions) AS mentions, sum(likes) AS likes,
          sum(endorsements) AS endorsements, sum(customer) AS customer
        FROM report_ties_out GROUP BY 1, 2, 3) o
  LEFT JOIN (SELECT week, from_department, to_department, count(*) AS targets
        FROM report_ties_in GROUP BY 1, 2, 3) i
    USING (week, from_department, to_department);

-- Recomputes the queued units and cells and empties the queue of what it
-- saw. Reports call it in a transaction of its own (read committed)
-- before theirs: what a transaction queues and commits meanwhile stays
-- queued for the next call. Concurrent callers take turns. Returns how
-- many units and cells it recomputed.
CREATE FUNCTION report_refresh() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  uw date[];	-- units: weeks and departments
  ud text[];
  cw date[];	-- cells: weeks, from and to departments
  cf text[];
  ct text[];
  v_weeks date[];
BEGIN
  PERFORM pg_advisory_xact_lock(7226015);
  WITH d AS (DELETE FROM report_dirty RETURNING *),
  u AS (SELECT DISTINCT week, department FROM d WHERE NOT cell),
  c AS (SELECT DISTINCT week, department, to_department FROM d WHERE cell)
  SELECT (SELECT array_agg(week ORDER BY week, department) FROM u),
    (SELECT array_agg(department ORDER BY week, department) FROM u),
    (SELECT array_agg(week ORDER BY week, department, to_department) FROM c),
    (SELECT array_agg(department ORDER BY week, department, to_department)
       FROM c),
    (SELECT array_agg(to_department ORDER BY week, department, to_department)
       FROM c)
  INTO uw, ud, cw, cf, ct;

  -- Many keys (after a bulk load): whole weeks at once are much faster
  -- than key by key, and the planner then needs fresh statistics.
  IF coalesce(cardinality(uw), 0) + coalesce(cardinality(cw), 0) > 2000 THEN
    v_weeks := ARRAY(SELECT DISTINCT w FROM unnest(uw || cw) w);
    DELETE FROM report_units WHERE week = ANY (v_weeks);
    INSERT INTO report_units (week, department, people, posts, replies,
      conversations, turns, questions, answered, starters, askers, crossing)
    SELECT week, department, people, posts, replies, conversations, turns,
      questions, answered, starters, askers, crossing
    FROM report_units_source WHERE week = ANY (v_weeks);
    DELETE FROM report_cells WHERE week = ANY (v_weeks);
    INSERT INTO report_cells (week, from_department, to_department, actors,
      targets, replies, answers, mentions, likes, endorsements, customer)
    SELECT week, from_department, to_department, actors, targets, replies,
      answers, mentions, likes, endorsements, customer
    FROM report_cells_source WHERE week = ANY (v_weeks);
    ANALYZE report_units, report_cells;
    RETURN coalesce(cardinality(uw), 0) + coalesce(cardinality(cw), 0);
  END IF;

  DELETE FROM report_units
   WHERE (week, department) IN (SELECT * FROM unnest(uw, ud));
  INSERT INTO report_units (week, department, people, posts, replies,
    conversations, turns, questions, answered, starters, askers, crossing)
  SELECT week, department, sum(people), sum(posts), sum(replies),
    sum(conversations), sum(turns), sum(questions), sum(answered),
    sum(starters), sum(askers), sum(crossing)
  FROM (
    SELECT week, department, count(*) AS people, sum(posts) AS posts,
      sum(replies) AS replies, 0 AS conversations, 0 AS turns,
      0 AS questions, 0 AS answered,
      count(*) FILTER (WHERE conversations > 0) AS starters,
      count(*) FILTER (WHERE questions > 0) AS askers, 0 AS crossing
    FROM report_activity
    WHERE (week, department) IN (SELECT * FROM unnest(uw, ud))
    GROUP BY 1, 2
    UNION ALL
    SELECT week, department, 0, 0, 0, count(*), sum(turns), 0, 0, 0, 0, 0
    FROM report_threads
    WHERE (week, department) IN (SELECT * FROM unnest(uw, ud))
      AND participants >= 2
    GROUP BY 1, 2
    UNION ALL
    SELECT week, department, 0, 0, 0, 0, 0, count(*), count(first_answer_at),
      0, 0, 0
    FROM report_questions
    WHERE (week, department) IN (SELECT * FROM unnest(uw, ud))
    GROUP BY 1, 2
    UNION ALL
    SELECT week, from_department, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      sum(replies + answers + mentions + likes)
    FROM report_ties_out
    WHERE (week, from_department) IN (SELECT * FROM unnest(uw, ud))
      AND from_department <> to_department
    GROUP BY 1, 2) x
  GROUP BY 1, 2;

  DELETE FROM report_cells
   WHERE (week, from_department, to_department)
      IN (SELECT * FROM unnest(cw, cf, ct));
  INSERT INTO report_cells (week, from_department, to_department, actors,
    targets, replies, answers, mentions, likes, endorsements, customer)
  SELECT o.week, o.from_department, o.to_department, o.actors,
    coalesce(i.targets, 0), o.replies, o.answers, o.mentions, o.likes,
    o.endorsements, o.customer
  FROM (SELECT week, from_department, to_department, count(*) AS actors,
          sum(replies) AS replies, sum(answers) AS answers,
          sum(mentions) AS mentions, sum(likes) AS likes,
          sum(endorsements) AS endorsements, sum(customer) AS customer
        FROM report_ties_out
        WHERE (week, from_department, to_department)
           IN (SELECT * FROM unnest(cw, cf, ct))
        GROUP BY 1, 2, 3) o
  LEFT JOIN (SELECT week, from_department, to_department, count(*) AS targets
        FROM report_ties_in
        WHERE (week, from_department, to_department)
           IN (SELECT * FROM unnest(cw, cf, ct))
        GROUP BY 1, 2, 3) i
    USING (week, from_department, to_department);
  RETURN coalesce(cardinality(uw), 0) + coalesce(cardinality(cw), 0);
END $$;

-- ---- applying one change --------------------------------------------------

-- Sets or clears one week's bit of one of a person's report_people arrays
-- ('active', 'asked' or 'started').
CREATE FUNCTION report_people_bit(p_dept text, p_user bigint, p_week date,
  p_which text, p_set boolean) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  INSERT INTO report_people (department, user_id) VALUES (p_dept, p_user)
  ON CONFLICT DO NOTHING;
  UPDATE report_people SET
    active = CASE WHEN p_which = 'active'
      THEN report_bits(active, p_week, p_set) ELSE active END,
    asked = CASE WHEN p_which = 'asked'
      THEN report_bits(asked, p_week, p_set) ELSE asked END,
    started = CASE WHEN p_which = 'started'
      THEN report_bits(started, p_week, p_set) ELSE started END
  WHERE department = p_dept AND user_id = p_user;
  IF NOT p_set THEN		-- no bit left: no row
    DELETE FROM report_people
     WHERE department = p_dept AND user_id = p_user
       AND NOT EXISTS (SELECT 1 FROM unnest(active || asked || started) b
                       WHERE b <> 0);
  END IF;
END $$;

-- Adds (or with negative counts takes away) activity to one person-week
-- row, keeping report_people's bits in step: active while the row exists,
-- asked while it has questions, started while it has conversations.
CREATE FUNCTION report_activity_apply(p_week date, p_dept text,
  p_user bigint, p_posts integer, p_replies integer, p_questions integer,
  p_answers integer, p_likes integer, p_conversations integer)
RETURNS void LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  v_new  boolean;
  v_q    integer;
  v_c    integer;
  v_gone boolean;
BEGIN
  INSERT INTO report_activity AS a (week, department, user_id, posts, replies,
    questions, answers, likes, conversations)
  VALUES (p_week, p_dept, p_user, p_posts, p_replies, p_questions, p_answers,
    p_likes, p_conversations)
  ON CONFLICT (week, department, user_id) DO UPDATE SET
    posts = a.posts + EXCLUDED.posts, replies = a.replies + EXCLUDED.replies,
    questions = a.questions + EXCLUDED.questions,
    answers = a.answers + EXCLUDED.answers, likes = a.likes + EXCLUDED.likes,
    conversations = a.conversations + EXCLUDED.conversations
  RETURNING (xmax = 0), questions, conversations INTO v_new, v_q, v_c;
  IF v_new THEN			-- inserted, not updated
    PERFORM report_people_bit(p_dept, p_user, p_week, 'active', true);
  END IF;
  IF (v_q - p_questions > 0) <> (v_q > 0) THEN
    PERFORM report_people_bit(p_dept, p_user, p_week, 'asked', v_q > 0);
  END IF;
  IF (v_c - p_conversations > 0) <> (v_c > 0) THEN
    PERFORM report_people_bit(p_dept, p_user, p_week, 'started', v_c > 0);
  END IF;
  IF least(p_posts, p_replies, p_questions, p_answers, p_likes,
     p_conversations) < 0 THEN
    DELETE FROM report_activity
     WHERE week = p_week AND department = p_dept AND user_id = p_user
       AND posts <= 0 AND replies <= 0 AND questions <= 0 AND answers <= 0
       AND likes <= 0 AND conversations <= 0
    RETURNING true INTO v_gone;
    IF v_gone THEN
      PERFORM report_people_bit(p_dept, p_user, p_week, 'active', false);
    END IF;
  END IF;
  PERFORM report_touch(p_week, p_dept);
END $$;

-- Adds (or with negative counts takes away) one person's activity at p_at.
CREATE FUNCTION report_activity_add(p_user bigint, p_at timestamptz,
  p_posts integer, p_replies integer, p_questions integer, p_answers integer,
  p_likes integer) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  v_dept text := report_person(p_user, p_at);
BEGIN
  IF v_dept IS NOT NULL THEN
    PERFORM report_activity_apply(report_week(p_at), v_dept, p_user,
      p_posts, p_replies, p_questions, p_answers, p_likes, 0);
  END IF;
END $$;

-- A thread of p_user's (filed under p_week, p_dept) became (1) or stopped
-- being (-1) a conversation.
CREATE FUNCTION report_activity_conversation(p_user bigint, p_week date,
  p_dept text, p_delta integer) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM report_opted_out WHERE user_id = p_user) THEN
    PERFORM report_activity_apply(p_week, p_dept, p_user, 0, 0, 0, 0, 0,
      p_delta);
  END IF;
END $$;

-- Adds (p_delta 1) or takes away (-1) one tie of kind p_kind ('replies',
-- 'answers', 'mentions', 'likes', 'endorsements', 'customer').
CREATE FUNCTION report_tie(p_kind text, p_actor bigint, p_target bigint,
  p_at timestamptz, p_delta integer, p_counted bigint DEFAULT NULL)
RETURNS void LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  v_from text;
  v_to   text;
  v_week date := report_week(p_at);
BEGIN
  IF p_actor IS NULL OR p_target IS NULL OR p_actor = p_target THEN
    RETURN;
  END IF;
  v_from := report_person(p_actor, p_at, p_counted);
  v_to := report_person(p_target, p_at, p_counted);
  IF v_from IS NULL OR v_to IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO report_ties_out AS t (week, from_department, to_department,
    user_id, replies, answers, mentions, likes, endorsements, customer)
  VALUES (v_week, v_from, v_to, p_actor,
    CASE p_kind WHEN 'replies' THEN p_delta ELSE 0 END,
    CASE p_kind WHEN 'answers' THEN p_delta ELSE 0 END,
    CASE p_kind WHEN 'mentions' THEN p_delta ELSE 0 END,
    CASE p_kind WHEN 'likes' THEN p_delta ELSE 0 END,
    CASE p_kind WHEN 'endorsements' THEN p_delta ELSE 0 END,
    CASE p_kind WHEN 'customer' THEN p_delta ELSE 0 END)
  ON CONFLICT (week, from_department, to_department, user_id) DO UPDATE SET
    replies = t.replies + EXCLUDED.replies,
    answers = t.answers + EXCLUDED.answers,
    mentions = t.mentions + EXCLUDED.mentions,
    likes = t.likes + EXCLUDED.likes,
    endorsements = t.endorsements + EXCLUDED.endorsements,
    customer = t.customer + EXCLUDED.customer;
  INSERT INTO report_ties_in AS t (week, from_department, to_department,
    user_id, ties)
  VALUES (v_week, v_from, v_to, p_target, p_delta)
  ON CONFLICT (week, from_department, to_department, user_id) DO UPDATE SET
    ties = t.ties + EXCLUDED.ties;
  PERFORM report_touch(v_week, v_from, v_to);
  PERFORM report_touch(v_week, v_from);		-- its crossing figure
  IF p_delta < 0 THEN
    DELETE FROM report_ties_out
     WHERE week = v_week AND from_department = v_from
       AND to_department = v_to AND user_id = p_actor
       AND replies <= 0 AND answers <= 0 AND mentions <= 0 AND likes <= 0
       AND endorsements <= 0 AND customer <= 0;
    DELETE FROM report_ties_in
     WHERE week = v_week AND from_department = v_from
       AND to_department = v_to AND user_id = p_target AND ties <= 0;
  END IF;
END $$;

-- Recomputes the rows of the given threads from their live posts by
-- counted people (a thread needs its root and at least one reply).
CREATE FUNCTION report_thread_refresh(p_roots bigint[]) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  DELETE FROM report_thread_people WHERE root_id = ANY (p_roots);
  PERFORM report_touch(week, department) FROM (
    SELECT DISTINCT week, department FROM report_threads
    WHERE root_id = ANY (p_roots)) w;
  PERFORM report_activity_conversation(user_id, week, department, -1)
  FROM report_threads WHERE root_id = ANY (p_roots) AND participants >= 2;
  DELETE FROM report_threads WHERE root_id = ANY (p_roots);
  WITH m AS (
    SELECT p.root_id, p.id, p.author_id, p.created_at, c.department,
      p.reply_to IS NULL AS is_root,
      lag(p.author_id) OVER (PARTITION BY p.root_id
        ORDER BY p.created_at, p.id) AS previous
    FROM posts p JOIN report_counted c ON c.user_id = p.author_id
      AND c.since <= p.created_at AND p.created_at < c.until
    WHERE p.root_id = ANY (p_roots) AND p.deleted_at IS NULL
      AND NOT p.hidden),
  t AS (
    SELECT m.root_id, count(*) AS messages,
      count(DISTINCT m.author_id) AS participants,
      count(*) FILTER (WHERE m.previous IS DISTINCT FROM m.author_id) AS turns,
      (array_agg(m.author_id ORDER BY m.created_at DESC, m.id DESC))[1]
        AS last_author
    FROM m GROUP BY m.root_id
    HAVING bool_or(m.is_root) AND count(*) >= 2),
  ins AS (
    INSERT INTO report_threads (root_id, week, department, user_id, messages,
      participants, turns, last_author)
    SELECT t.root_id, report_week(r.created_at), r.department, r.author_id,
      t.messages, t.participants, t.turns, t.last_author
    FROM t JOIN m r ON r.id = t.root_id
    RETURNING root_id)
  INSERT INTO report_thread_people (root_id, user_id)
  SELECT DISTINCT m.root_id, m.author_id FROM m JOIN ins USING (root_id);
  PERFORM report_touch(week, department) FROM (
    SELECT DISTINCT week, department FROM report_threads
    WHERE root_id = ANY (p_roots)) w;
  PERFORM report_activity_conversation(user_id, week, department, 1)
  FROM report_threads WHERE root_id = ANY (p_roots) AND participants >= 2;
END $$;

-- A new counted reply at the end of a thread: one more message, a turn when
-- the author changes, a participant when they are new.
CREATE FUNCTION report_thread_reply(p_root bigint, p_author bigint,
  p_at timestamptz) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  v_new          integer;
  v_week         date;
  v_dept         text;
  v_starter      bigint;
  v_participants integer;
BEGIN
  IF report_person(p_author, p_at) IS NULL THEN
    RETURN;
  END IF;
  PERFORM 1 FROM report_threads WHERE root_id = p_root FOR UPDATE;
  IF NOT FOUND THEN
    -- The first counted reply: the thread so far is its root. (Not a
    -- recount: replies inserted by the same statement are visible already
    -- and are added by their own trigger calls.)
    INSERT INTO report_threads (root_id, week, department, user_id,
      messages, participants, turns, last_author)
    SELECT r.id, report_week(r.created_at), x.department, r.author_id, 1, 1,
      1, r.author_id
    FROM posts r CROSS JOIN LATERAL (
      SELECT report_person(r.author_id, r.created_at) AS department) x
    WHERE r.id = p_root AND r.deleted_at IS NULL AND NOT r.hidden
      AND x.department IS NOT NULL
    ON CONFLICT (root_id) DO NOTHING;
    INSERT INTO report_thread_people (root_id, user_id)
    SELECT root_id, user_id FROM report_threads WHERE root_id = p_root
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM report_threads WHERE root_id = p_root FOR UPDATE;
    IF NOT FOUND THEN
      RETURN;		-- the root does not count
    END IF;
  END IF;
  INSERT INTO report_thread_people (root_id, user_id) VALUES (p_root, p_author)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS v_new = ROW_COUNT;
  UPDATE report_threads SET messages = messages + 1,
    participants = participants + v_new,
    turns = turns + (last_author <> p_author)::integer,
    last_author = p_author
  WHERE root_id = p_root
  RETURNING week, department, user_id, participants
  INTO v_week, v_dept, v_starter, v_participants;
  PERFORM report_touch(v_week, v_dept);
  IF v_new = 1 AND v_participants = 2 THEN	-- now a conversation
    PERFORM report_activity_conversation(v_starter, v_week, v_dept, 1);
  END IF;
END $$;

-- Recomputes the rows of the given questions.
CREATE FUNCTION report_question_refresh(p_ids bigint[]) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  PERFORM report_touch(week, department) FROM (
    SELECT DISTINCT week, department FROM report_questions
    WHERE question_id = ANY (p_ids)) w;
  DELETE FROM report_questions WHERE question_id = ANY (p_ids);
  INSERT INTO report_questions (question_id, week, department, user_id,
    created_at, first_answer_at)
  SELECT q.id, report_week(q.created_at), c.department, q.author_id,
    q.created_at,
    (SELECT min(a.created_at) FROM answers a JOIN report_counted ac
       ON ac.user_id = a.author_id AND ac.since <= a.created_at
      AND a.created_at < ac.until
     WHERE a.question_id = q.id AND a.author_id <> q.author_id
       AND a.deleted_at IS NULL AND NOT a.hidden)
  FROM questions q JOIN report_counted c ON c.user_id = q.author_id
    AND c.since <= q.created_at AND q.created_at < c.until
  WHERE q.id = ANY (p_ids) AND q.deleted_at IS NULL AND NOT q.hidden;
  PERFORM report_touch(week, department) FROM (
    SELECT DISTINCT week, department FROM report_questions
    WHERE question_id = ANY (p_ids)) w;
END $$;

-- Recomputes who contributed to a customer conversation, taking back the
-- pairs counted before and adding the pairs of now (p_counted: see
-- report_person).
CREATE FUNCTION report_customer_refresh(p_conv bigint,
  p_counted bigint DEFAULT NULL) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  PERFORM report_tie('customer', a.user_id, b.user_id, a.first_at, -1,
    p_counted)
  FROM report_customer_people a JOIN report_customer_people b
    ON b.conversation_id = a.conversation_id
   AND (b.first_at, b.user_id) < (a.first_at, a.user_id)
  WHERE a.conversation_id = p_conv;
  DELETE FROM report_customer_people WHERE conversation_id = p_conv;
  INSERT INTO report_customer_people (conversation_id, user_id, first_at)
  SELECT p_conv, m.author_id, min(m.created_at)
  FROM customer_internal_messages(p_conv) m JOIN report_counted c
    ON c.user_id = m.author_id AND c.since <= m.created_at
   AND m.created_at < c.until
  GROUP BY m.author_id;
  PERFORM report_tie('customer', a.user_id, b.user_id, a.first_at, 1)
  FROM report_customer_people a JOIN report_customer_people b
    ON b.conversation_id = a.conversation_id
   AND (b.first_at, b.user_id) < (a.first_at, a.user_id)
  WHERE a.conversation_id = p_conv;
END $$;

-- Customer conversations linked to a post or to any post above it.
CREATE FUNCTION report_post_conversations(p_post bigint) RETURNS SETOF bigint
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE up (id, depth) AS (
    SELECT p_post, 0
    UNION ALL
    SELECT p.reply_to, up.depth + 1 FROM posts p JOIN up ON p.id = up.id
    WHERE p.reply_to IS NOT NULL AND up.depth < 100000)
  SELECT DISTINCT l.conversation_id FROM up JOIN customer_links l
    ON l.target_type = 'post' AND l.target_id = up.id
$$;

CREATE FUNCTION report_question_conversations(p_question bigint)
RETURNS SETOF bigint LANGUAGE sql STABLE AS $$
  SELECT conversation_id FROM customer_links
  WHERE target_type = 'question' AND target_id = p_question
$$;

-- A post appears (p_delta 1: new, or restored) or goes (-1: deleted or
-- hidden). Only a new reply is known to come last in its thread.
CREATE FUNCTION report_post_apply(p_id bigint, p_author bigint,
  p_reply_to bigint, p_root bigint, p_at timestamptz, p_delta integer,
  p_new boolean) RETURNS void LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  v_root bigint := CASE WHEN p_reply_to IS NULL THEN p_id ELSE p_root END;
BEGIN
  IF p_reply_to IS NULL THEN
    PERFORM report_activity_add(p_author, p_at, p_delta, 0, 0, 0, 0);
  ELSE
    PERFORM report_activity_add(p_author, p_at, 0, p_delta, 0, 0, 0);
    PERFORM report_tie('replies', p_author, p.author_id, p_at, p_delta)
    FROM posts p WHERE p.id = p_reply_to;
  END IF;
  PERFORM report_tie('mentions', p_author, m.user_id, p_at, p_delta)
  FROM post_mentions m WHERE m.post_id = p_id;
  IF p_new AND p_reply_to IS NULL THEN
    RETURN;		-- a new root post: no thread yet, no links yet
  END IF;
  IF p_new THEN
    PERFORM report_thread_reply(v_root, p_author, p_at);
  ELSE
    PERFORM report_thread_refresh(ARRAY[v_root]);
  END IF;
  PERFORM report_customer_refresh(c) FROM report_post_conversations(p_id) c;
END $$;

CREATE FUNCTION report_posts_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW.deleted_at IS NULL AND NOT NEW.hidden THEN
      PERFORM report_post_apply(NEW.id, NEW.author_id, NEW.reply_to,
        NEW.root_id, NEW.created_at, 1, true);
    END IF;
  ELSE
    PERFORM report_post_apply(NEW.id, NEW.author_id, NEW.reply_to,
      NEW.root_id, NEW.created_at,
      CASE WHEN NEW.deleted_at IS NULL AND NOT NEW.hidden THEN 1 ELSE -1 END,
      false);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_posts_insert AFTER INSERT ON posts
  FOR EACH ROW EXECUTE FUNCTION report_posts_track();
CREATE TRIGGER report_posts_update AFTER UPDATE OF deleted_at, hidden ON posts
  FOR EACH ROW
  WHEN ((OLD.deleted_at IS NULL AND NOT OLD.hidden) IS DISTINCT FROM
        (NEW.deleted_at IS NULL AND NOT NEW.hidden))
  EXECUTE FUNCTION report_posts_track();

-- Mentions change with edits (post_edit rewrites them); only a live post's
-- mentions count.
CREATE FUNCTION report_mentions_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  m post_mentions := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
BEGIN
  PERFORM report_tie('mentions', p.author_id, m.user_id, p.created_at,
    CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END)
  FROM posts p
  WHERE p.id = m.post_id AND p.deleted_at IS NULL AND NOT p.hidden;
  RETURN NULL;
END $$;
CREATE TRIGGER report_mentions_change AFTER INSERT OR DELETE ON post_mentions
  FOR EACH ROW EXECUTE FUNCTION report_mentions_track();

-- A like counts as the liker's activity and a tie to the post's author,
-- whatever becomes of the post.
CREATE FUNCTION report_likes_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  l post_likes := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
  d integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  PERFORM report_activity_add(l.user_id, l.created_at, 0, 0, 0, 0, d);
  PERFORM report_tie('likes', l.user_id, p.author_id, l.created_at, d)
  FROM posts p WHERE p.id = l.post_id;
  RETURN NULL;
END $$;
CREATE TRIGGER report_likes_change AFTER INSERT OR DELETE ON post_likes
  FOR EACH ROW EXECUTE FUNCTION report_likes_track();

CREATE FUNCTION report_endorsements_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  e skill_endorsements := CASE WHEN TG_OP = 'INSERT' THEN NEW ELSE OLD END;
BEGIN
  PERFORM report_tie('endorsements', e.endorser_id, e.user_id, e.created_at,
    CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END);
  RETURN NULL;
END $$;
CREATE TRIGGER report_endorsements_change
  AFTER INSERT OR DELETE ON skill_endorsements
  FOR EACH ROW EXECUTE FUNCTION report_endorsements_track();

CREATE FUNCTION report_questions_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  d integer := CASE WHEN NEW.deleted_at IS NULL AND NOT NEW.hidden
    THEN 1 ELSE -1 END;
BEGIN
  IF TG_OP = 'INSERT' AND d < 0 THEN
    RETURN NULL;
  END IF;
  PERFORM report_activity_add(NEW.author_id, NEW.created_at, 0, 0, d, 0, 0);
  PERFORM report_question_refresh(ARRAY[NEW.id]);
  IF TG_OP = 'UPDATE' THEN
    PERFORM report_customer_refresh(c)
    FROM report_question_conversations(NEW.id) c;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_questions_insert AFTER INSERT ON questions
  FOR EACH ROW EXECUTE FUNCTION report_questions_track();
CREATE TRIGGER report_questions_update
  AFTER UPDATE OF deleted_at, hidden ON questions FOR EACH ROW
  WHEN ((OLD.deleted_at IS NULL AND NOT OLD.hidden) IS DISTINCT FROM
        (NEW.deleted_at IS NULL AND NOT NEW.hidden))
  EXECUTE FUNCTION report_questions_track();

CREATE FUNCTION report_answers_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  d integer := CASE WHEN NEW.deleted_at IS NULL AND NOT NEW.hidden
    THEN 1 ELSE -1 END;
  v_asker bigint;
BEGIN
  IF TG_OP = 'INSERT' AND d < 0 THEN
    RETURN NULL;
  END IF;
  SELECT author_id INTO v_asker FROM questions WHERE id = NEW.question_id;
  PERFORM report_activity_add(NEW.author_id, NEW.created_at, 0, 0, 0, d, 0);
  PERFORM report_tie('answers', NEW.author_id, v_asker, NEW.created_at, d);
  IF d > 0 THEN
    IF v_asker <> NEW.author_id
       AND report_person(NEW.author_id, NEW.created_at) IS NOT NULL THEN
      PERFORM report_touch(week, department) FROM report_questions
       WHERE question_id = NEW.question_id;
      UPDATE report_questions
         SET first_answer_at = least(first_answer_at, NEW.created_at)
       WHERE question_id = NEW.question_id;
    END IF;
  ELSE
    PERFORM report_question_refresh(ARRAY[NEW.question_id]);
  END IF;
  PERFORM report_customer_refresh(c)
  FROM report_question_conversations(NEW.question_id) c;
  RETURN NULL;
END $$;
CREATE TRIGGER report_answers_insert AFTER INSERT ON answers
  FOR EACH ROW EXECUTE FUNCTION report_answers_track();
CREATE TRIGGER report_answers_update
  AFTER UPDATE OF deleted_at, hidden ON answers FOR EACH ROW
  WHEN ((OLD.deleted_at IS NULL AND NOT OLD.hidden) IS DISTINCT FROM
        (NEW.deleted_at IS NULL AND NOT NEW.hidden))
  EXECUTE FUNCTION report_answers_track();

CREATE FUNCTION report_links_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM report_customer_refresh(OLD.conversation_id);
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM report_customer_refresh(NEW.conversation_id);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER report_links_change
  AFTER INSERT OR UPDATE OR DELETE ON customer_links
  FOR EACH ROW EXECUTE FUNCTION report_links_track();

-- ---- every tie, from the source tables ------------------------------------

-- All ties except customer-link pairs (report_customer_refresh makes those).
CREATE FUNCTION report_tie_events() RETURNS TABLE (kind text, actor bigint,
  target bigint, at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT 'replies', r.author_id, p.author_id, r.created_at
  FROM posts r JOIN posts p ON p.id = r.reply_to
  WHERE r.deleted_at IS NULL AND NOT r.hidden
  UNION ALL
  SELECT 'answers', a.author_id, q.author_id, a.created_at
  FROM answers a JOIN questions q ON q.id = a.question_id
  WHERE a.deleted_at IS NULL AND NOT a.hidden
  UNION ALL
  SELECT 'mentions', p.author_id, m.user_id, p.created_at
  FROM post_mentions m JOIN posts p ON p.id = m.post_id
  WHERE p.deleted_at IS NULL AND NOT p.hidden
  UNION ALL
  SELECT 'likes', l.user_id, p.author_id, l.created_at
  FROM post_likes l JOIN posts p ON p.id = l.post_id
  UNION ALL
  SELECT 'endorsements', e.endorser_id, e.user_id, e.created_at
  FROM skill_endorsements e
$$;

-- The same, only the ones where p_user is the actor or the target (each
-- direction is its own indexed query).
CREATE FUNCTION report_tie_events_of(p_user bigint) RETURNS TABLE (kind text,
  actor bigint, target bigint, at timestamptz)
LANGUAGE sql STABLE AS $$
  SELECT 'replies', r.author_id, p.author_id, r.created_at
  FROM posts r JOIN posts p ON p.id = r.reply_to
  WHERE r.author_id = p_user AND r.deleted_at IS NULL AND NOT r.hidden
  UNION ALL
  SELECT 'replies', r.author_id, p.author_id, r.created_at
  FROM posts p JOIN posts r ON r.reply_to = p.id
  WHERE p.author_id = p_user AND r.deleted_at IS NULL AND NOT r.hidden
  UNION ALL
  SELECT 'answers', a.author_id, q.author_id, a.created_at
  FROM answers a JOIN questions q ON q.id = a.question_id
  WHERE a.author_id = p_user AND a.deleted_at IS NULL AND NOT a.hidden
  UNION ALL
  SELECT 'answers', a.author_id, q.author_id, a.created_at
  FROM questions q JOIN answers a ON a.question_id = q.id
  WHERE q.author_id = p_user AND a.deleted_at IS NULL AND NOT a.hidden
  UNION ALL
  SELECT 'mentions', p.author_id, m.user_id, p.created_at
  FROM posts p JOIN post_mentions m ON m.post_id = p.id
  WHERE p.author_id = p_user AND p.deleted_at IS NULL AND NOT p.hidden
  UNION ALL
  SELECT 'mentions', p.author_id, m.user_id, p.created_at
  FROM post_mentions m JOIN posts p ON p.id = m.post_id
  WHERE m.user_id = p_user AND p.deleted_at IS NULL AND NOT p.hidden
  UNION ALL
  SELECT 'likes', l.user_id, p.author_id, l.created_at
  FROM post_likes l JOIN posts p ON p.id = l.post_id
  WHERE l.user_id = p_user
  UNION ALL
  SELECT 'likes', l.user_id, p.author_id, l.created_at
  FROM posts p JOIN post_likes l ON l.post_id = p.id
  WHERE p.author_id = p_user
  UNION ALL
  SELECT 'endorsements', e.endorser_id, e.user_id, e.created_at
  FROM skill_endorsements e WHERE e.endorser_id = p_user
  UNION ALL
  SELECT 'endorsements', e.endorser_id, e.user_id, e.created_at
  FROM skill_endorsements e WHERE e.user_id = p_user
$$;

-- Activity rows of everyone (p_user NULL) or of one person, from the
-- source tables.
CREATE FUNCTION report_activity_rows(p_user bigint) RETURNS TABLE (
  week date, department text, user_id bigint, posts bigint, replies bigint,
  questions bigint, answers bigint, likes bigint)
LANGUAGE sql STABLE AS $$
  SELECT report_week(e.at), c.department, e.user_id, sum(e.posts),
    sum(e.replies), sum(e.questions), sum(e.answers), sum(e.likes)
  FROM (
    SELECT author_id AS user_id, created_at AS at,
      (reply_to IS NULL)::int AS posts, (reply_to IS NOT NULL)::int AS replies,
      0 AS questions, 0 AS answers, 0 AS likes
    FROM posts WHERE deleted_at IS NULL AND NOT hidden
      AND (p_user IS NULL OR author_id = p_user)
    UNION ALL
    SELECT author_id, created_at, 0, 0, 1, 0, 0 FROM questions
    WHERE deleted_at IS NULL AND NOT hidden
      AND (p_user IS NULL OR author_id = p_user)
    UNION ALL
    SELECT author_id, created_at, 0, 0, 0, 1, 0 FROM answers
    WHERE deleted_at IS NULL AND NOT hidden
      AND (p_user IS NULL OR author_id = p_user)
    UNION ALL
    SELECT user_id, created_at, 0, 0, 0, 0, 1 FROM post_likes
    WHERE p_user IS NULL OR user_id = p_user) e
  JOIN report_counted c ON c.user_id = e.user_id AND c.since <= e.at
   AND e.at < c.until
  GROUP BY 1, 2, 3
$$;

-- ---- opting out and back in -----------------------------------------------

CREATE FUNCTION report_opt_out_track() RETURNS trigger
LANGUAGE plpgsql SET enable_seqscan = off AS $$
DECLARE
  d integer := CASE WHEN NEW.analytics_opt_out THEN -1 ELSE 1 END;
  e record;
BEGIN
  IF d < 0 THEN
    INSERT INTO report_opted_out (user_id) VALUES (NEW.id)
    ON CONFLICT DO NOTHING;
  ELSE
    DELETE FROM report_opted_out WHERE user_id = NEW.id;
  END IF;
  -- Ties in both directions, counting NEW.id as it was counted before
  -- when taking away (and as it is now when adding).
  FOR e IN SELECT * FROM report_tie_events_of(NEW.id) LOOP
    PERFORM report_tie(e.kind, e.actor, e.target, e.at, d, NEW.id);
  END LOOP;
  PERFORM report_touch(week, department) FROM (
    SELECT DISTINCT week, department FROM report_activity
    WHERE user_id = NEW.id) w;
  DELETE FROM report_activity WHERE user_id = NEW.id;
  DELETE FROM report_people WHERE user_id = NEW.id;
  IF d > 0 THEN
    INSERT INTO report_activity (week, department, user_id, posts, replies,
      questions, answers, likes)
    SELECT * FROM report_activity_rows(NEW.id);
    INSERT INTO report_people (department, user_id, active, asked)
    SELECT department, user_id, report_bits_agg(week),
      coalesce(report_bits_agg(week) FILTER (WHERE questions > 0), '{}')
    FROM report_activity WHERE user_id = NEW.id GROUP BY 1, 2;
    PERFORM report_touch(week, department) FROM (
      SELECT DISTINCT week, department FROM report_activity
      WHERE user_id = NEW.id) w;
  END IF;
  PERFORM report_thread_refresh(ARRAY(
    SELECT DISTINCT root_id FROM posts WHERE author_id = NEW.id));
  PERFORM report_question_refresh(ARRAY(
    SELECT id FROM questions WHERE author_id = NEW.id
    UNION SELECT question_id FROM answers WHERE author_id = NEW.id));
  PERFORM report_customer_refresh(c, NEW.id) FROM (
    SELECT conversation_id FROM report_customer_people WHERE user_id = NEW.id
    UNION
    SELECT report_post_conversations(id) FROM posts WHERE author_id = NEW.id
    UNION
    SELECT report_question_conversations(question_id) FROM answers
    WHERE author_id = NEW.id
    UNION
    SELECT report_question_conversations(id) FROM questions
    WHERE author_id = NEW.id) x (c);
  RETURN NULL;
END $$;
CREATE TRIGGER report_opt_out_change
  AFTER UPDATE OF analytics_opt_out ON users FOR EACH ROW
  WHEN (OLD.analytics_opt_out IS DISTINCT FROM NEW.analytics_opt_out)
  EXECUTE FUNCTION report_opt_out_track();

-- ---- everything again ------------------------------------------------------

-- Recomputes every rollup from the source tables (the backfill below; also
-- a repair tool: SELECT report_rebuild();). Takes locks on the rollups
-- only, so writers queue behind it while it runs.
CREATE FUNCTION report_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_conv bigint;
BEGIN
  LOCK report_activity, report_ties_out, report_ties_in, report_threads,
    report_thread_people, report_questions, report_customer_people,
    report_people, report_units, report_cells IN EXCLUSIVE MODE;
  TRUNCATE report_activity, report_ties_out, report_ties_in, report_threads,
    report_thread_people, report_questions, report_customer_people,
    report_people, report_units, report_cells;
  INSERT INTO report_activity (week, department, user_id, posts, replies,
    questions, answers, likes)
  SELECT * FROM report_activity_rows(NULL);
  WITH e AS (
    SELECT report_week(ev.at) AS week, ca.department AS from_department,
      ct.department AS to_department, ev.kind, ev.actor, ev.target
    FROM report_tie_events() ev
    JOIN report_counted ca ON ca.user_id = ev.actor
      AND ca.since <= ev.at AND ev.at < ca.until
    JOIN report_counted ct ON ct.user_id = ev.target
      AND ct.since <= ev.at AND ev.at < ct.until
    WHERE ev.actor <> ev.target),
  o AS (
    INSERT INTO report_ties_out (week, from_department, to_department,
      user_id, replies, answers, mentions, likes, endorsements)
    SELECT week, from_department, to_department, actor,
      count(*) FILTER (WHERE kind = 'replies'),
      count(*) FILTER (WHERE kind = 'answers'),
      count(*) FILTER (WHERE kind = 'mentions'),
      count(*) FILTER (WHERE kind = 'likes'),
      count(*) FILTER (WHERE kind = 'endorsements')
    FROM e GROUP BY 1, 2, 3, 4)
  INSERT INTO report_ties_in (week, from_department, to_department, user_id,
    ties)
  SELECT week, from_department, to_department, target, count(*)
  FROM e GROUP BY 1, 2, 3, 4;
  PERFORM report_thread_refresh(ARRAY(
    SELECT DISTINCT root_id FROM posts WHERE reply_to IS NOT NULL));
  PERFORM report_question_refresh(ARRAY(SELECT id FROM questions));
  FOR v_conv IN SELECT DISTINCT conversation_id FROM customer_links LOOP
    PERFORM report_customer_refresh(v_conv);
  END LOOP;
  -- The bits again, in one pass (the thread refresh above set some).
  DELETE FROM report_people;
  INSERT INTO report_people (department, user_id, active, asked, started)
  SELECT department, user_id, report_bits_agg(week),
    coalesce(report_bits_agg(week) FILTER (WHERE questions > 0), '{}'),
    coalesce(report_bits_agg(week) FILTER (WHERE conversations > 0), '{}')
  FROM report_activity GROUP BY 1, 2;
  -- Every unit and cell with anything, then their aggregates.
  INSERT INTO report_dirty (week, cell, department, to_department)
  SELECT week, false, department, '' FROM report_activity
  UNION SELECT week, false, from_department, '' FROM report_ties_out
  UNION SELECT week, true, from_department, to_department FROM report_ties_out
  ON CONFLICT DO NOTHING;
  PERFORM report_refresh();
  ANALYZE report_activity, report_ties_out, report_ties_in, report_threads,
    report_questions, report_people, report_units, report_cells;
END $$;

-- ---- backfill ---------------------------------------------------------------

INSERT INTO report_departments (user_id, since, department)
SELECT id, '-infinity', btrim(department) FROM users;
INSERT INTO report_opted_out (user_id)
SELECT id FROM users WHERE analytics_opt_out;
DO $$ BEGIN PERFORM report_rebuild(); END $$;
