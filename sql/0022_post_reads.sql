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
--  * home_page() (0020) asks post_readable() only of entries it adds to a
--    feed, so the feed is also dropped when a community's visibility or the
--    reader's role changes (joining and leaving already dropped it, 0020).

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
