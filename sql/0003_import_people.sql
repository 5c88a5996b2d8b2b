-- 0003: people imported from the organisation's directory (LDIF). Each
-- imported person remembers the normalised DN of their directory entry
-- (external_id), so that importing the same export again changes nothing,
-- and a later export updates the same people instead of duplicating them.
-- Applied inside one transaction by tools/migrate.sh; never edited once landed.

-- external_id: NULL for people who registered and were never matched to a
-- directory entry. source: where the account was created ('local' by
-- registration, 'ldif' by an import); a registered account that an import
-- adopts (same e-mail) keeps 'local' and gains an external_id.
-- A DN is at most 1 KiB (app/ldif.c rejects longer ones), well inside
-- what a btree entry can hold.
ALTER TABLE users ADD COLUMN external_id text UNIQUE
  CHECK (octet_length(external_id) BETWEEN 1 AND 1024);
ALTER TABLE users ADD COLUMN source text NOT NULL DEFAULT 'local'
  CHECK (source IN ('local', 'ldif'));

-- The handle an import would like for a directory uid: lower-cased, accents
-- dropped, anything outside [a-z0-9_] made '_', cut to 30, padded to 3.
CREATE FUNCTION import_handle_base(uid text) RETURNS text
LANGUAGE sql STABLE STRICT AS $$
  SELECT CASE WHEN char_length(b) < 3 THEN rpad(b, 3, '_') ELSE b END
  FROM (SELECT left(regexp_replace(lower(public.unaccent(btrim(uid))),
                                   '[^a-z0-9_]', '_', 'g'), 30) AS b) t
$$;

-- Is the handle h free for a newly imported person? Besides the handle
-- itself, its fallback e-mail address h@ldap.invalid must be free too.
CREATE FUNCTION import_handle_free(h text) RETURNS boolean
LANGUAGE sql STABLE STRICT AS $$
  SELECT NOT EXISTS (SELECT 1 FROM users
                     WHERE lower(handle) = h OR lower(email) = h || '@ldap.invalid')
$$;

-- Would the org chart stay free of loops if import_links were applied?
-- Everyone must then be reachable downwards from someone without a
-- manager; one walk over an indexed copy of the chart, O(people).
CREATE FUNCTION import_links_acyclic() RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  ok boolean;
BEGIN
  CREATE TEMP TABLE IF NOT EXISTS import_chart (
    id  bigint PRIMARY KEY,
    mgr bigint
  ) ON COMMIT DROP;
  TRUNCATE import_chart;
  INSERT INTO import_chart (id, mgr)
  SELECT u.id, coalesce(l.manager_id, u.manager_id)
  FROM users u LEFT JOIN import_links l ON l.user_id = u.id;
  CREATE INDEX IF NOT EXISTS import_chart_mgr_idx ON import_chart (mgr);
  ANALYZE import_chart;
  WITH RECURSIVE reach (id) AS (
    SELECT id FROM import_chart WHERE mgr IS NULL
    UNION ALL
    SELECT c.id FROM import_chart c JOIN reach r ON c.mgr = r.id)
  SELECT (SELECT count(*) FROM reach) = (SELECT count(*) FROM import_chart)
  INTO ok;
  RETURN ok;
END $$;

-- Upserts the people of one directory export, given as the JSON array that
-- app/ldif.c produces: [{dn, uid, display_name, email, department,
-- location, title, manager_uid, manager_dn, line}]. Returns
-- {"created", "updated", "unchanged", "managers_linked"}.
--
-- A person is matched by external_id (the DN), else by e-mail (the account
-- is adopted: it gains the external_id), else created without a password,
-- so they cannot sign in until an admin arranges it. Handles of existing
-- accounts never change. The directory owns name, department and location;
-- title and e-mail are only replaced by values it actually has (and an
-- e-mail only when no one else uses it). Managers are linked in a second
-- pass, within the import, in file order, skipping links that would make a
-- cycle. Entries without dn or uid are ignored; of two with one dn, the
-- first counts. Concurrent imports queue on an advisory lock.
CREATE FUNCTION import_people(entries jsonb) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
  n_created  bigint;
  n_updated  bigint;
  n_total    bigint;
  n_links    bigint;
  n_linked   bigint := 0;
  r          record;
  h          text;
  i          int;
