-- 0002: people search, posts with threads, tags, mentions, likes, edits,
-- follows of tags, and notifications.

-- unaccent() is only STABLE; an immutable wrapper pinned to the dictionary
-- lets indexes and generated columns use it.
CREATE FUNCTION immutable_unaccent(t text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$
  SELECT public.unaccent('public.unaccent'::regdictionary, t)
$$;

-- What the directory search matches: handle, name, title and department,
-- lower-cased and without accents. Skills are matched through user_skills.
ALTER TABLE users ADD COLUMN search_text text GENERATED ALWAYS AS (
  lower(immutable_unaccent(handle || ' ' || display_name || ' ' || title || ' ' || department))
) STORED;
CREATE INDEX users_search_trgm_idx ON users USING gin (search_text gin_trgm_ops);
CREATE INDEX user_skills_search_trgm_idx ON user_skills
  USING gin (lower(immutable_unaccent(skill)) gin_trgm_ops);
CREATE INDEX users_department_lower_idx ON users (lower(department));

CREATE TABLE posts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  author_id   bigint NOT NULL REFERENCES users (id),
  body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
  html        text NOT NULL,
  reply_to    bigint REFERENCES posts (id),
  root_id     bigint NOT NULL,
  community_id bigint,                       -- communities arrive later
  created_at  timestamptz NOT NULL DEFAULT now(),
  edited_at   timestamptz,
  deleted_at  timestamptz,
  deleted_by  bigint REFERENCES users (id),
  hidden      boolean NOT NULL DEFAULT false,
  like_count  integer NOT NULL DEFAULT 0 CHECK (like_count >= 0),
  reply_count integer NOT NULL DEFAULT 0 CHECK (reply_count >= 0)
);
-- Streams read newest first by (created_at, id); only live posts.
CREATE INDEX posts_author_stream_idx ON posts (author_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX posts_stream_idx ON posts (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX posts_thread_idx ON posts (root_id, created_at, id);
CREATE INDEX posts_reply_to_idx ON posts (reply_to) WHERE reply_to IS NOT NULL;

-- A reply belongs to its parent's thread; a root post is its own thread.
CREATE FUNCTION posts_set_root() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.reply_to IS NULL THEN
    NEW.root_id := NEW.id;
  ELSE
    SELECT root_id INTO NEW.root_id FROM posts WHERE id = NEW.reply_to;
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER posts_set_root BEFORE INSERT ON posts
  FOR EACH ROW EXECUTE FUNCTION posts_set_root();

-- Tag streams are served from here without touching posts until the page
-- is known: created_at is copied so the keyset index covers the scan.
CREATE TABLE post_tags (
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  tag        text NOT NULL CHECK (tag ~ '^[^[:space:]#@]{1,50}$'),
  created_at timestamptz NOT NULL,
  PRIMARY KEY (post_id, tag)
);
CREATE INDEX post_tags_stream_idx ON post_tags (tag, created_at DESC, post_id DESC);

CREATE TABLE post_mentions (
  post_id bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  user_id bigint NOT NULL REFERENCES users (id),
  PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_mentions_user_idx ON post_mentions (user_id);

-- Earlier texts of edited posts, newest last.
CREATE TABLE post_versions (
  id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  body       text NOT NULL,
  html       text NOT NULL,
  written_at timestamptz NOT NULL,            -- when this text was posted
  replaced_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX post_versions_post_idx ON post_versions (post_id, id);

CREATE TABLE post_likes (
  post_id    bigint NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
  user_id    bigint NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (post_id, user_id)
);
CREATE INDEX post_likes_user_idx ON post_likes (user_id);

CREATE TABLE tag_follows (
  user_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  tag        text NOT NULL CHECK (tag ~ '^[^[:space:]#@]{1,50}$'),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, tag)
);
CREATE INDEX tag_follows_tag_idx ON tag_follows (tag);

-- Notifications. Likes of one post are grouped while unread: a new like
-- replaces the unread one (new id, so "read up to id" stays correct) and
-- counts the actors.
CREATE TABLE notifications (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('mention', 'reply', 'like', 'follow', 'endorsement',
                'answer', 'accepted', 'escalation', 'moderation', 'expert')),
  actor_id    bigint REFERENCES users (id),
  object_type text NOT NULL,
  object_id   bigint NOT NULL,
  detail      text NOT NULL DEFAULT '',
  actor_count integer NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  read_at     timestamptz
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
CREATE UNIQUE INDEX notifications_group_idx ON notifications (user_id, kind, object_type, object_id)
  WHERE read_at IS NULL AND kind = 'like';

CREATE FUNCTION notify(recipient bigint, what text, actor bigint, otype text, oid bigint,
                       extra text DEFAULT '') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  n integer := 1;
BEGIN
  IF recipient IS NULL OR recipient = actor THEN
    RETURN;
  END IF;
  IF what = 'like' THEN
    -- One unread item per post: the people who liked it since the owner
    -- last read a like of it (liking, unliking and liking again is one).
    DELETE FROM notifications
     WHERE user_id = recipient AND kind = 'like' AND object_type = otype
       AND object_id = oid AND read_at IS NULL;
    SELECT count(*) INTO n FROM post_likes l
     WHERE l.post_id = oid AND l.user_id <> recipient
       AND l.created_at > coalesce((SELECT max(read_at) FROM notifications
             WHERE user_id = recipient AND kind = 'like' AND object_type = otype
               AND object_id = oid), '-infinity');
    n := greatest(n, 1);
  END IF;
  INSERT INTO notifications (user_id, kind, actor_id, object_type, object_id, detail, actor_count)
  VALUES (recipient, what, actor, otype, oid, coalesce(extra, ''), n);
END $$;

-- Writes a post with its tags, mentions, reply count and notifications in
-- one statement's worth of work. Returns NULL (and writes nothing) when
-- replying to a post that does not exist or was deleted.
CREATE FUNCTION post_create(p_author bigint, p_body text, p_html text, p_reply_to bigint,
                            p_tags jsonb, p_mentions jsonb) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  v_id bigint;
  v_at timestamptz;
  v_parent_author bigint;
BEGIN
  IF p_reply_to IS NOT NULL THEN
    UPDATE posts SET reply_count = reply_count + 1
     WHERE id = p_reply_to AND deleted_at IS NULL
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

-- Keeps the previous text as a version, stores the new one, and notifies
-- only the people the edit newly mentions.
CREATE FUNCTION post_edit(p_post bigint, p_editor bigint, p_body text, p_html text,
                          p_tags jsonb, p_mentions jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  v_created timestamptz;
  v_old bigint[] := ARRAY(SELECT user_id FROM post_mentions WHERE post_id = p_post);
BEGIN
  INSERT INTO post_versions (post_id, body, html, written_at)
  SELECT id, body, html, coalesce(edited_at, created_at) FROM posts WHERE id = p_post;
  UPDATE posts SET body = p_body, html = p_html, edited_at = now()
   WHERE id = p_post RETURNING created_at INTO v_created;
  DELETE FROM post_tags WHERE post_id = p_post;
  INSERT INTO post_tags (post_id, tag, created_at)
  SELECT p_post, t, v_created FROM jsonb_array_elements_text(p_tags) AS t;
  DELETE FROM post_mentions WHERE post_id = p_post;
  INSERT INTO post_mentions (post_id, user_id)
  SELECT p_post, u.id FROM users u
   WHERE lower(u.handle) IN (SELECT jsonb_array_elements_text(p_mentions));
  PERFORM notify(m.user_id, 'mention', p_editor, 'post', p_post)
     FROM post_mentions m
    WHERE m.post_id = p_post
      AND m.user_id <> ALL (v_old);
END $$;
