-- Migration v4 on PostgreSQL: logins managed through the database's own functions, the owning
-- team's rules and no acknowledgment of an open decision
-- (docs/decisions/0010-logins-through-database-functions.md).
--
-- Creating and altering roles needs CREATEROLE, which on PostgreSQL 15 is close to superuser (a
-- CREATEROLE role may grant itself any non-superuser role, the server's file and program roles
-- included). So it is given to neither the owner nor any login: a no-login role of its own,
-- decision_inbox_gatekeeper, holds it and owns only the three functions below and the table that
-- records which roles the store created. They refuse superusers, the server's reserved pg_*
-- roles and the store's own roles, set a password only on a role the store created, and touch an
-- existing server role only when an admin asks to adopt it.
--
-- Refusals as in v3 (DI003 not found, DI004 permission denied, DI005 not allowed, DI006 a field).

-- ---- the roles this store created -------------------------------------------------------------

CREATE TABLE login_roles (
    role text PRIMARY KEY CHECK (role ~ '^[a-z][a-z0-9_.-]{0,62}$'),
    adopted boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    created_by text NOT NULL DEFAULT session_user
);
COMMENT ON TABLE login_roles IS 'Decision Inbox: the server roles admin grant created (adopted: '
    'an existing role it made a member, whose password and login it never changes)';

-- Every login already in the members group was made so by a v1-v3 admin grant, which created
-- the role or set its password: the store keeps managing it as its own.
INSERT INTO login_roles (role, created_by)
SELECT r.rolname, 'migration v4' FROM pg_roles r
WHERE r.rolcanlogin AND NOT r.rolsuper AND r.rolname ~ '^[a-z][a-z0-9_.-]{0,62}$'
  AND pg_has_role(r.rolname, 'decision_inbox_member', 'MEMBER')
  AND r.rolname NOT IN ('decision_inbox_owner', 'decision_inbox_member', 'decision_inbox_admin',
                        'decision_inbox_gatekeeper');

-- ---- helpers (gatekeeper-owned, callable by nobody else) -----------------------------------------

-- The role a login function may act on, or a refusal naming why not.
CREATE FUNCTION decision_inbox_login_target(p_role text, p_action text) RETURNS pg_roles
LANGUAGE plpgsql AS $$
DECLARE v_role pg_roles;
BEGIN
    IF NOT decision_inbox_privileged() THEN
        PERFORM decision_inbox_refuse('DI004',
            'Only a store admin can manage logins; ask one.',
            jsonb_build_object('reason', 'admin_only', 'login', session_user::text));
    END IF;
    IF p_role IS NULL OR p_role !~ '^[a-z][a-z0-9_.-]{0,62}$' THEN
        PERFORM decision_inbox_refuse('DI006', format(
            'The handle %L is not valid; use lower-case letters, digits, ''.'', ''_'' or ''-'', '
            'starting with a letter.', p_role),
            jsonb_build_object('field', 'handle', 'problem', 'malformed'));
    END IF;
    IF p_role LIKE 'pg\_%' OR p_role LIKE 'decision\_inbox%' OR p_role = 'postgres' THEN
        PERFORM decision_inbox_refuse('DI004', format(
            '%s is one of the server''s or the store''s own roles; admin %s leaves it alone.',
            p_role, p_action),
            jsonb_build_object('reason', 'protected_role', 'role', p_role, 'action', p_action));
    END IF;
    SELECT * INTO v_role FROM pg_roles r WHERE r.rolname = p_role;
    IF FOUND AND v_role.rolsuper THEN
        PERFORM decision_inbox_refuse('DI004', format(
            '%s is a superuser of the server; admin %s leaves superusers alone (they are the '
            'server administrator''s).', p_role, p_action),
            jsonb_build_object('reason', 'superuser', 'role', p_role, 'action', p_action));
    END IF;
    RETURN v_role;
END $$;

CREATE FUNCTION decision_inbox_login_member(p_role text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM pg_auth_members m
                   JOIN pg_roles g ON g.oid = m.roleid
                   JOIN pg_roles r ON r.oid = m.member
                   WHERE r.rolname = p_role
                     AND g.rolname IN ('decision_inbox_member', 'decision_inbox_admin'))
$$;

