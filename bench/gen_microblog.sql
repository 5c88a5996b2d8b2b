-- Micro-blog data at scale for EXPLAIN and benchmarks: :users people in 50
-- departments, :posts posts over a year with tags and power-law authorship,
-- follows with a power-law in-degree, and user 1 following 500 people and
-- 50 tags. Set-based; run with psql -v users=100000 -v posts=1000000.
\set ON_ERROR_STOP on
SET synchronous_commit = off;
INSERT INTO users (handle, email, display_name, department, title)
SELECT 'user' || g, 'user' || g || '@bench.example', 'Person ' || g,
       'Department ' || (g % 50), (ARRAY['Engineer','Analyst','Manager','Designer'])[1 + g % 4]
  FROM generate_series(1, :users) g;
-- Each person follows 20 others; targets skew to low ids (a few are followed by many).
INSERT INTO follows (follower_id, followee_id)
SELECT DISTINCT u.id, t.id FROM users u
  CROSS JOIN LATERAL (SELECT (floor(:users * power(random(), 3)) + 1)::bigint + 0 * u.id AS id
                        FROM generate_series(1, 20)) t
 WHERE t.id <> u.id
ON CONFLICT DO NOTHING;
ALTER TABLE posts DISABLE TRIGGER posts_set_root;
INSERT INTO posts (author_id, body, html, root_id, created_at)
SELECT (floor(:users * power(random(), 2)) + 1)::bigint,
       'Working on item ' || g || ' #topic' || (g % 500),
       'Working on item ' || g, 0,
       now() - random() * interval '365 days'
  FROM generate_series(1, :posts) g;
UPDATE posts SET root_id = id WHERE root_id = 0;
ALTER TABLE posts ENABLE TRIGGER posts_set_root;
INSERT INTO post_tags (post_id, tag, created_at)
SELECT id, 'topic' || (id % 500), created_at FROM posts;
-- The person the EXPLAIN reads for: 500 people and 50 tags followed.
INSERT INTO follows (follower_id, followee_id)
SELECT 1, id FROM users WHERE id > 1 ORDER BY random() LIMIT 500 ON CONFLICT DO NOTHING;
INSERT INTO tag_follows (user_id, tag)
SELECT 1, 'topic' || g FROM generate_series(1, 50) g ON CONFLICT DO NOTHING;
VACUUM ANALYZE;
