-- 0020: the home timeline from a per-person cache, and joined communities'
-- posts in it (API.md: "one's own, followed people's, followed tags',
-- joined communities'").
--
-- Reading home from its sources costs one index descent per person, tag
-- and community followed (221 for the benchmark's reader: 2.5-3.5 ms of
-- database time, 650-900 requests/s), whatever was written since the last
-- look. So each reader's newest entries are kept in home_feeds and brought
-- up to date from the posts written since, found by the writing
-- transaction's id:
--  * posts.xid is the transaction that wrote the post (or last edited its
--    text, which can change its tags);
--  * a feed remembers `since`, the oldest transaction still running when it
--    was last brought up to date (pg_snapshot_xmin). Every transaction below
--    it had finished, so its posts were already seen; anything from `since`
--    on is looked at again, so a post whose transaction commits late is
--    never missed;
--  * following or unfollowing a person or tag, and joining or leaving a
--    community, drop the reader's feed; deleted posts are left out when
--    read. A post edited to lose a followed tag stays where it was (as in
--    Mastodon's home feeds).
-- The cache is UNLOGGED: losing it in a crash costs one recomputation per
-- reader, and writing it on a GET flushes no WAL.

ALTER TABLE posts ADD COLUMN xid xid8;
ALTER TABLE posts ALTER COLUMN xid SET DEFAULT pg_current_xact_id();
CREATE INDEX posts_xid_idx ON posts (xid);

CREATE FUNCTION posts_touch_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.xid := pg_current_xact_id();
  RETURN NEW;
END $$;
CREATE TRIGGER posts_touch_xid BEFORE UPDATE OF body ON posts
  FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body) EXECUTE FUNCTION posts_touch_xid();

-- A post in a closed community is for its active members only.
CREATE FUNCTION post_readable(p_viewer bigint, p_community bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT p_community IS NULL
      OR EXISTS (SELECT 1 FROM communities c WHERE c.id = p_community AND c.visibility = 'open')
      OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = p_community
                  AND m.user_id = p_viewer AND m.status = 'active')
$$;

CREATE UNLOGGED TABLE home_feeds (
  user_id bigint PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  ats     timestamptz[] NOT NULL,   -- newest first, with ids: (created_at, id)
  ids     bigint[] NOT NULL,
  whole   boolean NOT NULL,         -- the arrays hold the whole feed
  since   xid8 NOT NULL
);

CREATE FUNCTION home_feeds_drop() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'follows' THEN
    DELETE FROM home_feeds h USING changed c WHERE h.user_id = c.follower_id;
  ELSE
    DELETE FROM home_feeds h USING changed c WHERE h.user_id = c.user_id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER follows_home_ins AFTER INSERT ON follows REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION home_feeds_drop();
CREATE TRIGGER follows_home_del AFTER DELETE ON follows REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION home_feeds_drop();
CREATE TRIGGER tag_follows_home_ins AFTER INSERT ON tag_follows REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION home_feeds_drop();
CREATE TRIGGER tag_follows_home_del AFTER DELETE ON tag_follows REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION home_feeds_drop();
CREATE TRIGGER members_home_ins AFTER INSERT ON community_members REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION home_feeds_drop();
CREATE TRIGGER members_home_upd AFTER UPDATE ON community_members REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION home_feeds_drop();
CREATE TRIGGER members_home_del AFTER DELETE ON community_members REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION home_feeds_drop();

-- Home read from its sources: newest first, before the cursor, at most
-- p_limit. One short index range per source; each leaves out what the
-- reader may not see, so the ranges' LIMITs count only what is shown.
CREATE FUNCTION home_scan(p_viewer bigint, p_limit int, p_at timestamptz, p_id bigint)
RETURNS TABLE (id bigint, created_at timestamptz) LANGUAGE sql STABLE AS $$
  WITH src AS (
    SELECT x.id, x.created_at FROM
      (SELECT p_viewer AS uid UNION SELECT followee_id FROM follows WHERE follower_id = p_viewer) a,
      LATERAL (SELECT p.id, p.created_at FROM posts p
                WHERE p.author_id = a.uid AND p.deleted_at IS NULL
                  AND (p.created_at, p.id) < (p_at, p_id)
                  AND (p.community_id IS NULL OR post_readable(p_viewer, p.community_id))
                ORDER BY p.created_at DESC, p.id DESC LIMIT p_limit) x
    UNION ALL
    SELECT x.id, x.created_at FROM tag_follows f,
      LATERAL (SELECT p.id, p.created_at FROM post_tags t JOIN posts p ON p.id = t.post_id
                WHERE t.tag = f.tag AND (t.created_at, t.post_id) < (p_at, p_id)
                  AND p.deleted_at IS NULL
                  AND (p.community_id IS NULL OR post_readable(p_viewer, p.community_id))
                ORDER BY t.created_at DESC, t.post_id DESC LIMIT p_limit) x
     WHERE f.user_id = p_viewer
    UNION ALL
    SELECT x.id, x.created_at FROM community_members m,
      LATERAL (SELECT p.id, p.created_at FROM posts p
                WHERE p.community_id = m.community_id AND p.deleted_at IS NULL
                  AND (p.created_at, p.id) < (p_at, p_id)
                ORDER BY p.created_at DESC, p.id DESC LIMIT p_limit) x
     WHERE m.user_id = p_viewer AND m.status = 'active')
  SELECT DISTINCT s.id, s.created_at FROM src s
   ORDER BY s.created_at DESC, s.id DESC LIMIT p_limit
$$;

-- Posts written since p_since that belong in p_viewer's home.
CREATE FUNCTION home_since(p_viewer bigint, p_since xid8)
RETURNS TABLE (id bigint, created_at timestamptz) LANGUAGE sql STABLE AS $$
  SELECT p.id, p.created_at FROM posts p
   WHERE p.xid >= p_since AND p.deleted_at IS NULL
     AND (p.author_id = p_viewer
          OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = p_viewer AND f.followee_id = p.author_id)
          OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = p.community_id
                      AND m.user_id = p_viewer AND m.status = 'active')
          OR EXISTS (SELECT 1 FROM post_tags t JOIN tag_follows f ON f.tag = t.tag AND f.user_id = p_viewer
                      WHERE t.post_id = p.id))
     AND (p.community_id IS NULL OR post_readable(p_viewer, p.community_id))
