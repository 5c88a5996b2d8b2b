-- 0001: accounts, sessions, personal access tokens, login throttling and the
-- audit log, plus the profile tables the User representation reads from.
-- Applied inside one transaction by tools/migrate; never edited once landed.

CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;

-- RFC 3339 in UTC, the one time format of the API.
CREATE FUNCTION api_time(t timestamptz) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
$$;

CREATE TABLE users (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  handle        text NOT NULL CHECK (handle ~ '^[a-z0-9_]{3,30}$'),
  email         text NOT NULL CHECK (char_length(email) BETWEEN 3 AND 254),
  password_hash text,                -- NULL: cannot sign in (imported people)
  display_name  text NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 100),
  title         text NOT NULL DEFAULT '' CHECK (char_length(title) <= 100),
  department    text NOT NULL DEFAULT '' CHECK (char_length(department) <= 100),
  location      text NOT NULL DEFAULT '' CHECK (char_length(location) <= 100),
  bio           text NOT NULL DEFAULT '' CHECK (char_length(bio) <= 2000),
  manager_id    bigint REFERENCES users (id) ON DELETE SET NULL,
  role          text NOT NULL DEFAULT 'employee'
                CHECK (role IN ('employee', 'community_manager', 'analyst', 'admin')),
  status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  CHECK (manager_id IS DISTINCT FROM id)
);
CREATE UNIQUE INDEX users_handle_key ON users (lower(handle));
CREATE UNIQUE INDEX users_email_key ON users (lower(email));
CREATE INDEX users_manager_idx ON users (manager_id);
CREATE INDEX users_department_idx ON users (department);

CREATE TABLE user_skills (
  user_id   bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  skill     text NOT NULL CHECK (char_length(skill) BETWEEN 1 AND 50),
  position  int NOT NULL,
  PRIMARY KEY (user_id, position)
);
CREATE UNIQUE INDEX user_skills_key ON user_skills (user_id, lower(skill));
CREATE INDEX user_skills_skill_idx ON user_skills (lower(skill));

CREATE TABLE skill_endorsements (
  user_id     bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  skill_key   text NOT NULL,                       -- lower(skill)
  endorser_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, skill_key, endorser_id),
  CHECK (user_id <> endorser_id)
);

CREATE TABLE follows (
  follower_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  followee_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (follower_id, followee_id),
  CHECK (follower_id <> followee_id)
);
CREATE INDEX follows_followee_idx ON follows (followee_id);

-- Sessions and tokens are looked up by the hash of the secret; the secret
-- itself is never stored.
CREATE TABLE sessions (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  token_hash   text NOT NULL UNIQUE,
  csrf_token   text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

CREATE TABLE api_tokens (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
  token_hash   text NOT NULL UNIQUE,
  created_at   timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at   timestamptz
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- Failed sign-ins per login (lower-cased handle or e-mail), for lockout.
CREATE TABLE login_failures (
  login_key  text NOT NULL,
  failed_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_failures_key_idx ON login_failures (login_key, failed_at);

-- Append-only: who did what to what, when and why.
CREATE TABLE audit_log (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  actor_id    bigint REFERENCES users (id) ON DELETE SET NULL,
  action      text NOT NULL,
  target_type text NOT NULL,
  target_id   text NOT NULL,
  reason      text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END $$;
CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
