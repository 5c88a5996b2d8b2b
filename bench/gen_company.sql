-- A realistic company at scale for `make bench` (issue 7), loaded by
-- bench/data.sh into a freshly migrated, empty benchmark database. Set-based
-- (generate_series, INSERT ... SELECT); ids are given explicitly
-- (OVERRIDING SYSTEM VALUE) so that threads, answers and links can be
-- computed instead of looked up, and the sequences are moved past them at
-- the end.
--
-- The load runs with session_replication_role = replica: no triggers fire
-- (neither foreign-key checks nor the moderation scan, the report rollups,
-- posts_set_root or bookmark_urls_sync); every id written below is valid by
-- construction, and what the triggers would have maintained is written
-- here set-based (root_id, reply/answer counts, scores, bookmark_urls) or
-- rebuilt once at the end (report_rebuild(), sql/0015_reports.sql).
--
-- Variables (psql -v): users, posts, communities, questions, answers,
-- qvotes, avotes, bookmarks, messages, follows (per person).
\set ON_ERROR_STOP on
\timing on
SET synchronous_commit = off;
SET session_replication_role = replica;
SET maintenance_work_mem = '1GB';
SET work_mem = '256MB';
SELECT setseed(0.7);

-- Words for bodies and titles, so that search and experts find something.
CREATE TEMP TABLE words AS
SELECT row_number() OVER () AS i, w FROM unnest(string_to_array(
 'deploy kubernetes postgres latency cache index query migration release '
 'budget roadmap customer invoice onboarding security audit incident outage '
 'backup restore replication vacuum rust python golang javascript react css '
 'design review hiring interview quarterly planning retro sprint kanban '
 'compliance gdpr privacy contract pricing renewal churn forecast revenue '
 'sales marketing campaign launch webinar docs api sdk webhook oauth token '
 'network firewall vpn laptop printer wifi badge office travel expense '
 'payroll benefits training mentoring feedback promotion offsite strategy '
 'analytics dashboard report metrics kpi okr warehouse etl spark kafka', ' ')) w;
SELECT count(*) AS nwords, array_agg(w ORDER BY i)::text AS wa FROM words \gset

-- ---- people ----------------------------------------------------------------
-- 50 departments; inside each, a tree of managers 8 wide: person g is in
-- department g % 50 at rank g / 50, and rank r reports to rank (r - 1) / 8.
INSERT INTO users (id, handle, email, display_name, title, department,
  location, bio, manager_id, role, created_at)
OVERRIDING SYSTEM VALUE
SELECT g, 'user' || g, 'user' || g || '@bench.example',
  (ARRAY['Ada','Grace','Alan','Linus','Barbara','Ken','Margaret','Dennis',
         'Frances','John'])[1 + g % 10] || ' ' ||
  (ARRAY['Lovelace','Hopper','Turing','Torvalds','Liskov','Thompson',
         'Hamilton','Ritchie','Allen','Backus','Knuth'])[1 + (g / 10) % 11] || ' ' || g,
  (ARRAY['Engineer','Analyst','Manager','Designer','Support Agent',
         'Sales Lead','Recruiter'])[1 + g % 7],
  (ARRAY['Engineering','Sales','Support','Marketing','Finance','People',
         'Legal','Design','Operations','Research'])[1 + g % 10] || ' ' || (g % 50) / 10,
  (ARRAY['Berlin','Lisbon','Austin','Nairobi','Tokyo'])[1 + g % 5],
  'Working on ' || (:'wa'::text[])[1 + g % :nwords],
  CASE WHEN g > 50 THEN ((g / 50 - 1) / 8) * 50 + g % 50 END,
  CASE WHEN g = 1 THEN 'admin' WHEN g = 2 THEN 'analyst'
       WHEN g = 3 THEN 'community_manager' ELSE 'employee' END,
  now() - interval '400 days'
FROM generate_series(1, :users) g;
-- (rank 0 of department 0 is person 50; person g > 50 at rank 1 reports to
-- rank 0 of its department, which is g % 50, or 50 for department 0.)
UPDATE users SET manager_id = 50 WHERE manager_id = 0;

INSERT INTO user_skills (user_id, skill, position)
SELECT u, w, k FROM generate_series(1, :users) u,
  LATERAL (SELECT k, (:'wa'::text[])[1 + (u * 7 + k * 13) % :nwords] AS w
           FROM generate_series(0, 2) k) s;

