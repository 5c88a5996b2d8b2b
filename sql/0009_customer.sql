-- 0009: customer conversations (app/customer.c, app/customer_import.c).
--
-- Channels receive messages from outside (webhooks, CSV imports); messages
-- are threaded into conversations by in_reply_to_external_id. A reply that
-- arrives before its parent is kept with conversation_id NULL (an orphan)
-- and adopted when the parent lands, so delivery order never loses one.
--
-- webhook_secret is stored as is, not hashed: it is the shared HMAC key
-- the sender signs with, so the server must be able to read it back.

CREATE TABLE customer_channels (
  id             bigserial PRIMARY KEY,
  name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  kind           text NOT NULL
                 CHECK (kind IN ('twitter', 'facebook', 'email', 'chat', 'other')),
  webhook_secret text NOT NULL,
  created_by     bigint NOT NULL REFERENCES users (id),
  created_at     timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customer_conversations (
  id                bigserial PRIMARY KEY,
  channel_id        bigint NOT NULL REFERENCES customer_channels (id),
  root_message_id   bigint NOT NULL,
  customer          text NOT NULL DEFAULT '',
  subject           text NOT NULL DEFAULT '',
  status            text NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'resolved')),
  opened_at         timestamptz NOT NULL,
  first_response_at timestamptz,
  resolved_at       timestamptz,
  first_contact_resolution boolean,
  csat              smallint CHECK (csat BETWEEN 1 AND 5),
  message_count     integer NOT NULL DEFAULT 0
);
-- Lists: newest opened first, all or per channel.
CREATE INDEX customer_conversations_opened_idx
  ON customer_conversations (opened_at DESC, id DESC);
CREATE INDEX customer_conversations_channel_idx
  ON customer_conversations (channel_id, opened_at DESC, id DESC);

CREATE TABLE customer_messages (
  id              bigserial PRIMARY KEY,
  channel_id      bigint NOT NULL REFERENCES customer_channels (id),
  conversation_id bigint REFERENCES customer_conversations (id),
  external_id     text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
  in_reply_to_external_id text
                  CHECK (length(in_reply_to_external_id) BETWEEN 1 AND 200),
  direction       text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  author          text NOT NULL,
  body            text NOT NULL,
  sent_at         timestamptz NOT NULL,
  received_at     timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel_id, external_id)
);
CREATE INDEX customer_messages_reply_idx
  ON customer_messages (channel_id, in_reply_to_external_id);
CREATE INDEX customer_messages_conversation_idx
  ON customer_messages (conversation_id, sent_at, id);
-- Orphans waiting for their parent, per channel.
CREATE INDEX customer_messages_orphan_idx
  ON customer_messages (channel_id) WHERE conversation_id IS NULL;

-- Links from a conversation to internal content (filled by later work).
CREATE TABLE customer_links (
  conversation_id bigint NOT NULL REFERENCES customer_conversations (id)
                  ON DELETE CASCADE,
  target_type     text NOT NULL
                  CHECK (target_type IN ('post', 'question', 'community')),
  target_id       bigint NOT NULL,
  linked_by       bigint NOT NULL REFERENCES users (id),
  linked_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (conversation_id, target_type, target_id)
);

-- Stores a batch of messages [{external_id, in_reply_to_external_id,
-- direction, author, text, sent_at}] for one channel and threads them.
-- Returns {"accepted", "duplicates", "conversations"} (conversations: new
-- ones opened). A transaction-level advisory lock per channel serialises
-- deliveries to one channel, so a parent and its reply committed by two
-- concurrent deliveries always meet (each statement sees the other's
-- committed rows once the lock is held).
CREATE FUNCTION customer_ingest(p_channel bigint, p_messages jsonb)
RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  v_total    integer := jsonb_array_length(p_messages);
  v_accepted integer;
  v_opened   integer;
  v_moved    integer;
  v_new      bigint[];
  v_touched  bigint[];
BEGIN
  PERFORM pg_advisory_xact_lock(905, p_channel::integer);

  -- Every statement below reaches rows by index only (LATERAL ... LIMIT 1
  -- keeps the planner from hashing the whole table): an import calls this
  -- once per 1000 messages, so a scan of the channel per call would make
  -- a large import quadratic.
  WITH ins AS (
    INSERT INTO customer_messages (channel_id, external_id,
      in_reply_to_external_id, direction, author, body, sent_at)
    SELECT p_channel, x.external_id, nullif(x.in_reply_to_external_id, ''),
      x.direction, x.author, x.text, x.sent_at
    FROM jsonb_to_recordset(p_messages) AS x (external_id text,
      in_reply_to_external_id text, direction text, author text,
      text text, sent_at timestamptz)
    ON CONFLICT (channel_id, external_id) DO NOTHING
    RETURNING id, in_reply_to_external_id, body, sent_at),
  roots AS MATERIALIZED (SELECT id, body, sent_at FROM ins
    WHERE in_reply_to_external_id IS NULL),
  conv AS (
    INSERT INTO customer_conversations (channel_id, root_message_id,
      subject, opened_at)
    SELECT p_channel, r.id, left(r.body, 80), r.sent_at FROM roots r
    ORDER BY r.sent_at, r.id
    RETURNING id, root_message_id)
  SELECT (SELECT count(*) FROM ins),
    coalesce((SELECT array_agg(id ORDER BY id) FROM conv), '{}'),
    coalesce((SELECT array_agg(root_message_id ORDER BY id) FROM conv), '{}')
  INTO v_accepted, v_touched, v_new;
  v_opened := cardinality(v_touched);

  -- Roots point at their new conversations (by primary key).
  UPDATE customer_messages m SET conversation_id = c.conv
  FROM unnest(v_touched, v_new) AS c (conv, msg)
  WHERE m.id = c.msg;

  -- Replies (new, and older orphans) join their parent's conversation,
  -- repeated until a pass adopts nothing: chains arrive in any order.
  LOOP
    WITH adopted AS (
      UPDATE customer_messages m SET conversation_id = a.conv
      FROM (SELECT o.id, p.conversation_id AS conv
            FROM customer_messages o
            CROSS JOIN LATERAL (SELECT q.conversation_id
              FROM customer_messages q
              WHERE q.channel_id = p_channel
                AND q.external_id = o.in_reply_to_external_id
                AND q.conversation_id IS NOT NULL LIMIT 1) p
            WHERE o.channel_id = p_channel AND o.conversation_id IS NULL
              AND o.in_reply_to_external_id IS NOT NULL) a
      WHERE m.id = a.id
      RETURNING m.conversation_id)
    SELECT count(*), v_touched || coalesce(array_agg(conversation_id), '{}')
    INTO v_moved, v_touched FROM adopted;
    EXIT WHEN v_moved = 0;
  END LOOP;

  -- Figures of every conversation that changed. The customer is the author
  -- of the first inbound message; the first response is the first
  -- outbound one at or after it.
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

  RETURN jsonb_build_object('accepted', v_accepted,
    'duplicates', v_total - v_accepted, 'conversations', v_opened);
END;
$$;
