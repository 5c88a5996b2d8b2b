-- 0022: cheaper reads of posts (make bench, SCALE=1; perf showed a fifth
-- of the home timeline's database time in SQL functions run by fmgr_sql,
-- each planned again in every statement that calls it):
--  * api_time() (0001) was declared IMMUTABLE around to_char(timestamp),
--    which is STABLE, so PostgreSQL would not inline it and ran it as a
--    function twice per rendered post. Declared STABLE it is inlined; the
--    text is the same.
--  * post_readable() (0020, 0021) has sub-selects, so it cannot be inlined
--    either; in plpgsql its plan is kept for the session instead of made
--    again by each statement that calls it. Same rule.
--  * home_page() no longer asks post_readable() of each cached entry: an
--    entry was readable when it was added, and the feed is now also dropped
--    when a community's visibility or the reader's role changes (joining
--    and leaving already dropped it, 0020).

ALTER FUNCTION api_time(timestamptz) STABLE;

CREATE OR REPLACE FUNCTION post_readable(p_viewer bigint, p_community bigint) RETURNS boolean
LANGUAGE plpgsql STABLE AS $$
BEGIN
  RETURN p_community IS NULL
      OR EXISTS (SELECT 1 FROM communities c WHERE c.id = p_community AND c.visibility = 'open')
      OR EXISTS (SELECT 1 FROM community_members m WHERE m.community_id = p_community
                  AND m.user_id = p_viewer AND m.status = 'active')
      OR EXISTS (SELECT 1 FROM users u WHERE u.id = p_viewer AND u.role = 'admin');
END $$;

CREATE FUNCTION home_feeds_drop_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'users' THEN
    DELETE FROM home_feeds h WHERE h.user_id = NEW.id;
  ELSE
    DELETE FROM home_feeds;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER communities_home_visibility AFTER UPDATE OF visibility ON communities
  FOR EACH ROW WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility)
  EXECUTE FUNCTION home_feeds_drop_all();
CREATE TRIGGER users_home_role AFTER UPDATE OF role ON users
  FOR EACH ROW WHEN (OLD.role IS DISTINCT FROM NEW.role)
  EXECUTE FUNCTION home_feeds_drop_all();

CREATE OR REPLACE FUNCTION home_page(p_viewer bigint, p_limit int, p_at timestamptz, p_id bigint)
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
  -- that drops the feed (membership, a community's visibility, the
  -- reader's role), so only deletion is checked here.
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
