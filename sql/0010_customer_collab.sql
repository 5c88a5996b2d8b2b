-- 0010: what a customer conversation drew inside the company (issue 5).
--
-- A conversation is linked to posts, questions and communities
-- (customer_links, 0009). "via" tells a plain link from an escalation (a
-- question created from the conversation). The internal collaboration a
-- conversation drew is the internal content tied to it that was written
-- at or after the customer's first message:
--   * a linked post and every reply below it (its sub-thread),
--   * a linked question and its answers.
-- Deleted and hidden items do not count. A linked community routes the
-- conversation to a group of people but is not itself a message.

ALTER TABLE customer_links
  ADD COLUMN via text NOT NULL DEFAULT 'link'
  CHECK (via IN ('link', 'escalation'));

-- "Is this post/question tied to customer conversations?" and reverse
-- lookups from the content side.
CREATE INDEX customer_links_target_idx
  ON customer_links (target_type, target_id);

-- Reports read conversations by when they opened, per channel.
CREATE INDEX customer_conversations_channel_opened_idx
  ON customer_conversations (channel_id, opened_at);

-- The internal messages of one conversation: (kind, id, author, created_at)
-- for every live post and answer tied to it, written at or after it opened.
CREATE FUNCTION customer_internal_messages(p_conv bigint)
RETURNS TABLE (kind text, id bigint, author_id bigint,
  created_at timestamptz)
LANGUAGE sql STABLE AS $$
  WITH RECURSIVE conv AS (
    SELECT opened_at FROM customer_conversations WHERE id = p_conv),
  thread AS (
    SELECT p.id, p.author_id, p.created_at, p.deleted_at, p.hidden
    FROM customer_links l JOIN posts p ON p.id = l.target_id
    WHERE l.conversation_id = p_conv AND l.target_type = 'post'
    UNION
    SELECT r.id, r.author_id, r.created_at, r.deleted_at, r.hidden
    FROM thread t JOIN posts r ON r.reply_to = t.id)
  SELECT 'post', t.id, t.author_id, t.created_at FROM thread t, conv
  WHERE t.deleted_at IS NULL AND NOT t.hidden
    AND t.created_at >= conv.opened_at
  UNION ALL
  SELECT 'question', q.id, q.author_id, q.created_at
  FROM customer_links l JOIN questions q ON q.id = l.target_id, conv
  WHERE l.conversation_id = p_conv AND l.target_type = 'question'
    AND q.deleted_at IS NULL AND NOT q.hidden
    AND q.created_at >= conv.opened_at
  UNION ALL
  SELECT 'answer', a.id, a.author_id, a.created_at
  FROM customer_links l JOIN questions q ON q.id = l.target_id
  JOIN answers a ON a.question_id = q.id, conv
  WHERE l.conversation_id = p_conv AND l.target_type = 'question'
    AND q.deleted_at IS NULL AND NOT q.hidden
    AND a.deleted_at IS NULL AND NOT a.hidden
    AND a.created_at >= conv.opened_at
$$;

-- The collaboration figures of one conversation: internal participants
-- (distinct authors), departments (distinct non-blank departments of those
-- people), internal messages, and minutes from the customer's first
-- message (opened_at) to the first internal message (NULL if none).
CREATE FUNCTION customer_collaboration(p_conv bigint)
RETURNS TABLE (internal_participants integer, departments integer,
  internal_messages integer, minutes_to_first_internal_response numeric)
LANGUAGE sql STABLE AS $$
  SELECT count(DISTINCT m.author_id)::integer,
    count(DISTINCT nullif(btrim(u.department), ''))::integer,
    count(m.id)::integer,
    round((extract(epoch FROM min(m.created_at) - c.opened_at) / 60)
      ::numeric, 1)
  FROM customer_conversations c
  LEFT JOIN customer_internal_messages(c.id) m ON true
  LEFT JOIN users u ON u.id = m.author_id
  WHERE c.id = p_conv
  GROUP BY c.opened_at
$$;