-- Follows: :follows per person on average, targets power-law (a few people
-- are followed by many).
INSERT INTO follows (follower_id, followee_id, created_at)
SELECT DISTINCT u, t, now() - interval '300 days'
FROM (SELECT u, (floor(:users * power(random(), 3)) + 1)::bigint + 0 * u AS t
      FROM generate_series(1, :users) u, generate_series(1, :follows) k) x
WHERE t <> u
ON CONFLICT DO NOTHING;

-- ---- communities -----------------------------------------------------------
INSERT INTO communities (id, slug, name, description, visibility, created_by, created_at)
OVERRIDING SYSTEM VALUE
SELECT c, 'community-' || c,
  initcap((:'wa'::text[])[1 + c % :nwords]) || ' guild ' || c,
  'People who care about ' || (:'wa'::text[])[1 + c % :nwords],
  CASE WHEN c % 10 = 0 THEN 'closed' ELSE 'open' END,
  1 + (c * 7919) % :users, now() - interval '390 days'
FROM generate_series(1, :communities) c;
-- Members: every person joins 0-3 communities (power-law towards low ids);
-- the creator manages. The benchmark users (1-8) are in every community.
INSERT INTO community_members (community_id, user_id, role, created_at)
SELECT DISTINCT ON (c, u) c, u, 'member', now() - interval '380 days'
FROM (SELECT u, (floor(:communities * power(random(), 2)) + 1)::bigint + 0 * u AS c
      FROM generate_series(1, :users) u, generate_series(1, 2) k
      WHERE random() < 0.75) x
ON CONFLICT DO NOTHING;
INSERT INTO community_members (community_id, user_id, role, created_at)
SELECT c.id, u, 'member', now() - interval '380 days'
FROM communities c, generate_series(1, least(8, :users)) u
ON CONFLICT DO NOTHING;
INSERT INTO community_members (community_id, user_id, role, created_at)
SELECT id, created_by, 'manager', created_at FROM communities
ON CONFLICT (community_id, user_id) DO UPDATE SET role = 'manager';

-- ---- posts -----------------------------------------------------------------
-- Post g is written at start + g * step (ids follow time). In every block of
-- ten, positions 3-9 start threads and 0-2 are replies to the thread
-- started at position 5 of an earlier block (chosen per block): 0 replies
-- to the root, 1 to 0, 2 to the root or to 1. Authors are power-law; 10% of
-- posts mention someone; every post carries a tag (power-law over 500),
-- a third two; 10% of root posts are in a community.
CREATE TEMP TABLE post_plan AS
SELECT g, g / 10 AS b, g % 10 AS pos,
  (floor(:users * power(random(), 2)) + 1)::bigint AS author,
  (floor(500 * power(random(), 2)))::int AS tag1,
  CASE WHEN random() < 0.33 THEN (floor(500 * random()))::int END AS tag2,
  CASE WHEN random() < 0.10 THEN (floor(:users * random()) + 1)::bigint END AS mention,
  1 + floor(random() * :nwords)::int AS w1,
  1 + floor(random() * :nwords)::int AS w2,
  1 + floor(random() * :nwords)::int AS w3
FROM generate_series(1, :posts) g;
ALTER TABLE post_plan ADD COLUMN root bigint, ADD COLUMN parent bigint;
-- Each reply block picks one earlier thread: block b - 1 - (hash % 50).
UPDATE post_plan SET
  root = 10 * (b - 1 - (abs(hashint4(b::int)) % 50)) + 5
WHERE pos < 3 AND b > 51;
UPDATE post_plan SET parent = CASE
  WHEN pos = 0 THEN root
  WHEN pos = 1 THEN g - 1
  WHEN abs(hashint4(g::int)) % 2 = 0 THEN root ELSE g - 1 END
WHERE root IS NOT NULL;

-- Likes: 2 per post on average, random people and posts.
CREATE TEMP TABLE like_plan AS
SELECT DISTINCT p, u
FROM (SELECT (floor(random() * :posts) + 1)::bigint AS p,
        (floor(:users * random()) + 1)::bigint AS u
      FROM generate_series(1, 2 * :posts)) x;
CREATE TEMP TABLE post_counts AS
SELECT id, sum(likes)::int AS likes, sum(replies)::int AS replies
FROM (SELECT p AS id, 1 AS likes, 0 AS replies FROM like_plan
      UNION ALL
      SELECT parent, 0, 1 FROM post_plan WHERE parent IS NOT NULL) x