-- The member logins' session limits (inbox/store/limits.py SESSION_LIMITS), in this database.
CREATE FUNCTION decision_inbox_login_limits(p_role text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET idle_in_transaction_session_timeout = %L',
                   p_role, current_database(), '60s');
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET statement_timeout = %L',
                   p_role, current_database(), '60s');
    EXECUTE format('ALTER ROLE %I IN DATABASE %I SET lock_timeout = %L',
                   p_role, current_database(), '10s');
END $$;

-- ---- the login functions (SECURITY DEFINER as the gatekeeper; admins and superusers) -----------

-- Creates the login (p_verifier: a SCRAM-SHA-256 verifier computed on the client, never a
-- password), re-enables one the store created, or (p_adopt) makes an existing server role a
-- member without changing its password or attributes. Returns what it did: created, enabled,
-- adopted or member (already one, limits re-applied).
CREATE FUNCTION decision_inbox_grant_login(p_role text, p_verifier text, p_adopt boolean)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_role pg_roles := decision_inbox_login_target(p_role, 'grant');
    v_ours login_roles;
    v_done text;
BEGIN
    SELECT * INTO v_ours FROM login_roles l WHERE l.role = p_role FOR UPDATE;
    IF p_verifier IS NOT NULL AND p_verifier !~
        '^SCRAM-SHA-256\$[0-9]+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$' THEN
        PERFORM decision_inbox_refuse('DI000',
            'A login''s password reaches the store only as a SCRAM-SHA-256 verifier.',
            '{"reason": "not_a_verifier"}');
    END IF;
    IF v_role.rolname IS NULL THEN
        IF p_verifier IS NULL THEN
            PERFORM decision_inbox_refuse('DI003', format(
                'There is no role %s on this server to adopt; leave out --adopt to create it '
                'with a password.', p_role),
                jsonb_build_object('kind', 'role', 'key', p_role));
        END IF;
        EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION '
                       'NOBYPASSRLS INHERIT PASSWORD %L', p_role, p_verifier);
        INSERT INTO login_roles (role) VALUES (p_role);
        v_done := 'created';
    ELSIF v_ours.role IS NOT NULL AND NOT v_ours.adopted THEN
        IF p_verifier IS NULL THEN
            PERFORM decision_inbox_refuse('DI000', format(
                '%s is a login this store created; give it a password (without --adopt).',
                p_role), '{"reason": "password_needed"}');
        END IF;
        EXECUTE format('ALTER ROLE %I LOGIN PASSWORD %L', p_role, p_verifier);
        v_done := 'enabled';
    ELSIF v_ours.role IS NOT NULL OR decision_inbox_login_member(p_role) THEN
        IF p_verifier IS NOT NULL THEN
            PERFORM decision_inbox_refuse('DI005', format(
                '%s is a server role this store did not create, so its password stays the '
                'server administrator''s; `admin grant %s --adopt` re-adds it without one.',
                p_role, p_role),
                jsonb_build_object('reason', 'not_ours', 'role', p_role));
        END IF;
        v_done := 'member';
    ELSIF NOT coalesce(p_adopt, false) THEN
        PERFORM decision_inbox_refuse('DI005', format(
            '%s is already a role on this server and not a login of this store; choose another '
            'handle, or pass --adopt to make that role a member of this store (it keeps its '
            'password and attributes).', p_role),
            jsonb_build_object('reason', 'foreign_role', 'role', p_role));
    ELSIF p_verifier IS NOT NULL THEN
        PERFORM decision_inbox_refuse('DI005', format(
            'Adopting %s keeps the password the server gave it; adopt it without one.', p_role),
            jsonb_build_object('reason', 'adopt_password', 'role', p_role));
    ELSE
        INSERT INTO login_roles (role, adopted) VALUES (p_role, true);
        v_done := 'adopted';
    END IF;
    EXECUTE format('GRANT decision_inbox_member TO %I', p_role);
    PERFORM decision_inbox_login_limits(p_role);
    RETURN v_done;
END $$;