BEGIN
  IF jsonb_typeof(entries) IS DISTINCT FROM 'array' THEN
    RAISE EXCEPTION 'import_people: entries must be a JSON array'
      USING ERRCODE = '22023';
  END IF;
  PERFORM pg_advisory_xact_lock(7226003);

  CREATE TEMP TABLE IF NOT EXISTS import_stage (
    ord          bigint PRIMARY KEY,
    dn           text NOT NULL UNIQUE,
    uid          text NOT NULL,
    display_name text NOT NULL,
    email        text,
    department   text NOT NULL,
    location     text NOT NULL,
    title        text,
    manager_uid  text,
    manager_dn   text,
    user_id      bigint,
    email_ok     boolean NOT NULL DEFAULT false,
    base         text,
    handle       text,
    action       text
  ) ON COMMIT DROP;
  TRUNCATE import_stage;

  -- 1. The entries, cleaned to what the users table accepts.
  INSERT INTO import_stage (ord, dn, uid, display_name, email, department,
                            location, title, manager_uid, manager_dn)
  SELECT DISTINCT ON (dn) ord, dn, uid,
         left(coalesce(nullif(btrim(e->>'display_name'), ''), uid), 100),
         CASE WHEN mail ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
               AND char_length(mail) <= 254
               AND lower(mail) NOT LIKE '%@ldap.invalid' THEN mail END,
         left(coalesce(btrim(e->>'department'), ''), 100),
         left(coalesce(btrim(e->>'location'), ''), 100),
         left(nullif(btrim(e->>'title'), ''), 100),
         nullif(btrim(e->>'manager_uid'), ''),
         nullif(btrim(e->>'manager_dn'), '')
  FROM jsonb_array_elements(entries) WITH ORDINALITY AS t (e, ord),
       LATERAL (SELECT nullif(btrim(e->>'dn'), '') AS dn,
                       nullif(btrim(e->>'uid'), '') AS uid,
                       btrim(e->>'email') AS mail) v
  WHERE jsonb_typeof(e) = 'object' AND dn IS NOT NULL AND uid IS NOT NULL
    AND octet_length(dn) <= 1024
  ORDER BY dn, ord;
  -- A temporary table has no statistics until asked; the joins below
  -- need them to pick hash joins for large files.
  CREATE INDEX IF NOT EXISTS import_stage_uid_idx ON import_stage (lower(uid));
  ANALYZE import_stage;

  -- 2. Who is who: by DN, then by e-mail (adopting an account that no
  -- entry of this import claims by DN, one entry per account).
  UPDATE import_stage s SET user_id = u.id
  FROM users u WHERE u.external_id = s.dn;

  UPDATE import_stage s SET user_id = m.id
  FROM (SELECT DISTINCT ON (u.id) s2.ord, u.id
        FROM import_stage s2 JOIN users u ON lower(u.email) = lower(s2.email)
        WHERE s2.user_id IS NULL
          AND NOT EXISTS (SELECT 1 FROM import_stage x WHERE x.user_id = u.id)
          AND (u.external_id IS NULL OR NOT EXISTS
               (SELECT 1 FROM import_stage y WHERE y.dn = u.external_id))
        ORDER BY u.id, s2.ord) m
  WHERE s.ord = m.ord;

  -- 3. An entry's e-mail is used when no other account has it and no
  -- earlier entry asks for it.
  UPDATE import_stage s SET email_ok = true
  FROM (SELECT ord, row_number() OVER (PARTITION BY lower(email) ORDER BY ord) AS n
        FROM import_stage WHERE email IS NOT NULL) c
  WHERE s.ord = c.ord AND c.n = 1
    AND NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.email) = lower(s.email)
                    AND u.id IS DISTINCT FROM s.user_id);

  -- 4. Handles for new people: the uid's own when free (set-based), else
  -- with _2, _3 ... in file order.
  UPDATE import_stage SET base = import_handle_base(uid) WHERE user_id IS NULL;
  UPDATE import_stage s SET handle = s.base
  FROM (SELECT ord, row_number() OVER (PARTITION BY base ORDER BY ord) AS n
        FROM import_stage WHERE user_id IS NULL) c
  WHERE s.ord = c.ord AND c.n = 1
    AND NOT EXISTS (SELECT 1 FROM users u WHERE lower(u.handle) = s.base)
    AND NOT EXISTS (SELECT 1 FROM users u
                    WHERE lower(u.email) = s.base || '@ldap.invalid');
  FOR r IN SELECT ord, base FROM import_stage
           WHERE user_id IS NULL AND handle IS NULL ORDER BY ord LOOP
    i := 2;
    LOOP
      h := left(r.base, 29 - length(i::text)) || '_' || i;
      EXIT WHEN import_handle_free(h)
        AND NOT EXISTS (SELECT 1 FROM import_stage WHERE handle = h);
      i := i + 1;
    END LOOP;
    UPDATE import_stage SET handle = h WHERE ord = r.ord;
  END LOOP;

  -- 5. New people.
  WITH ins AS (
    INSERT INTO users (handle, email, password_hash, display_name, title,
                       department, location, external_id, source)
    SELECT handle, CASE WHEN email_ok THEN email ELSE handle || '@ldap.invalid' END,
           NULL, display_name, coalesce(title, ''), department, location, dn, 'ldif'
    FROM import_stage WHERE user_id IS NULL ORDER BY ord
    RETURNING id, external_id)
  UPDATE import_stage s SET user_id = ins.id, action = 'created'
  FROM ins WHERE ins.external_id = s.dn;
  GET DIAGNOSTICS n_created = ROW_COUNT;

  -- 6. Known people whose entry says something new.
  WITH upd AS (
    UPDATE users u
    SET display_name = s.display_name,
        email = CASE WHEN s.email_ok THEN s.email ELSE u.email END,
        department = s.department, location = s.location,
        title = coalesce(s.title, u.title), external_id = s.dn,
        updated_at = now()
    FROM import_stage s
    WHERE s.user_id = u.id AND s.action IS NULL
      AND (u.display_name, u.email, u.department, u.location, u.title,
           u.external_id)
          IS DISTINCT FROM
          (s.display_name, CASE WHEN s.email_ok THEN s.email ELSE u.email END,
           s.department, s.location, coalesce(s.title, u.title), s.dn)
    RETURNING u.id)
  UPDATE import_stage s SET action = 'updated' FROM upd WHERE s.user_id = upd.id;
  GET DIAGNOSTICS n_updated = ROW_COUNT;
  SELECT count(*) INTO n_total FROM import_stage;

  -- 7. Managers, by the manager's DN or else uid within this import. When
  -- the new links close no loop (the usual case) they are written in one
  -- statement; otherwise one by one in file order, skipping each link that
  -- would close a loop.
  CREATE TEMP TABLE IF NOT EXISTS import_links (
    ord        bigint PRIMARY KEY,
    user_id    bigint NOT NULL,
    manager_id bigint NOT NULL
  ) ON COMMIT DROP;
  TRUNCATE import_links;
  INSERT INTO import_links (ord, user_id, manager_id)
  SELECT s.ord, s.user_id, m.manager_id
  FROM import_stage s
  CROSS JOIN LATERAL (
    SELECT coalesce(
      (SELECT x.user_id FROM import_stage x WHERE x.dn = s.manager_dn),
      (SELECT x.user_id FROM import_stage x
       WHERE lower(x.uid) = lower(s.manager_uid) ORDER BY x.ord LIMIT 1))
      AS manager_id) m
  JOIN users u ON u.id = s.user_id
  WHERE m.manager_id IS NOT NULL AND m.manager_id <> s.user_id
    AND u.manager_id IS DISTINCT FROM m.manager_id;
  GET DIAGNOSTICS n_links = ROW_COUNT;

  IF n_links > 0 AND import_links_acyclic() THEN
    UPDATE users u SET manager_id = l.manager_id, updated_at = now()
    FROM import_links l WHERE u.id = l.user_id;
    GET DIAGNOSTICS n_linked = ROW_COUNT;
  ELSIF n_links > 0 THEN
    FOR r IN SELECT user_id, manager_id FROM import_links ORDER BY ord LOOP
      CONTINUE WHEN EXISTS (
        WITH RECURSIVE chain (id) AS (
          SELECT r.manager_id
          UNION
          SELECT u.manager_id FROM users u JOIN chain ON u.id = chain.id
          WHERE u.manager_id IS NOT NULL)
        SELECT 1 FROM chain WHERE id = r.user_id);
      UPDATE users SET manager_id = r.manager_id, updated_at = now()
      WHERE id = r.user_id;
      n_linked := n_linked + 1;
    END LOOP;
  END IF;

  RETURN jsonb_build_object('created', n_created, 'updated', n_updated,
    'unchanged', n_total - n_created - n_updated, 'managers_linked', n_linked);
END $$;