GROUP BY id;
ANALYZE post_counts;
INSERT INTO posts (id, author_id, body, html, reply_to, root_id, community_id, created_at,
  like_count, reply_count)
OVERRIDING SYSTEM VALUE
SELECT g, author,
  body, replace(replace(replace(body, '&', '&amp;'), '<', '&lt;'), '>', '&gt;'),
  parent, coalesce(root, g),
  CASE WHEN root IS NULL AND g % 10 = 7 THEN 1 + (g / 10) % :communities END,
  now() - interval '365 days' + g * (interval '365 days' / :posts),
  coalesce(c.likes, 0), coalesce(c.replies, 0)
FROM (SELECT p.*,
        (:'wa'::text[])[p.w1] || ' ' ||
        (:'wa'::text[])[p.w2] || ' and ' ||
        (:'wa'::text[])[p.w3] || ': update ' || g ||
        coalesce(' cc @user' || mention, '') ||
        ' #topic' || tag1 || coalesce(' #topic' || tag2, '') AS body
      FROM post_plan p) x
LEFT JOIN post_counts c ON c.id = x.g
ORDER BY x.g;

INSERT INTO post_tags (post_id, tag, created_at)
SELECT p.g, 'topic' || t, p.created_at
FROM (SELECT pp.g, pp.tag1, pp.tag2,
        now() - interval '365 days' + pp.g * (interval '365 days' / :posts) AS created_at
      FROM post_plan pp) p,
  LATERAL (VALUES (p.tag1), (p.tag2)) v (t)
WHERE t IS NOT NULL
ON CONFLICT DO NOTHING;
INSERT INTO post_mentions (post_id, user_id)
SELECT g, mention FROM post_plan WHERE mention IS NOT NULL;
INSERT INTO post_likes (post_id, user_id, created_at)
SELECT p, u, now() - interval '365 days' + p * (interval '365 days' / :posts)
FROM like_plan;
-- Person 4, who reads the tag stream in make bench, likes a lot: every
-- 20th post (50k at SCALE=1), so "liked by me" is measured for someone
-- with many likes as well as for the typical ~20.
INSERT INTO post_likes (post_id, user_id, created_at)
SELECT id, 4, created_at FROM posts WHERE id % 20 = 3
ON CONFLICT DO NOTHING;
UPDATE posts p SET like_count = (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id)
WHERE p.id % 20 = 3;
-- Tag follows: 5 per person, power-law over tags.
INSERT INTO tag_follows (user_id, tag, created_at)
SELECT DISTINCT u, 'topic' || floor(500 * power(random(), 2))::int + 0 * u,
  now() - interval '300 days'
FROM generate_series(1, :users) u, generate_series(1, 5) k
ON CONFLICT DO NOTHING;

-- ---- questions and answers --------------------------------------------------
INSERT INTO questions (id, community_id, author_id, title, body, html, tags, created_at)
OVERRIDING SYSTEM VALUE
SELECT q, c, a, t, t || ' We tried ' || w2 || ' but it failed.',
  t || ' We tried ' || w2 || ' but it failed.',
  ARRAY[w1, w2], created
FROM (SELECT q, (floor(:communities * power(random(), 2)) + 1)::bigint AS c,
        (floor(:users * power(random(), 2)) + 1)::bigint AS a,
        (:'wa'::text[])[1 + (q * 31) % :nwords] AS w1,
        (:'wa'::text[])[1 + (q * 17 + 5) % :nwords] AS w2,
        now() - interval '365 days' + q * (interval '360 days' / :questions) AS created
      FROM generate_series(1, :questions) q) x,
  LATERAL (SELECT 'How do we handle ' || w1 || ' with ' || w2 || ' (question ' || q || ')?' AS t) tt;
-- Answers: question power-law (popular questions draw many), within two
-- days of the question; answer authors power-law (experts exist).
INSERT INTO answers (id, question_id, author_id, body, html, created_at)
OVERRIDING SYSTEM VALUE
SELECT a, q, au, b, b, least(now(), qc + random() * interval '2 days')
FROM (SELECT a, qq.id AS q, qq.created_at AS qc,
        (floor(:users * power(random(), 3)) + 1)::bigint AS au,
        'Use ' || (:'wa'::text[])[1 + (a * 13) % :nwords] ||
        ' for ' || qq.tags[1] || '; it fixed ' || qq.tags[2] || ' for us.' AS b
      FROM (SELECT a, (floor(:questions * power(random(), 1.5)) + 1)::bigint AS q
            FROM generate_series(1, :answers) a) x
      JOIN questions qq ON qq.id = x.q) y;
