-- 0019: a post a moderator has hidden takes no new replies, as a hidden
-- question takes no answers (0014). post_create (0002) restated with the
-- parent's hidden flag in its check; NULL means "no such parent" (422).

CREATE OR REPLACE FUNCTION post_create(p_author bigint, p_body text, p_html text, p_reply_to bigint,
                            p_tags jsonb, p_mentions jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
  v_at timestamptz;
  v_parent_author bigint;
BEGIN
  IF p_reply_to IS NOT NULL THEN
    UPDATE posts SET reply_count = reply_count + 1
     WHERE id = p_reply_to AND deleted_at IS NULL AND NOT hidden
    RETURNING author_id INTO v_parent_author;
    IF NOT FOUND THEN
      RETURN NULL;
    END IF;
  END IF;
  INSERT INTO posts (author_id, body, html, reply_to)
  VALUES (p_author, p_body, p_html, p_reply_to)
  RETURNING id, created_at INTO v_id, v_at;
  INSERT INTO post_tags (post_id, tag, created_at)
  SELECT v_id, t, v_at FROM jsonb_array_elements_text(p_tags) AS t;
  INSERT INTO post_mentions (post_id, user_id)
  SELECT v_id, u.id FROM users u
   WHERE lower(u.handle) IN (SELECT jsonb_array_elements_text(p_mentions));
  IF v_parent_author IS NOT NULL THEN
    PERFORM notify(v_parent_author, 'reply', p_author, 'post', v_id);
  END IF;
  PERFORM notify(m.user_id, 'mention', p_author, 'post', v_id)
     FROM post_mentions m
    WHERE m.post_id = v_id AND m.user_id IS DISTINCT FROM v_parent_author;
  RETURN v_id;
END $$;