$$;

-- One page of home: newest first, before the cursor, at most p_limit rows.
-- Served from the reader's cached feed when it covers the page; otherwise
-- read from the sources (home_scan).
CREATE FUNCTION home_page(p_viewer bigint, p_limit int, p_at timestamptz, p_id bigint)
RETURNS TABLE (id bigint, created_at timestamptz) LANGUAGE plpgsql AS $$
DECLARE
  cap      constant int := 101;   -- a whole first page at the largest ?limit=100
  f        home_feeds;
  now_x    xid8 := pg_snapshot_xmin(pg_current_snapshot());
  new_ats  timestamptz[];
  new_ids  bigint[];
  n        int;
BEGIN
  SELECT * INTO f FROM home_feeds h WHERE h.user_id = p_viewer;
  IF FOUND AND f.since < now_x THEN
    -- In xid order, so that this is an index range (an EXISTS could be
    -- planned as a scan of the whole table).
    SELECT count(*) INTO n FROM (SELECT 1 FROM posts p WHERE p.xid >= f.since
                                  ORDER BY p.xid LIMIT 1001) w;
    IF n > 1000 THEN
      f := NULL;   -- too much written since: start over
    ELSIF n > 0 THEN
      -- Merge what was written since; saved so it is not looked at again.
      SELECT array_agg(s.created_at), array_agg(s.id) INTO new_ats, new_ids
        FROM home_since(p_viewer, f.since) s;
      WITH e AS (SELECT DISTINCT x.a, x.i FROM unnest(f.ats || coalesce(new_ats, '{}'),
                                                      f.ids || coalesce(new_ids, '{}')) AS x(a, i)),
      top AS (SELECT e.a, e.i FROM e ORDER BY e.a DESC, e.i DESC LIMIT cap)
      SELECT coalesce(array_agg(top.a ORDER BY top.a DESC, top.i DESC), '{}'),
             coalesce(array_agg(top.i ORDER BY top.a DESC, top.i DESC), '{}'),
             (SELECT count(*) FROM e)
        INTO f.ats, f.ids, n FROM top;
      f.whole := f.whole AND n <= cap;
      UPDATE home_feeds h SET ats = f.ats, ids = f.ids, whole = f.whole, since = now_x
       WHERE h.user_id = p_viewer AND h.since = f.since;
    END IF;
  END IF;
  IF f.user_id IS NULL THEN
    SELECT coalesce(array_agg(s.created_at ORDER BY s.created_at DESC, s.id DESC), '{}'),
           coalesce(array_agg(s.id ORDER BY s.created_at DESC, s.id DESC), '{}')
      INTO f.ats, f.ids
      FROM home_scan(p_viewer, cap, 'infinity', 0) s;
    f.whole := cardinality(f.ids) < cap;
    INSERT INTO home_feeds AS h (user_id, ats, ids, whole, since)
    VALUES (p_viewer, f.ats, f.ids, f.whole, now_x)
    ON CONFLICT (user_id) DO UPDATE SET ats = EXCLUDED.ats, ids = EXCLUDED.ids,
      whole = EXCLUDED.whole, since = EXCLUDED.since;
  END IF;

  -- The page from the feed when the feed holds all of it; else the sources.
  -- Entries were readable when they were added, and whatever could change
  -- that drops the feed (membership here, a community's visibility and
  -- the reader's role in 0022), so only deletion is checked here.
  SELECT count(*) INTO n FROM (
    SELECT 1 FROM unnest(f.ats, f.ids) AS x(a, i) JOIN posts p ON p.id = x.i
     WHERE (x.a, x.i) < (p_at, p_id) AND p.deleted_at IS NULL
     LIMIT p_limit) c;
  IF n = p_limit OR f.whole THEN
    RETURN QUERY
    SELECT x.i, x.a FROM unnest(f.ats, f.ids) WITH ORDINALITY AS x(a, i, o)
      JOIN posts p ON p.id = x.i
     WHERE (x.a, x.i) < (p_at, p_id) AND p.deleted_at IS NULL
     ORDER BY x.o LIMIT p_limit;
  ELSE
    RETURN QUERY SELECT s.id, s.created_at FROM home_scan(p_viewer, p_limit, p_at, p_id) s;
  END IF;
END $$;