INSERT INTO question_votes (question_id, user_id, value, created_at)
SELECT DISTINCT ON (q, u) q, u, CASE WHEN random() < 0.85 THEN 1 ELSE -1 END, now() - interval '10 days'
FROM (SELECT (floor(:questions * power(random(), 1.5)) + 1)::bigint AS q,
        (floor(:users * random()) + 1)::bigint AS u
      FROM generate_series(1, :qvotes)) x
ON CONFLICT DO NOTHING;
INSERT INTO answer_votes (answer_id, user_id, value, created_at)
SELECT DISTINCT ON (a, u) a, u, CASE WHEN random() < 0.85 THEN 1 ELSE -1 END, now() - interval '10 days'
FROM (SELECT (floor(:answers * power(random(), 1.5)) + 1)::bigint AS a,
        (floor(:users * random()) + 1)::bigint AS u
      FROM generate_series(1, :avotes)) x
ON CONFLICT DO NOTHING;
UPDATE questions q SET score = s
FROM (SELECT question_id, sum(value) AS s FROM question_votes GROUP BY 1) v
WHERE q.id = v.question_id;
UPDATE answers a SET score = s
FROM (SELECT answer_id, sum(value) AS s FROM answer_votes GROUP BY 1) v
WHERE a.id = v.answer_id;
-- Answer counts; 40% of answered questions accept their best answer.
UPDATE questions q SET answer_count = n,
  accepted_answer_id = CASE WHEN q.id % 5 < 2 THEN best END
FROM (SELECT question_id, count(*) AS n,
        (array_agg(id ORDER BY score DESC, id))[1] AS best
      FROM answers GROUP BY 1) a
WHERE q.id = a.question_id;

-- ---- bookmarks ---------------------------------------------------------------
-- Pages power-law (popular pages are saved by many); 10% private.
-- A tenth more drawn than needed: one person saving the same page twice
-- is one bookmark, so the draws are deduplicated, then cut to the count.
INSERT INTO bookmarks (owner_id, url, url_key, title, description, tags, private, created_at)
SELECT * FROM (
  SELECT DISTINCT ON (o, k) o, k, k, 'Notes on ' || w || ' ' || n, 'Good read about ' || w,
    ARRAY[w], random() < 0.1, now() - interval '365 days' + random() * interval '364 days'
  FROM (SELECT (floor(:users * random()) + 1)::bigint AS o, n,
          'https://docs' || (n % 997) || '.example.com/page/' || n AS k,
          (:'wa'::text[])[1 + n % :nwords] AS w
        FROM (SELECT (floor(:bookmarks * power(random(), 3)))::bigint AS n
              FROM generate_series(1, :bookmarks + :bookmarks / 10 + 10)) z) x) d
LIMIT :bookmarks;
INSERT INTO bookmark_urls (url_key, saved_by, first_saved_at, last_saved_at)
SELECT url_key, count(*), min(created_at), max(created_at)
FROM bookmarks WHERE NOT private AND NOT hidden GROUP BY url_key;

-- ---- customer care ----------------------------------------------------------
-- Four channels; conversations of 2-6 messages alternating customer and
-- agent, an hour apart; 60% resolved (with CSAT and FCR); a fifth linked to
-- a post or a question (some escalations). Channel 1's secret is known to
-- the benchmark (bench/data.sh reads it back for signed webhooks).
INSERT INTO customer_channels (id, name, kind, webhook_secret, created_by, created_at)
SELECT c, 'Bench channel ' || c, (ARRAY['twitter','email','chat','facebook'])[c],
  'whsec_bench_' || md5(random()::text), 1, now() - interval '370 days'
FROM generate_series(1, 4) c;
CREATE TEMP TABLE conv_plan AS
SELECT cv, 1 + cv % 4 AS ch, 2 + (hashint4(cv::int) & 4) AS n,
  now() - interval '360 days' + cv * (interval '355 days' / (:messages / 4)) AS opened
