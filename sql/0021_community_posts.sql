-- 0021: posts in communities (API.md: POST /api/v1/posts {community?},
-- Post.community). posts.community_id has existed since 0002/0004; until
-- now nothing wrote it. A top-level post names its community (posts.c
-- checks membership); a reply belongs to its parent's community, and so to
-- its root's.
--
-- Who reads a post in a closed community: its active members and admins,
-- as for questions (qa.c). post_readable() (0020) gains the admins; its
-- signature stays, home_page() and home_scan() call it.

CREATE OR REPLACE FUNCTION post_readable(p_viewer bigint, p_community bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT p_community IS NULL
      OR EXISTS (SELECT 1 FROM communities c WHERE c.id = p_community AND c.visibility = 'open')
      OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = p_community
                  AND m.user_id = p_viewer AND m.status = 'active')
      OR EXISTS (SELECT 1 FROM users u WHERE u.id = p_viewer AND u.role = 'admin')
$$;

-- post_create (0002, 0019) with the community. Returns the new post's id;
-- NULL (nothing written) when the parent does not exist, was deleted, is
-- hidden or is in a closed community the author cannot read (the caller
-- answers 422 reply_to for all of them alike); 0 (nothing written) when
-- p_community is given on a reply and is not the parent's community. A
-- reply without p_community takes its parent's. The parent row is locked
-- before its community is compared, so the reply count and the check see
-- the same row. Notifications go only to people who may read the post.
DROP FUNCTION post_create(bigint, text, text, bigint, jsonb, jsonb);
CREATE FUNCTION post_create(p_author bigint, p_body text, p_html text, p_reply_to bigint,
                            p_community bigint, p_tags jsonb, p_mentions jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
  v_at timestamptz;
  v_parent_author bigint;
  v_community bigint := p_community;
BEGIN
  IF p_reply_to IS NOT NULL THEN
    SELECT author_id, community_id INTO v_parent_author, v_community FROM posts
     WHERE id = p_reply_to AND deleted_at IS NULL AND NOT hidden
       AND post_readable(p_author, community_id)
       FOR UPDATE;
    IF NOT FOUND THEN
      RETURN NULL;
    END IF;
    IF p_community IS NOT NULL AND p_community IS DISTINCT FROM v_community THEN
      RETURN 0;
    END IF;
    UPDATE posts SET reply_count = reply_count + 1 WHERE id = p_reply_to;
  END IF;
  INSERT INTO posts (author_id, body, html, reply_to, community_id)
  VALUES (p_author, p_body, p_html, p_reply_to, v_community)
  RETURNING id, created_at INTO v_id, v_at;
  INSERT INTO post_tags (post_id, tag, created_at)
  SELECT v_id, t, v_at FROM jsonb_array_elements_text(p_tags) AS t;
  INSERT INTO post_mentions (post_id, user_id)
  SELECT v_id, u.id FROM users u
   WHERE lower(u.handle) IN (SELECT jsonb_array_elements_text(p_mentions));
  IF v_parent_author IS NOT NULL AND post_readable(v_parent_author, v_community) THEN
    PERFORM notify(v_parent_author, 'reply', p_author, 'post', v_id);
  END IF;
  PERFORM notify(m.user_id, 'mention', p_author, 'post', v_id)
     FROM post_mentions m
    WHERE m.post_id = v_id AND m.user_id IS DISTINCT FROM v_parent_author
      AND post_readable(m.user_id, v_community);
  RETURN v_id;
END $$;
