-- Collaboration data at scale for the report benchmarks (issue 6), on top of
-- bench/gen_microblog.sql (100k people in 50 departments, 1M posts over a
-- year): replies, likes, mentions, endorsements, questions and answers over
-- the same year, inserted in time order through the report triggers of
-- sql/0015_reports.sql. Set-based; run with
--   psql -v replies=300000 -v likes=1000000 -v mentions=100000 \
--        -v endorsements=50000 -v questions=50000 -v answers=200000 -f ...
\set ON_ERROR_STOP on
SET synchronous_commit = off;
\timing on

-- Replies: to a random earlier post, a few minutes to a few days later,
-- authors skewed like the posts' (a few people write most).
INSERT INTO posts (author_id, body, html, reply_to, root_id, created_at)
SELECT a, 'a reply', 'a reply', p.id, 0, t
FROM (SELECT (floor(u * power(random(), 2)) + 1)::bigint AS a,
        (floor(random() * m) + 1)::bigint AS target,
        random() AS r
      FROM generate_series(1, :replies),
        (SELECT max(id) AS m, (SELECT count(*) FROM users) AS u FROM posts) s) x
JOIN posts p ON p.id = x.target
CROSS JOIN LATERAL (SELECT least(now(), p.created_at + x.r * interval '3 days') AS t) tt
ORDER BY t;

-- Likes: random people, random posts, after the post.
INSERT INTO post_likes (post_id, user_id, created_at)
SELECT p.id, x.u, least(now(), p.created_at + x.r * interval '7 days')
FROM (SELECT (floor(random() * (SELECT max(id) FROM posts)) + 1)::bigint AS target,
        (floor(random() * (SELECT count(*) FROM users)) + 1)::bigint AS u,
        random() AS r
      FROM generate_series(1, :likes)) x
JOIN posts p ON p.id = x.target
ORDER BY 3
ON CONFLICT DO NOTHING;

INSERT INTO post_mentions (post_id, user_id)
SELECT p.id, x.u
FROM (SELECT (floor(random() * (SELECT max(id) FROM posts)) + 1)::bigint AS target,
        (floor(random() * (SELECT count(*) FROM users)) + 1)::bigint AS u
      FROM generate_series(1, :mentions)) x
JOIN posts p ON p.id = x.target
ON CONFLICT DO NOTHING;

INSERT INTO skill_endorsements (user_id, skill_key, endorser_id, created_at)
SELECT a, 'sql', b, now() - random() * interval '365 days'
FROM (SELECT (floor(random() * (SELECT count(*) FROM users)) + 1)::bigint AS a,
        (floor(random() * (SELECT count(*) FROM users)) + 1)::bigint AS b
      FROM generate_series(1, :endorsements)) x
WHERE a <> b ORDER BY 4
ON CONFLICT DO NOTHING;

INSERT INTO communities (slug, name, visibility)
SELECT 'bench-' || g, 'Bench ' || g, 'open' FROM generate_series(1, 20) g
ON CONFLICT DO NOTHING;

INSERT INTO questions (community_id, author_id, title, body, html, created_at)
SELECT (SELECT min(id) FROM communities WHERE slug LIKE 'bench-%') + g % 20,
       (floor(random() * (SELECT count(*) FROM users)) + 1)::bigint,
       'Bench question ' || g, 'How?', 'How?', t
FROM (SELECT g, now() - random() * interval '365 days' AS t
      FROM generate_series(1, :questions) g) x
ORDER BY t;

-- Answers: most questions get some, minutes to days after the question.
INSERT INTO answers (question_id, author_id, body, html, created_at)
SELECT q.id, x.u, 'Like this.', 'Like this.',
       least(now(), q.created_at + power(x.r, 3) * interval '5 days')
FROM (SELECT (floor(random() * (SELECT count(*) FROM questions)) + 1)::bigint AS n,
        (floor(random() * (SELECT count(*) FROM users)) + 1)::bigint AS u,
        random() AS r
      FROM generate_series(1, :answers)) x
JOIN (SELECT id, created_at, row_number() OVER (ORDER BY id) AS n FROM questions) q
  ON q.n = x.n
ORDER BY 5;

VACUUM ANALYZE;
