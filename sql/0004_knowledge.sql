-- 0004: communities, questions and answers with votes, and bookmarks: the
-- tables the knowledge features share. Search columns and the expert finder
-- arrive in their own migrations.

-- Accounts made by a Stack Exchange import (cannot sign in).
ALTER TABLE users DROP CONSTRAINT users_source_check;
ALTER TABLE users ADD CONSTRAINT users_source_check
  CHECK (source IN ('local', 'ldif', 'stackexchange'));

CREATE TABLE communities (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{1,48}[a-z0-9]$'),
  name        text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 2000),
  visibility  text NOT NULL CHECK (visibility IN ('open', 'closed')),
  created_by  bigint REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);

-- status 'pending': a join request to a closed community, until a manager
-- approves it. Managers moderate their community.
CREATE TABLE community_members (
  community_id bigint NOT NULL REFERENCES communities (id) ON DELETE CASCADE,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role         text NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'manager')),
  status       text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'pending')),
  created_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (community_id, user_id)
);
CREATE INDEX community_members_user_idx ON community_members (user_id) WHERE status = 'active';

ALTER TABLE posts ADD CONSTRAINT posts_community_fk
  FOREIGN KEY (community_id) REFERENCES communities (id);
CREATE INDEX posts_community_stream_idx ON posts (community_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL AND community_id IS NOT NULL;

-- Bodies: the API allows 20,000 code points; imports keep what the source
-- had (Stack Exchange allows 30,000), so the table allows more.
CREATE TABLE questions (
  id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  community_id       bigint NOT NULL REFERENCES communities (id),
  author_id          bigint NOT NULL REFERENCES users (id),
  title              text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 300),
  body               text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 60000),
  html               text NOT NULL,
  tags               text[] NOT NULL DEFAULT '{}',
  score              integer NOT NULL DEFAULT 0,
  answer_count       integer NOT NULL DEFAULT 0 CHECK (answer_count >= 0),
  accepted_answer_id bigint,
  created_at         timestamptz NOT NULL DEFAULT now(),
  edited_at          timestamptz,
  deleted_at         timestamptz,
  hidden             boolean NOT NULL DEFAULT false,
  external_id        text,                      -- e.g. 'se:<site>:<PostId>' for imports
  UNIQUE (community_id, external_id)
);
CREATE INDEX questions_community_new_idx ON questions (community_id, created_at DESC, id DESC)
  WHERE deleted_at IS NULL;
CREATE INDEX questions_new_idx ON questions (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX questions_votes_idx ON questions (score DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX questions_author_idx ON questions (author_id);
CREATE INDEX questions_tags_idx ON questions USING gin (tags);

CREATE TABLE answers (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  question_id bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  author_id   bigint NOT NULL REFERENCES users (id),
  body        text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 60000),
  html        text NOT NULL,
  score       integer NOT NULL DEFAULT 0,
  created_at  timestamptz NOT NULL DEFAULT now(),
  edited_at   timestamptz,
  deleted_at  timestamptz,
  hidden      boolean NOT NULL DEFAULT false,
  external_id text,
  UNIQUE (question_id, external_id)
);
CREATE INDEX answers_question_idx ON answers (question_id, score DESC, id);
CREATE INDEX answers_author_idx ON answers (author_id, created_at DESC);

ALTER TABLE questions ADD CONSTRAINT questions_accepted_fk
  FOREIGN KEY (accepted_answer_id) REFERENCES answers (id) ON DELETE SET NULL;

-- One vote per person and item; 0 removes it. Scores are kept on the rows.
CREATE TABLE question_votes (
  question_id bigint NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
  user_id     bigint NOT NULL REFERENCES users (id),
  value       smallint NOT NULL CHECK (value IN (-1, 1)),
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (question_id, user_id)
);
CREATE TABLE answer_votes (
  answer_id  bigint NOT NULL REFERENCES answers (id) ON DELETE CASCADE,
  user_id    bigint NOT NULL REFERENCES users (id),
  value      smallint NOT NULL CHECK (value IN (-1, 1)),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (answer_id, user_id)
);

-- Bookmarks. url_key groups the same page saved by different people
-- (scheme and host lower-cased, default port and trailing slash dropped,
-- fragment removed) for saved_by and popular links.
CREATE TABLE bookmarks (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id    bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  url         text NOT NULL CHECK (octet_length(url) BETWEEN 8 AND 2048),
  url_key     text NOT NULL,
  title       text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 500),
  description text NOT NULL DEFAULT '' CHECK (char_length(description) <= 10000),
  tags        text[] NOT NULL DEFAULT '{}',
  private     boolean NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  hidden      boolean NOT NULL DEFAULT false,
  UNIQUE (owner_id, url_key)
);
CREATE INDEX bookmarks_owner_idx ON bookmarks (owner_id, created_at DESC, id DESC);
CREATE INDEX bookmarks_url_key_idx ON bookmarks (url_key) WHERE NOT private;
CREATE INDEX bookmarks_tags_idx ON bookmarks USING gin (tags);
CREATE INDEX bookmarks_public_idx ON bookmarks (created_at DESC, id DESC) WHERE NOT private;

-- The expert finder replaces this (CREATE OR REPLACE) with one that
-- notifies the people ranked as experts for a new question.
CREATE FUNCTION notify_experts(p_question bigint) RETURNS void
LANGUAGE sql AS $$ SELECT $$;