FROM generate_series(1, greatest(1, :messages / 4)) cv;
INSERT INTO customer_conversations (id, channel_id, root_message_id, customer,
  subject, status, opened_at, first_response_at, resolved_at,
  first_contact_resolution, csat, message_count)
SELECT cv, ch, 0, 'customer' || cv, 'Problem with ' || (:'wa'::text[])[1 + cv % :nwords],
  CASE WHEN cv % 5 < 3 THEN 'resolved' ELSE 'open' END, opened, opened + interval '1 hour',
  CASE WHEN cv % 5 < 3 THEN opened + n * interval '1 hour' END,
  CASE WHEN cv % 5 < 3 THEN cv % 3 <> 0 END,
  CASE WHEN cv % 5 < 3 THEN (1 + cv % 5)::smallint END, n
FROM conv_plan;
INSERT INTO customer_messages (channel_id, conversation_id, external_id,
  in_reply_to_external_id, direction, author, body, sent_at, received_at)
SELECT ch, cv, 'b' || cv || '-' || k, CASE WHEN k > 0 THEN 'b' || cv || '-' || (k - 1) END,
  CASE WHEN k % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
  CASE WHEN k % 2 = 0 THEN 'customer' || cv ELSE 'agent' || (cv % 20) END,
  CASE WHEN k % 2 = 0 THEN 'My ' || (:'wa'::text[])[1 + (cv + k) % :nwords] || ' is broken'
       ELSE 'Sorry, we are looking into it' END,
  opened + k * interval '1 hour', opened + k * interval '1 hour'
FROM conv_plan, generate_series(0, n - 1) k;
UPDATE customer_conversations c SET root_message_id = m.id
FROM customer_messages m
WHERE m.conversation_id = c.id AND m.in_reply_to_external_id IS NULL;
INSERT INTO customer_links (conversation_id, target_type, target_id, linked_by, linked_at, via)
SELECT cv, CASE WHEN cv % 2 = 0 THEN 'post' ELSE 'question' END,
  CASE WHEN cv % 2 = 0 THEN least(:posts, greatest(1, floor(:posts * extract(epoch FROM opened - (now() - interval '365 days')) / extract(epoch FROM interval '365 days'))::bigint))
       ELSE greatest(1, least(:questions, floor(:questions * extract(epoch FROM opened - (now() - interval '365 days')) / extract(epoch FROM interval '360 days'))::bigint)) END,
  1 + (cv * 31) % :users, opened + interval '30 minutes',
  CASE WHEN cv % 10 = 3 THEN 'escalation' ELSE 'link' END
FROM conv_plan WHERE cv % 5 = 0 OR cv % 10 = 3;

-- ---- the benchmark people -----------------------------------------------------
-- Person 1 (admin) reads the home timeline: 200 people and 20 tags
-- followed, on top of whatever the random follows gave.
DELETE FROM follows WHERE follower_id = 1;
DELETE FROM tag_follows WHERE user_id = 1;
INSERT INTO follows (follower_id, followee_id)
SELECT 1, id FROM (SELECT DISTINCT (floor(:users * power(random(), 3)) + 2)::bigint AS id
                   FROM generate_series(1, 2000)) x
WHERE id <= :users LIMIT 200;
INSERT INTO tag_follows (user_id, tag)
SELECT 1, 'topic' || (g * 7) FROM generate_series(0, 19) g;

-- ---- sequences, rollups, statistics -------------------------------------------
SET session_replication_role = origin;
SELECT setval(pg_get_serial_sequence(t, 'id'), (SELECT max(id) FROM users))
FROM (VALUES ('users')) v (t);
SELECT setval(pg_get_serial_sequence('posts', 'id'), (SELECT max(id) FROM posts));
SELECT setval(pg_get_serial_sequence('communities', 'id'), (SELECT max(id) FROM communities));
SELECT setval(pg_get_serial_sequence('questions', 'id'), (SELECT max(id) FROM questions));
SELECT setval(pg_get_serial_sequence('answers', 'id'), (SELECT max(id) FROM answers));
SELECT setval(pg_get_serial_sequence('customer_channels', 'id'), 4);
SELECT setval(pg_get_serial_sequence('customer_conversations', 'id'),
  (SELECT max(id) FROM customer_conversations));
INSERT INTO report_departments (user_id, since, department)
SELECT id, '-infinity', btrim(department) FROM users ON CONFLICT DO NOTHING;
VACUUM ANALYZE;