-- Takes the person out of the store's roles; disables the login (NOLOGIN) only when the store
-- created it. Returns whether the login was disabled.
CREATE FUNCTION decision_inbox_revoke_login(p_role text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_role pg_roles := decision_inbox_login_target(p_role, 'revoke');
    v_ours login_roles;
BEGIN
    IF v_role.rolname IS NULL THEN
        PERFORM decision_inbox_refuse('DI003', format(
            'There is no role %s on this server; nothing to revoke.', p_role),
            jsonb_build_object('kind', 'role', 'key', p_role));
    END IF;
    SELECT * INTO v_ours FROM login_roles l WHERE l.role = p_role FOR UPDATE;
    IF v_ours.role IS NULL AND NOT decision_inbox_login_member(p_role) THEN
        PERFORM decision_inbox_refuse('DI005', format(
            '%s is a role on this server but not a login of this store; admin revoke leaves it '
            'alone.', p_role),
            jsonb_build_object('reason', 'foreign_role', 'role', p_role));
    END IF;
    EXECUTE format('REVOKE decision_inbox_admin FROM %I', p_role);
    EXECUTE format('REVOKE decision_inbox_member FROM %I', p_role);
    PERFORM decision_inbox_set_admin(p_role, false);
    IF v_ours.role IS NOT NULL AND NOT v_ours.adopted THEN
        EXECUTE format('ALTER ROLE %I NOLOGIN', p_role);
        RETURN true;
    END IF;
    -- An adopted role is the server's again: a later grant needs --adopt once more.
    DELETE FROM login_roles l WHERE l.role = p_role;
    RETURN false;
END $$;

CREATE FUNCTION decision_inbox_promote_login(p_role text) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_role pg_roles := decision_inbox_login_target(p_role, 'promote');
BEGIN
    IF v_role.rolname IS NULL OR NOT decision_inbox_login_member(p_role) THEN
        PERFORM decision_inbox_refuse('DI005', format(
            '%s is not a login of this store; `admin grant %s` first.', p_role, p_role),
            jsonb_build_object('reason', 'not_a_login', 'role', p_role));
    END IF;
    PERFORM decision_inbox_person(p_role);  -- the owner's: the gatekeeper reads no table
    EXECUTE format('GRANT decision_inbox_admin TO %I', p_role);
    PERFORM decision_inbox_set_admin(p_role, true);
END $$;

-- ---- an acknowledgment is of a finalized decision ------------------------------------------------

-- As v3's, and an open decision is refused: an acknowledgment says "I have read revision N of the
-- finalized decision and will build on it"; while it is open, the answer is feedback.
CREATE OR REPLACE FUNCTION decision_inbox_acknowledge(p_actor text, p_key text,
    p_revision integer, p_id uuid, p_at timestamptz DEFAULT NULL, OUT o_revision integer,
    OUT o_inserted boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_id text := coalesce(p_id, gen_random_uuid())::text;
    v_d decisions;
    v_rows integer;
BEGIN
    v_d := decision_inbox_find(p_key, false);
    IF v_d.state = 'superseded' THEN
        PERFORM decision_inbox_refuse('DI005', format(
            '%s was superseded by %s; acknowledge %s instead.',
            v_d.key, v_d.superseded_by, v_d.superseded_by),
            jsonb_build_object('reason', 'superseded', 'key', v_d.key, 'by', v_d.superseded_by));
    END IF;
    IF v_d.state = 'open' THEN
        PERFORM decision_inbox_refuse('DI001', format(
            '%s is open for feedback until %s; acknowledge it once it is finalized, or give '
            'feedback with `decision-inbox feedback %s --text …`.',
            v_d.key, to_char(v_d.deadline AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"'),
            v_d.key),
            jsonb_build_object('key', v_d.key, 'state', v_d.state, 'action', 'acknowledge',
                               'deadline', v_d.deadline));
    END IF;
    PERFORM decision_inbox_transition(v_d, 'acknowledge');
    o_revision := coalesce(p_revision, v_d.current_revision);
    IF o_revision < 1 OR o_revision > v_d.current_revision THEN
        PERFORM decision_inbox_refuse('DI003', format(
            '%s has no revision %s; its revisions are r1 to r%s.',
            v_d.key, o_revision, v_d.current_revision),
            jsonb_build_object('kind', 'revision', 'key', v_d.key, 'number', o_revision,
                               'current', v_d.current_revision));
    END IF;
    INSERT INTO acknowledgments (id, decision_id, revision, person, at)
    VALUES (v_id, v_d.id, o_revision, v_person.handle, v_at)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    o_inserted := v_rows = 1;
    IF o_inserted THEN
        PERFORM decision_inbox_append('acknowledged', v_person.handle, v_at, v_d.key, o_revision,
            jsonb_build_object('id', v_id));
    END IF;
END $$;

-- ---- the owning team is one of the owner's teams -------------------------------------------------

-- The owner's team when none is given and they are in exactly one; a refusal otherwise, with the
-- owner's teams in its facts (inbox/store/refusals.py words it as inbox/core/lifecycle.py does).
CREATE FUNCTION decision_inbox_owning_team(p_person people, p_team text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE v_teams text[];
BEGIN
    IF p_team IS NOT NULL THEN
        PERFORM decision_inbox_team(p_team);
    END IF;
    SELECT coalesce(array_agg(m.team ORDER BY m.team), '{}') INTO v_teams
    FROM memberships m WHERE m.person = p_person.handle;
    IF (p_team IS NULL AND cardinality(v_teams) = 1) THEN
        RETURN v_teams[1];
    END IF;
    IF p_team IS NOT NULL AND p_team = ANY (v_teams) THEN
        RETURN p_team;
    END IF;
    PERFORM decision_inbox_refuse('DI005', format(
        'The owning team of %s''s decision must be one of their teams (%s).',
        p_person.handle, array_to_string(v_teams, ', ')),
        jsonb_build_object('reason', 'owning_team', 'person', p_person.handle,
                           'teams', to_jsonb(v_teams), 'team', p_team));
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION decision_inbox_create(p_actor text, p_title text, p_body text,
    p_team text, p_audience_kinds text[], p_audience_names text[], p_audience_roles text[],
    p_assertion_keys text[], p_assertion_values text[], p_at timestamptz DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_title text := decision_inbox_title(p_title);
    v_body text := decision_inbox_body(p_body);
    v_assertions jsonb := decision_inbox_assertions(p_assertion_keys, p_assertion_values);
    v_team text := decision_inbox_owning_team(v_person, p_team);
    v_n integer;
    v_d decisions;
    i integer;
BEGIN
    IF coalesce(cardinality(p_audience_kinds), 0) <> coalesce(cardinality(p_audience_names), 0)
        OR coalesce(cardinality(p_audience_kinds), 0) <> coalesce(cardinality(p_audience_roles), 0)
    THEN
        PERFORM decision_inbox_refuse('DI000',
            'Audience kinds, names and roles must come in threes.', '{"reason": "unpaired"}');
    END IF;
    FOR i IN 1 .. coalesce(cardinality(p_audience_kinds), 0) LOOP
        IF p_audience_kinds[i] = 'team' THEN
            PERFORM decision_inbox_team(p_audience_names[i]);
        ELSIF p_audience_kinds[i] = 'person' THEN
            PERFORM decision_inbox_person(p_audience_names[i]);
        ELSE
            PERFORM decision_inbox_refuse('DI000', format(
                'The audience %s:%s is neither team: nor person:.',
                p_audience_kinds[i], p_audience_names[i]), '{"reason": "audience_kind"}');
        END IF;
        IF p_audience_roles[i] IS NULL OR p_audience_roles[i] NOT IN ('ack', 'consult', 'inform')
        THEN
            PERFORM decision_inbox_refuse('DI000', format(
                'The audience role %L is not ack, consult or inform.', p_audience_roles[i]),
                '{"reason": "audience_role"}');
        END IF;
    END LOOP;
    -- Taken after every check, so a refused create uses up no number.
    v_n := nextval('decision_inbox_number_seq');
    INSERT INTO decisions (number, key, owner, team, state, current_revision, version,
                           created_at)
    VALUES (v_n, 'D-' || v_n, v_person.handle, v_team, 'draft', 1, 1, v_at)
    RETURNING * INTO v_d;
    PERFORM decision_inbox_add_revision(v_d, 1, v_title, v_body, 'Created', false,
                                        v_person.handle, v_assertions, v_at);
    INSERT INTO audience (decision_id, team, person, role)
    SELECT v_d.id, CASE WHEN a.kind = 'team' THEN a.name END,
           CASE WHEN a.kind = 'person' THEN a.name END, a.role
    FROM (SELECT DISTINCT ON (u.kind, u.name, u.role) u.kind, u.name, u.role, u.ord
          FROM unnest(p_audience_kinds, p_audience_names, p_audience_roles)
               WITH ORDINALITY AS u(kind, name, role, ord)
          ORDER BY u.kind, u.name, u.role, u.ord) a
    ORDER BY a.ord;
    PERFORM decision_inbox_append('created', v_person.handle, v_at, v_d.key, 1,
                                  jsonb_build_object('title', v_title));
    RETURN v_d.key;
END $$;
