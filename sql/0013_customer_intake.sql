-- 0013: customer intake that scales with what arrives, not with what is
-- stored (issue 5: 32 MiB CSV imports, webhook throughput).
--
-- 0009's customer_ingest() looked for replies to adopt among ALL the
-- orphans of the channel on every call. Replies to tweets that are not in
-- a file stay orphans for good (about 40% of the rows of the real
-- "Customer Support on Twitter" exports), so every delivery and every
-- import batch rescanned a growing set: a 32 MiB import in batches of 1000
-- made 183 calls over up to 74k orphans each (45 s). Worse, inside the
-- import's one transaction the channel's rows are invisible to the
-- statistics (a new channel is estimated at one row), and the planner then
-- took the smaller (channel_id, in_reply_to_external_id) index to find a
-- parent by external_id, reading the whole channel for every orphan: a
-- 1 MiB file took 11 s instead of 0.4 s, and a 32 MiB one ran for hours
-- (the "hung worker" of the last session).
--
-- Now:
--  * a root gets its conversation in the statement that stores it (one
--    write per message, not an insert and then an update);
--  * a new reply whose parent has a conversation joins it (the parent is
--    found by the unique (channel_id, external_id) index: the only index
--    leading with channel_id that may hold a message with a conversation);
--  * orphans waiting for any message that just got a conversation are
--    adopted, and so on down the chain (each step by the partial index of
--    waiting replies, which holds nothing but orphans);
--  * rows already stored are skipped by an index probe before they take
--    ids (a replay writes nothing).
-- Every lookup is a correlated LATERAL subquery (LIMIT or OFFSET keeps the
-- planner from flattening it into a join), and the functions run with hash
-- and merge joins off: whatever the (possibly stale) statistics say, each
-- statement is a loop of index probes over the batch, so the work is
-- proportional to the batch and the chains it completes.
--
-- Invariant this relies on (kept by every writer, all under the channel's
-- advisory lock): no orphan waits for a message that has a conversation.

DROP INDEX customer_messages_reply_idx;
DROP INDEX customer_messages_orphan_idx;
-- Replies waiting for their parent, by the parent's external id.
CREATE INDEX customer_messages_waiting_idx
  ON customer_messages (channel_id, in_reply_to_external_id)
  WHERE conversation_id IS NULL;

-- Takes the channel's transaction-level advisory lock (the one 0009's
-- customer_ingest took), waiting at most p_wait_ms (0: as long as it
-- takes). A channel still busy then (a CSV import holds the lock for its
-- whole transaction) is a serialization failure (40001): the API answers
-- 503 and the webhook sender retries, instead of a worker waiting out the
-- import.
CREATE FUNCTION customer_channel_lock(p_channel bigint, p_wait_ms integer)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  v_was text;
BEGIN
  IF pg_try_advisory_xact_lock(905, p_channel::integer) THEN
    RETURN;
  END IF;
  v_was := current_setting('lock_timeout');
  PERFORM set_config('lock_timeout', p_wait_ms || 'ms', true);
  BEGIN
    PERFORM pg_advisory_xact_lock(905, p_channel::integer);
  EXCEPTION WHEN lock_not_available THEN
    RAISE EXCEPTION 'customer channel % is busy (an import?)', p_channel
      USING ERRCODE = 'serialization_failure';
  END;
  PERFORM set_config('lock_timeout', v_was, true);
END;
$$;

-- Threads the rows a batch just stored in p_channel (parallel arrays: id,
-- external id, parent external id, conversation; a root comes with its
-- conversation) and refreshes the figures of every conversation that
-- gained a message. The caller holds the channel's lock.
CREATE FUNCTION customer_thread(p_channel bigint, p_id bigint[],
  p_ext text[], p_parent text[], p_conv bigint[])
RETURNS void LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  v_ext     text[];
  v_conv    bigint[];
  v_touched bigint[];
