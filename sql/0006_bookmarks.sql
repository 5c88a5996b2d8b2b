-- 0006: the read model behind saved_by and popular links. bookmark_urls
-- holds, per page (url_key), how many people saved it where everyone can
-- see it (not private, not hidden by a moderator), and when the first and
-- the latest of them did. Statement-level triggers keep it in step with
-- bookmarks, so an import of thousands of rows updates it in one pass and
-- GET /api/v1/bookmarks/popular reads a short index range instead of
-- grouping every public bookmark.
--
-- Counts change by deltas under the row lock of their bookmark_urls row,
-- so concurrent saves of one page never lose a count. When savers leave,
-- the first/latest times are recomputed from the remaining bookmarks.

-- One's own private bookmarks, newest first: the second half of the
-- everyone-list (public ones come from bookmarks_public_idx), which would
-- otherwise read all of a person's bookmarks to find the private few.
CREATE INDEX bookmarks_private_idx ON bookmarks (owner_id, created_at DESC, id DESC)
  WHERE private;

-- A page's public saves, newest first: popular links read the latest few
-- hundred of them.
CREATE INDEX bookmarks_url_recent_idx ON bookmarks (url_key, created_at DESC, id DESC)
  WHERE NOT private AND NOT hidden;

CREATE TABLE bookmark_urls (
  url_key        text PRIMARY KEY,
  saved_by       integer NOT NULL CHECK (saved_by >= 0),
  first_saved_at timestamptz NOT NULL,
  last_saved_at  timestamptz NOT NULL
);
CREATE INDEX bookmark_urls_popular_idx
  ON bookmark_urls (saved_by DESC, last_saved_at DESC, url_key);

-- Applies signed per-page deltas: keys[i] gained n[i] (negative: lost)
-- public savers; at[i] is when that saver saved it. New pages are taken in
-- key order so that two imports touching the same pages cannot deadlock.
-- Every step is a join or an index range, never a per-key search of an
-- unbounded index, so deleting a person with 100,000 bookmarks stays linear
-- whatever the planner's statistics say.
CREATE FUNCTION bookmark_urls_apply(keys text[], n int[], at timestamptz[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  remain text[];
BEGIN
  INSERT INTO bookmark_urls AS u (url_key, saved_by, first_saved_at, last_saved_at)
  SELECT k, sum(d)::int, min(t), max(t)
    FROM unnest(keys, n, at) AS x (k, d, t)
   GROUP BY k HAVING sum(d) > 0
   ORDER BY k
  ON CONFLICT (url_key) DO UPDATE
     SET saved_by = u.saved_by + EXCLUDED.saved_by,
         first_saved_at = least(u.first_saved_at, EXCLUDED.first_saved_at),
         last_saved_at = greatest(u.last_saved_at, EXCLUDED.last_saved_at);

  WITH lost AS (
    SELECT k, -sum(d)::int AS gone
      FROM unnest(keys, n) AS x (k, d)
     GROUP BY k HAVING sum(d) < 0
  ), counted AS (
    UPDATE bookmark_urls u SET saved_by = greatest(u.saved_by - lost.gone, 0)
      FROM lost WHERE u.url_key = lost.k
    RETURNING u.url_key, u.saved_by
  )
  SELECT array_agg(url_key) FILTER (WHERE saved_by > 0) INTO remain
    FROM counted;

  DELETE FROM bookmark_urls WHERE saved_by = 0;

  -- Pages that lost savers but keep some: their first and latest save,
  -- from the remaining rows of those pages only.
  UPDATE bookmark_urls u SET first_saved_at = s.f, last_saved_at = s.l
    FROM (SELECT b.url_key, min(b.created_at) AS f, max(b.created_at) AS l
            FROM unnest(remain) AS r (k) JOIN bookmarks b ON b.url_key = r.k
           WHERE NOT b.private AND NOT b.hidden
           GROUP BY b.url_key) s
   WHERE u.url_key = s.url_key;
END $$;

CREATE FUNCTION bookmark_urls_sync() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  k text[]; n int[]; t timestamptz[];
BEGIN
  IF TG_OP = 'INSERT' THEN
    SELECT array_agg(url_key), array_agg(1), array_agg(created_at)
      INTO k, n, t
      FROM new_rows WHERE NOT private AND NOT hidden;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(url_key), array_agg(-1), array_agg(created_at)
      INTO k, n, t
      FROM old_rows WHERE NOT private AND NOT hidden;
  ELSE
    -- An edit that keeps the page and who sees it nets to zero per key.
    SELECT array_agg(x.url_key), array_agg(x.d), array_agg(x.created_at)
      INTO k, n, t
      FROM (SELECT url_key, 1 AS d, created_at FROM new_rows
             WHERE NOT private AND NOT hidden
            UNION ALL
            SELECT url_key, -1, created_at FROM old_rows
             WHERE NOT private AND NOT hidden) x;
  END IF;
  IF k IS NOT NULL THEN
    PERFORM bookmark_urls_apply(k, n, t);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER bookmark_urls_insert AFTER INSERT ON bookmarks
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bookmark_urls_sync();
CREATE TRIGGER bookmark_urls_update AFTER UPDATE ON bookmarks
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bookmark_urls_sync();
CREATE TRIGGER bookmark_urls_delete AFTER DELETE ON bookmarks
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION bookmark_urls_sync();

INSERT INTO bookmark_urls (url_key, saved_by, first_saved_at, last_saved_at)
SELECT url_key, count(*), min(created_at), max(created_at)
  FROM bookmarks WHERE NOT private AND NOT hidden
 GROUP BY url_key;