BEGIN
  -- New replies whose parent has a conversation join it.
  WITH joined AS (
    UPDATE customer_messages m SET conversation_id = j.conv
    FROM (SELECT r.id, p.conversation_id AS conv
          FROM unnest(p_id, p_parent, p_conv) AS r (id, parent, conv)
          CROSS JOIN LATERAL (SELECT q.conversation_id
            FROM customer_messages q
            WHERE q.channel_id = p_channel AND q.external_id = r.parent
              AND q.conversation_id IS NOT NULL LIMIT 1) p
          WHERE r.parent IS NOT NULL AND r.conv IS NULL) j
    WHERE m.id = j.id
    RETURNING m.external_id, m.conversation_id)
  SELECT coalesce(array_agg(external_id), '{}'),
    coalesce(array_agg(conversation_id), '{}')
  INTO v_ext, v_conv FROM joined;
  v_touched := v_conv;

  -- Orphans may wait for any new message that has a conversation now
  -- (the roots too): they are adopted, and theirs, down the chain.
  SELECT v_ext || coalesce(array_agg(r.ext), '{}'),
    v_conv || coalesce(array_agg(r.conv), '{}')
  INTO v_ext, v_conv
  FROM unnest(p_ext, p_conv) AS r (ext, conv) WHERE r.conv IS NOT NULL;
  WHILE cardinality(v_ext) > 0 LOOP
    WITH adopted AS (
      UPDATE customer_messages m SET conversation_id = a.conv
      FROM (SELECT w.id, f.conv
            FROM unnest(v_ext, v_conv) AS f (ext, conv)
            CROSS JOIN LATERAL (SELECT q.id FROM customer_messages q
              WHERE q.channel_id = p_channel
                AND q.in_reply_to_external_id = f.ext
                AND q.conversation_id IS NULL OFFSET 0) w) a
      WHERE m.id = a.id AND m.conversation_id IS NULL
      RETURNING m.external_id, m.conversation_id)
    SELECT coalesce(array_agg(external_id), '{}'),
      coalesce(array_agg(conversation_id), '{}')
    INTO v_ext, v_conv FROM adopted;
    v_touched := v_touched || v_conv;
  END LOOP;

  -- Figures of every conversation that gained messages. The customer is
  -- the author of the first inbound message; the first response is the
  -- first outbound one at or after it.
  UPDATE customer_conversations c SET
    message_count = s.n,
    customer = coalesce(s.customer, ''),
    first_response_at = s.first_response
  FROM (SELECT t.id, n.n, fi.author AS customer,
          (SELECT min(o.sent_at) FROM customer_messages o
           WHERE o.conversation_id = t.id AND o.direction = 'outbound'
             AND o.sent_at >= fi.sent_at) AS first_response
        FROM (SELECT DISTINCT unnest(v_touched) AS id) t
        CROSS JOIN LATERAL (SELECT count(*) AS n FROM customer_messages m
          WHERE m.conversation_id = t.id) n
        LEFT JOIN LATERAL (SELECT i.author, i.sent_at
          FROM customer_messages i
          WHERE i.conversation_id = t.id AND i.direction = 'inbound'
          ORDER BY i.sent_at, i.id LIMIT 1) fi ON true) s
  WHERE c.id = s.id;
END;
$$;

-- Stores a batch of messages [{external_id, in_reply_to_external_id,
-- direction, author, text, sent_at}] for one channel and threads them.
-- Returns {"accepted", "duplicates", "conversations"} (conversations: new
-- ones opened). Same contract as 0009's: the advisory lock per channel
-- serialises deliveries to one channel, so a parent and its reply
-- committed by two concurrent deliveries always meet; it is waited for at
-- most 2 s (customer_channel_lock). Of two messages with one external_id
-- in a batch the first is kept. A root's conversation opens with the
-- figures of one message: the customer is its author when it is inbound.
CREATE OR REPLACE FUNCTION customer_ingest(p_channel bigint, p_messages jsonb)
RETURNS jsonb LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  v_total  integer := jsonb_array_length(p_messages);
  v_id     bigint[];
  v_ext    text[];
  v_parent text[];
  v_conv   bigint[];
  v_opened integer;
BEGIN
  PERFORM customer_channel_lock(p_channel, 2000);
  WITH x AS MATERIALIZED (
    SELECT x.n, nextval('customer_messages_id_seq') AS id,
      CASE WHEN nullif(x.in_reply_to_external_id, '') IS NULL
        THEN nextval('customer_conversations_id_seq') END AS conv,
      x.external_id, nullif(x.in_reply_to_external_id, '') AS parent,
      x.direction, x.author, x.text, x.sent_at
    FROM ROWS FROM (jsonb_to_recordset(p_messages) AS (external_id text,
      in_reply_to_external_id text, direction text, author text,
      text text, sent_at timestamptz)) WITH ORDINALITY AS x (external_id,
      in_reply_to_external_id, direction, author, text, sent_at, n)
    LEFT JOIN LATERAL (SELECT true AS stored FROM customer_messages q
      WHERE q.channel_id = p_channel AND q.external_id = x.external_id
      LIMIT 1) e ON true
    WHERE e.stored IS NULL
    ORDER BY x.n),
  ins AS (
    INSERT INTO customer_messages (id, channel_id, conversation_id,
      external_id, in_reply_to_external_id, direction, author, body,
      sent_at)
    SELECT x.id, p_channel, x.conv, x.external_id, x.parent, x.direction,
      x.author, x.text, x.sent_at
    FROM x ORDER BY x.n
    ON CONFLICT (channel_id, external_id) DO NOTHING
    RETURNING id, conversation_id, external_id, in_reply_to_external_id,
      direction, author, body, sent_at),
  conv AS (
    INSERT INTO customer_conversations (id, channel_id, root_message_id,
      customer, subject, opened_at, message_count)
    SELECT i.conversation_id, p_channel, i.id,
      CASE WHEN i.direction = 'inbound' THEN i.author ELSE '' END,
      left(i.body, 80), i.sent_at, 1
    FROM ins i WHERE i.conversation_id IS NOT NULL
    RETURNING 1)
  SELECT coalesce(array_agg(i.id), '{}'),
    coalesce(array_agg(i.external_id), '{}'),
    coalesce(array_agg(i.in_reply_to_external_id), '{}'),
    coalesce(array_agg(i.conversation_id), '{}'),
    (SELECT count(*) FROM conv)
  INTO v_id, v_ext, v_parent, v_conv, v_opened FROM ins i;
  PERFORM customer_thread(p_channel, v_id, v_ext, v_parent, v_conv);
  RETURN jsonb_build_object('accepted', cardinality(v_id),
    'duplicates', v_total - cardinality(v_id), 'conversations', v_opened);
END;
$$;
