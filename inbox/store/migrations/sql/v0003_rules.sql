-- Migration v3 on PostgreSQL: every write goes through the functions below
-- (docs/decisions/0009-writes-through-database-functions.md).
--
-- Members and admins keep SELECT and lose every other privilege on the tables; they call these
-- functions, which run as the no-login owner (SECURITY DEFINER), lock the rows they check, take
-- keys, numbers and times from the database and append the feed events themselves. Triggers and
-- constraints hold for everyone, the owner and superusers included.
--
-- A refusal is RAISEd with a SQLSTATE of class DI and a DETAIL holding a JSON object of the
-- facts (inbox/store/refusals.py turns it back into the client's typed error):
--   DI000 malformed request   DI001 lifecycle      DI002 stale revision   DI003 not found
--   DI004 permission denied   DI005 not allowed    DI006 field            DI007 minor but material
--   DI010 a rule of the schema itself (append-only, sequence, current revision)

-- ---- constraints ------------------------------------------------------------------------------

ALTER TABLE decisions ADD CONSTRAINT ck_decisions_key
    CHECK (key ~ '^D-[1-9][0-9]*$' AND key = 'D-' || number);
ALTER TABLE decisions ADD CONSTRAINT ck_decisions_current_revision CHECK (current_revision >= 1);
ALTER TABLE revisions ADD CONSTRAINT ck_revisions_number CHECK (number >= 1);
-- PostgreSQL's $ matches only at the very end (no newline before it), like Python's \Z.
ALTER TABLE people ADD CONSTRAINT ck_people_handle CHECK (handle ~ '^[a-z][a-z0-9_.-]{0,62}$');
ALTER TABLE teams ADD CONSTRAINT ck_teams_name CHECK (name ~* '^[a-z0-9][a-z0-9_.-]{0,62}$');
-- A cast that fails refuses the row as surely as a false check.
ALTER TABLE change_log ADD CONSTRAINT ck_change_log_data CHECK (jsonb_typeof(data::jsonb) = 'object');

CREATE SEQUENCE decision_inbox_number_seq AS integer MINVALUE 1;
SELECT setval('decision_inbox_number_seq', coalesce(max(number), 0) + 1, false) FROM decisions;
-- A v2 store where rows were written with explicit ids ahead of their sequences froze every
-- write after them; from here on nobody but the owner supplies ids, so put the sequences past
-- what is there once.
SELECT setval(pg_get_serial_sequence('decisions', 'id'), coalesce(max(id), 0) + 1, false)
FROM decisions;
SELECT setval(pg_get_serial_sequence('revisions', 'id'), coalesce(max(id), 0) + 1, false)
FROM revisions;
SELECT setval(pg_get_serial_sequence('audience', 'id'), coalesce(max(id), 0) + 1, false)
FROM audience;
SELECT setval(pg_get_serial_sequence('change_log', 'seq'), coalesce(max(seq), 0) + 1, false)
FROM change_log;

-- ---- schema rules, for everyone -----------------------------------------------------------------

CREATE FUNCTION decision_inbox_rule(message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = 'DI010', MESSAGE = message,
        DETAIL = jsonb_build_object('reason', 'schema_rule')::text;
END $$;

CREATE FUNCTION decision_inbox_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decision_inbox_rule(format(
        'The table %s is append-only: its rows are never updated or deleted.', TG_TABLE_NAME));
    RETURN NULL;
END $$;

CREATE FUNCTION decision_inbox_revision_in_sequence() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.number <> coalesce(
        (SELECT max(r.number) FROM revisions r WHERE r.decision_id = NEW.decision_id), 0) + 1 THEN
        PERFORM decision_inbox_rule(format(
            'Revision %s of decision %s is out of sequence.', NEW.number, NEW.decision_id));
    END IF;
    RETURN NEW;
END $$;

-- Assertions and audience are written in the transaction that writes their revision (the
-- decision's first revision for the audience), never added later.
CREATE FUNCTION decision_inbox_assertion_with_revision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM revisions r
                   WHERE r.id = NEW.revision_id AND r.xmin = pg_current_xact_id()::xid) THEN
        PERFORM decision_inbox_rule(
            'The assertions of a revision are written with it and never added later.');
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION decision_inbox_audience_with_decision() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM revisions r
                   WHERE r.decision_id = NEW.decision_id AND r.number = 1
                     AND r.xmin = pg_current_xact_id()::xid) THEN
        PERFORM decision_inbox_rule(
            'The audience of a decision is written when it is created and never added later.');
    END IF;
    RETURN NEW;
END $$;

-- Checked at commit: a decision points at its newest revision, which exists.
CREATE FUNCTION decision_inbox_current_revision_exists() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_id integer;
    v_current integer;
    v_newest integer;
BEGIN
    -- Two branches: PL/pgSQL resolves NEW's fields per statement, and revisions have no NEW.id
    -- that means the decision.
    IF TG_TABLE_NAME = 'decisions' THEN
        v_id := NEW.id;
    ELSE
        v_id := NEW.decision_id;
    END IF;
    SELECT d.current_revision INTO v_current FROM decisions d WHERE d.id = v_id;
    SELECT max(r.number) INTO v_newest FROM revisions r WHERE r.decision_id = v_id;
    IF v_newest IS NULL OR v_current IS DISTINCT FROM v_newest THEN
        PERFORM decision_inbox_rule(format(
            'Decision %s must point at its newest revision (r%s), which must exist.',
            v_id, v_newest));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION decision_inbox_decision_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.id, NEW.number, NEW.key, NEW.owner, NEW.team, NEW.created_at)
        IS DISTINCT FROM (OLD.id, OLD.number, OLD.key, OLD.owner, OLD.team, OLD.created_at) THEN
        PERFORM decision_inbox_rule(
            'A decision keeps its key, number, owner, team and creation time.');
    END IF;
    IF NEW.state <> OLD.state AND (OLD.state, NEW.state) NOT IN (
        ('draft', 'open'), ('draft', 'finalized'), ('open', 'finalized'),
        ('draft', 'superseded'), ('open', 'superseded'), ('finalized', 'superseded'),
        ('draft', 'withdrawn'), ('open', 'withdrawn'), ('finalized', 'withdrawn')) THEN
        PERFORM decision_inbox_rule(format(
            'A decision cannot go from %s to %s.', OLD.state, NEW.state));
    END IF;
    IF NEW.current_revision NOT IN (OLD.current_revision, OLD.current_revision + 1)
        OR NEW.version <= OLD.version THEN
        PERFORM decision_inbox_rule(
            'A decision moves one revision and one version forward at a time.');
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER revisions_in_sequence BEFORE INSERT ON revisions
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_revision_in_sequence();
CREATE TRIGGER assertions_with_revision BEFORE INSERT ON assertions
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_assertion_with_revision();
CREATE TRIGGER audience_with_decision BEFORE INSERT ON audience
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_audience_with_decision();
CREATE CONSTRAINT TRIGGER decisions_current_revision AFTER INSERT OR UPDATE ON decisions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_current_revision_exists();
CREATE CONSTRAINT TRIGGER revisions_current_revision AFTER INSERT ON revisions
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_current_revision_exists();
CREATE TRIGGER decisions_lifecycle BEFORE UPDATE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_decision_update();
CREATE TRIGGER decisions_kept BEFORE DELETE ON decisions
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_append_only();
DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['revisions', 'assertions', 'audience', 'acknowledgments',
                             'feedback', 'change_log'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION decision_inbox_append_only()', t || '_append_only', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['decisions', 'revisions', 'assertions', 'audience',
                             'acknowledgments', 'feedback', 'change_log', 'people', 'teams',
                             'memberships', 'schema_info'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE TRUNCATE ON %I FOR EACH STATEMENT '
                       'EXECUTE FUNCTION decision_inbox_append_only()', t || '_no_truncate', t);
    END LOOP;
END $$;

-- ---- helpers of the write functions (not callable by members) ---------------------------------

CREATE FUNCTION decision_inbox_refuse(code text, message text, detail jsonb) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message, DETAIL = detail::text;
END $$;

CREATE FUNCTION decision_inbox_superuser() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT r.rolsuper FROM pg_roles r WHERE r.rolname = session_user), false)
$$;

-- The identity is the login (session_user: inside these functions current_user is the owner).
CREATE FUNCTION decision_inbox_privileged() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT decision_inbox_superuser()
        OR pg_has_role(session_user, 'decision_inbox_admin', 'MEMBER')
$$;

-- Times come from the server's clock; only a superuser (importing history, seeding the demo)
-- may give another.
CREATE FUNCTION decision_inbox_now(p_at timestamptz) RETURNS timestamptz LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p_at IS NOT NULL AND decision_inbox_superuser() THEN p_at ELSE now() END
$$;

CREATE FUNCTION decision_inbox_require_privileged() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT decision_inbox_privileged() THEN
        PERFORM decision_inbox_refuse('DI004',
            'Only a store admin can change the directory; ask one.',
            jsonb_build_object('reason', 'admin_only', 'login', session_user::text));
    END IF;
END $$;

CREATE FUNCTION decision_inbox_person(p_handle text) RETURNS people LANGUAGE plpgsql AS $$
DECLARE v_person people;
BEGIN
    SELECT * INTO v_person FROM people p WHERE p.handle = p_handle;
    IF NOT FOUND THEN
        PERFORM decision_inbox_refuse('DI003',
            format('There is no person %L in this store; an admin can add them.', p_handle),
            jsonb_build_object('kind', 'person', 'key', p_handle));
    END IF;
    RETURN v_person;
END $$;

CREATE FUNCTION decision_inbox_team(p_name text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM teams t WHERE t.name = p_name) THEN
        PERFORM decision_inbox_refuse('DI003',
            format('There is no team %L in this store; an admin can add it.', p_name),
            jsonb_build_object('kind', 'team', 'key', p_name));
    END IF;
END $$;

CREATE FUNCTION decision_inbox_actor(p_actor text) RETURNS people LANGUAGE plpgsql AS $$
DECLARE v_who text := coalesce(p_actor, session_user::text);
BEGIN
    IF v_who <> session_user AND NOT decision_inbox_privileged() THEN
        PERFORM decision_inbox_refuse('DI004',
            format('You are logged in to the store as %s; only an admin can act as %s.',
                   session_user, v_who),
            jsonb_build_object('reason', 'acting', 'login', session_user::text, 'actor', v_who));
    END IF;
    RETURN decision_inbox_person(v_who);
END $$;

CREATE FUNCTION decision_inbox_find(p_key text, p_for_update boolean) RETURNS decisions
LANGUAGE plpgsql AS $$
DECLARE
    v_key text := upper(regexp_replace(coalesce(p_key, ''), '^\s+|\s+$', '', 'g'));
    v_d decisions;
BEGIN
    IF p_for_update THEN
        SELECT * INTO v_d FROM decisions d WHERE d.key = v_key FOR NO KEY UPDATE;
    ELSE
        SELECT * INTO v_d FROM decisions d WHERE d.key = v_key FOR SHARE;
    END IF;
    IF NOT FOUND THEN
        PERFORM decision_inbox_refuse('DI003',
            format('There is no decision %s in this store.', p_key),
            jsonb_build_object('kind', 'decision', 'key', p_key));
    END IF;
    RETURN v_d;
END $$;

CREATE FUNCTION decision_inbox_owned(p_person people, p_d decisions, p_action text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_d.owner <> p_person.handle AND NOT p_person.is_admin THEN
        PERFORM decision_inbox_refuse('DI004',
            format('Only %s, the owner of %s, can %s it; ask them.', p_d.owner, p_d.key, p_action),
            jsonb_build_object('reason', 'not_owner', 'owner', p_d.owner, 'key', p_d.key,
                               'action', p_action));
    END IF;
END $$;

-- The lifecycle (inbox/core/lifecycle.py TRANSITIONS): the state an action leads to, or NULL
-- when it leaves the state as it is; a refusal when the action is not allowed from here.
CREATE FUNCTION decision_inbox_transition(p_d decisions, p_action text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_from text[];
    v_to text;
BEGIN
    CASE p_action
        WHEN 'revise' THEN v_from := '{draft,open,finalized}';
        WHEN 'open' THEN v_from := '{draft}'; v_to := 'open';
        WHEN 'finalize' THEN v_from := '{draft,open}'; v_to := 'finalized';
        WHEN 'supersede' THEN v_from := '{draft,open,finalized}'; v_to := 'superseded';
        WHEN 'withdraw' THEN v_from := '{draft,open,finalized}'; v_to := 'withdrawn';
        WHEN 'acknowledge' THEN v_from := '{open,finalized}';
        WHEN 'feedback' THEN v_from := '{open}';
    END CASE;
    IF NOT p_d.state = ANY (v_from) THEN
        PERFORM decision_inbox_refuse('DI001',
            format('%s is %s; it cannot be %s.', p_d.key, p_d.state, p_action),
            jsonb_build_object('key', p_d.key, 'state', p_d.state, 'action', p_action));
    END IF;
    RETURN v_to;
END $$;

CREATE FUNCTION decision_inbox_field(p_field text, p_problem text, p_message text,
                                     p_limit integer DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decision_inbox_refuse('DI006', p_message,
        jsonb_build_object('field', p_field, 'problem', p_problem, 'limit', p_limit));
END $$;

CREATE FUNCTION decision_inbox_title(p_title text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE v_title text := btrim(coalesce(p_title, ''), E' \t\r\n');
BEGIN
    IF v_title = '' THEN
        PERFORM decision_inbox_field('title', 'empty', 'The title is empty; give a short title.');
    ELSIF length(v_title) > 200 THEN
        PERFORM decision_inbox_field('title', 'too_long', format(
            'The title has %s characters; shorten it to 200 or fewer.', length(v_title)), 200);
    END IF;
    RETURN v_title;
END $$;

CREATE FUNCTION decision_inbox_body(p_body text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    IF octet_length(coalesce(p_body, '')) > 1000000 THEN
        PERFORM decision_inbox_field('body', 'too_long',
            'The body is larger than 1 MB; link to a longer document instead.', 1000000);
    END IF;
    RETURN coalesce(p_body, '');
END $$;

-- Assertion keys and values as two arrays of one length; returns them as a JSON object.
CREATE FUNCTION decision_inbox_assertions(p_keys text[], p_values text[]) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
    v_out jsonb := '{}';
    i integer;
BEGIN
    IF coalesce(cardinality(p_keys), 0) <> coalesce(cardinality(p_values), 0) THEN
        PERFORM decision_inbox_refuse('DI000',
            'Assertion keys and values must come in pairs.', '{"reason": "unpaired"}');
    END IF;
    FOR i IN 1 .. coalesce(cardinality(p_keys), 0) LOOP
        IF p_keys[i] IS NULL OR p_values[i] IS NULL
            OR p_keys[i] !~* '^[a-z0-9_]+(\.[a-z0-9_]+)*$' THEN
            PERFORM decision_inbox_field('assertion', 'malformed', format(
                'The assertion key %L is malformed; use a dotted name like auth.token.ttl.',
                p_keys[i]));
        END IF;
        v_out := v_out || jsonb_build_object(p_keys[i], p_values[i]);
    END LOOP;
    RETURN v_out;
END $$;

-- The feed is written here only: seq, txid, at, actor and login are the database's.
CREATE FUNCTION decision_inbox_append(p_kind text, p_actor text, p_at timestamptz,
                                      p_decision text, p_revision integer, p_data jsonb)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO change_log (kind, decision, revision, actor, at, data, login)
    VALUES (p_kind, p_decision, p_revision, p_actor, p_at, p_data::text, session_user)
$$;

CREATE FUNCTION decision_inbox_add_revision(p_d decisions, p_number integer, p_title text,
    p_body text, p_summary text, p_minor boolean, p_author text, p_assertions jsonb,
    p_at timestamptz) RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_revision integer;
BEGIN
    INSERT INTO revisions (decision_id, number, title, body, summary, minor, author, created_at)
    VALUES (p_d.id, p_number, p_title, p_body, p_summary, p_minor, p_author, p_at)
    RETURNING id INTO v_revision;
    INSERT INTO assertions (revision_id, key, value)
    SELECT v_revision, e.key, e.value FROM jsonb_each_text(p_assertions) e ORDER BY e.key;
END $$;

-- ---- the write operations (SECURITY DEFINER, callable by members) -----------------------------

CREATE FUNCTION decision_inbox_create(p_actor text, p_title text, p_body text, p_team text,
    p_audience_kinds text[], p_audience_names text[], p_audience_roles text[],
    p_assertion_keys text[], p_assertion_values text[], p_at timestamptz DEFAULT NULL)
RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_title text := decision_inbox_title(p_title);
    v_body text := decision_inbox_body(p_body);
    v_assertions jsonb := decision_inbox_assertions(p_assertion_keys, p_assertion_values);
    v_team text := p_team;
    v_n integer;
    v_d decisions;
    i integer;
BEGIN
    IF v_team IS NULL THEN
        SELECT CASE WHEN count(*) = 1 THEN min(m.team) END INTO v_team
        FROM memberships m WHERE m.person = v_person.handle;
    ELSE
        PERFORM decision_inbox_team(v_team);
    END IF;
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

CREATE FUNCTION decision_inbox_revise(p_actor text, p_key text, p_summary text, p_title text,
    p_body text, p_set_keys text[], p_set_values text[], p_unset_keys text[], p_minor boolean,
    p_expect_revision integer, p_at timestamptz DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_summary text := btrim(coalesce(p_summary, ''), E' \t\r\n');
    v_d decisions;
    v_prev revisions;
    v_old jsonb;
    v_new jsonb;
    v_title text;
    v_body text;
    v_name text;
    v_material boolean;
BEGIN
    IF v_summary = '' THEN
        PERFORM decision_inbox_field('summary', 'empty', 'A revision needs a summary of the change.');
    END IF;
    v_d := decision_inbox_find(p_key, true);
    PERFORM decision_inbox_owned(v_person, v_d, 'revise');
    PERFORM decision_inbox_transition(v_d, 'revise');
    IF p_expect_revision IS NOT NULL AND p_expect_revision <> v_d.current_revision THEN
        PERFORM decision_inbox_refuse('DI002', format(
            '%s is at revision %s, but this edit is based on revision %s.',
            v_d.key, v_d.current_revision, p_expect_revision),
            jsonb_build_object('key', v_d.key, 'current', v_d.current_revision,
                               'based_on', p_expect_revision));
    END IF;
    SELECT * INTO v_prev FROM revisions r
    WHERE r.decision_id = v_d.id AND r.number = v_d.current_revision;
    SELECT coalesce(jsonb_object_agg(a.key, a.value), '{}') INTO v_old
    FROM assertions a WHERE a.revision_id = v_prev.id;
    v_new := v_old;
    FOREACH v_name IN ARRAY coalesce(p_unset_keys, '{}') LOOP
        IF NOT v_new ? v_name THEN
            PERFORM decision_inbox_refuse('DI005', format(
                'r%s of %s asserts nothing about %s; nothing to remove.',
                v_d.current_revision, v_d.key, v_name),
                jsonb_build_object('reason', 'nothing_to_remove', 'key', v_d.key,
                                   'revision', v_d.current_revision, 'name', v_name));
        END IF;
        v_new := v_new - v_name;
    END LOOP;
    v_new := v_new || decision_inbox_assertions(p_set_keys, p_set_values);
    v_title := CASE WHEN p_title IS NULL THEN v_prev.title ELSE decision_inbox_title(p_title) END;
    v_body := CASE WHEN p_body IS NULL THEN v_prev.body ELSE decision_inbox_body(p_body) END;
    IF v_title = v_prev.title AND v_body = v_prev.body AND v_new = v_old THEN
        PERFORM decision_inbox_refuse('DI005', format(
            'This revision would change nothing in %s; give a new title, body or assertion.',
            v_d.key), jsonb_build_object('reason', 'unchanged', 'key', v_d.key));
    END IF;
    IF coalesce(p_minor, false) AND v_new <> v_old THEN
        PERFORM decision_inbox_refuse('DI007', format(
            'A change of any assertion is always material, so this revision of %s cannot be '
            'minor.', v_d.key), jsonb_build_object('key', v_d.key));
    END IF;
    v_material := NOT coalesce(p_minor, false) OR v_new <> v_old;
    PERFORM decision_inbox_add_revision(v_d, v_d.current_revision + 1, v_title, v_body,
        v_summary, coalesce(p_minor, false), v_person.handle, v_new, v_at);
    UPDATE decisions d SET current_revision = d.current_revision + 1, version = d.version + 1
    WHERE d.id = v_d.id;
    PERFORM decision_inbox_append('revised', v_person.handle, v_at, v_d.key,
        v_d.current_revision + 1, jsonb_build_object(
            'summary', v_summary, 'minor', coalesce(p_minor, false), 'material', v_material));
    RETURN v_d.current_revision + 1;
END $$;

CREATE FUNCTION decision_inbox_open(p_actor text, p_key text, p_deadline timestamptz,
                                    p_at timestamptz DEFAULT NULL)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_d decisions;
BEGIN
    IF p_deadline IS NULL OR p_deadline <= v_at THEN
        PERFORM decision_inbox_refuse('DI005', format(
            'The deadline %s is in the past; give a future time.', p_deadline),
            jsonb_build_object('reason', 'deadline_past', 'deadline', p_deadline));
    END IF;
    v_d := decision_inbox_find(p_key, true);
    PERFORM decision_inbox_owned(v_person, v_d, 'open');
    PERFORM decision_inbox_transition(v_d, 'open');
    UPDATE decisions d SET state = 'open', deadline = p_deadline, version = d.version + 1
    WHERE d.id = v_d.id;
    PERFORM decision_inbox_append('opened', v_person.handle, v_at, v_d.key, v_d.current_revision,
        jsonb_build_object('deadline', p_deadline));
    RETURN v_d.current_revision;
END $$;

CREATE FUNCTION decision_inbox_move(p_actor text, p_key text, p_action text, p_by text,
                                    p_at timestamptz)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_by decisions;
    v_d decisions;
    v_to text;
    v_data jsonb := '{}';
BEGIN
    IF p_action = 'supersede' THEN
        v_by := decision_inbox_find(p_by, false);
        IF v_by.key = upper(regexp_replace(coalesce(p_key, ''), '^\s+|\s+$', '', 'g')) THEN
            PERFORM decision_inbox_refuse('DI005', format('%s cannot supersede itself.', v_by.key),
                jsonb_build_object('reason', 'self_supersede', 'key', v_by.key));
        END IF;
        IF v_by.state IN ('withdrawn', 'superseded') THEN
            PERFORM decision_inbox_refuse('DI005', format(
                '%s is %s; supersede with a live decision.', v_by.key, v_by.state),
                jsonb_build_object('reason', 'successor_dead', 'key', v_by.key,
                                   'state', v_by.state));
        END IF;
        v_data := jsonb_build_object('by', v_by.key);
    END IF;
    v_d := decision_inbox_find(p_key, true);
    PERFORM decision_inbox_owned(v_person, v_d, p_action);
    v_to := decision_inbox_transition(v_d, p_action);
    UPDATE decisions d SET state = v_to, version = d.version + 1,
        superseded_by = CASE WHEN p_action = 'supersede' THEN v_by.key ELSE d.superseded_by END
    WHERE d.id = v_d.id;
    PERFORM decision_inbox_append(v_to, v_person.handle, v_at, v_d.key, v_d.current_revision,
                                  v_data);
    RETURN v_d.current_revision;
END $$;

CREATE FUNCTION decision_inbox_finalize(p_actor text, p_key text, p_at timestamptz DEFAULT NULL)
RETURNS integer LANGUAGE sql AS $$
    SELECT decision_inbox_move(p_actor, p_key, 'finalize', NULL, p_at)
$$;

CREATE FUNCTION decision_inbox_withdraw(p_actor text, p_key text, p_at timestamptz DEFAULT NULL)
RETURNS integer LANGUAGE sql AS $$
    SELECT decision_inbox_move(p_actor, p_key, 'withdraw', NULL, p_at)
$$;

CREATE FUNCTION decision_inbox_supersede(p_actor text, p_key text, p_by text,
                                         p_at timestamptz DEFAULT NULL)
RETURNS integer LANGUAGE sql AS $$
    SELECT decision_inbox_move(p_actor, p_key, 'supersede', p_by, p_at)
$$;

CREATE FUNCTION decision_inbox_acknowledge(p_actor text, p_key text, p_revision integer,
    p_id uuid, p_at timestamptz DEFAULT NULL, OUT o_revision integer, OUT o_inserted boolean)
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

CREATE FUNCTION decision_inbox_give_feedback(p_actor text, p_key text, p_body text,
    p_objection boolean, p_id uuid, p_at timestamptz DEFAULT NULL,
    OUT o_revision integer, OUT o_inserted boolean)
LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_body text := btrim(coalesce(p_body, ''), E' \t\r\n');
    v_id text := coalesce(p_id, gen_random_uuid())::text;
    v_d decisions;
    v_rows integer;
BEGIN
    IF v_body = '' THEN
        PERFORM decision_inbox_field('feedback', 'empty', 'The feedback is empty; write some first.');
    END IF;
    PERFORM decision_inbox_body(v_body);
    v_d := decision_inbox_find(p_key, false);
    PERFORM decision_inbox_transition(v_d, 'feedback');
    o_revision := v_d.current_revision;
    INSERT INTO feedback (id, decision_id, revision, person, body, objection, at)
    VALUES (v_id, v_d.id, o_revision, v_person.handle, v_body, coalesce(p_objection, false), v_at)
    ON CONFLICT DO NOTHING;
    GET DIAGNOSTICS v_rows = ROW_COUNT;
    o_inserted := v_rows = 1;
    IF o_inserted THEN
        PERFORM decision_inbox_append('feedback', v_person.handle, v_at, v_d.key, o_revision,
            jsonb_build_object('id', v_id, 'objection', coalesce(p_objection, false)));
    END IF;
END $$;

-- ---- the directory (admins and superusers only) -----------------------------------------------

CREATE FUNCTION decision_inbox_add_team(p_actor text, p_name text, p_at timestamptz DEFAULT NULL)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE v_at timestamptz := decision_inbox_now(p_at);
BEGIN
    PERFORM decision_inbox_require_privileged();
    IF p_name IS NULL OR p_name !~* '^[a-z0-9][a-z0-9_.-]{0,62}$' THEN
        PERFORM decision_inbox_field('team', 'malformed', format(
            'The team name %L is not valid; use letters, digits, ''.'', ''_'' or ''-''.', p_name));
    END IF;
    IF EXISTS (SELECT 1 FROM teams t WHERE t.name = p_name) THEN
        PERFORM decision_inbox_refuse('DI005', format('The team %s already exists.', p_name),
            jsonb_build_object('reason', 'team_exists', 'team', p_name));
    END IF;
    INSERT INTO teams (name, created_at) VALUES (p_name, v_at);
    PERFORM decision_inbox_append('team_added', coalesce(p_actor, '-'), v_at, NULL, NULL,
                                  jsonb_build_object('team', p_name));
END $$;

-- Adds the person, or adds an existing person to more teams; returns the events written.
CREATE FUNCTION decision_inbox_add_person(p_actor text, p_handle text, p_name text,
    p_teams text[], p_at timestamptz DEFAULT NULL)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    v_at timestamptz := decision_inbox_now(p_at);
    v_name text := btrim(coalesce(p_name, ''), E' \t\r\n');
    v_events text[] := '{}';
    v_team text;
BEGIN
    PERFORM decision_inbox_require_privileged();
    IF p_handle IS NULL OR p_handle !~ '^[a-z][a-z0-9_.-]{0,62}$' THEN
        PERFORM decision_inbox_field('handle', 'malformed', format(
            'The handle %L is not valid; use lower-case letters, digits, ''.'', ''_'' or ''-'', '
            'starting with a letter.', p_handle));
    END IF;
    IF v_name = '' THEN
        PERFORM decision_inbox_field('name', 'empty', 'The person needs a display name.');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM people p WHERE p.handle = p_handle) THEN
        INSERT INTO people (handle, name, is_admin, created_at)
        VALUES (p_handle, v_name, false, v_at);
        PERFORM decision_inbox_append('person_added', coalesce(p_actor, '-'), v_at, NULL, NULL,
            jsonb_build_object('person', p_handle, 'name', v_name));
        v_events := v_events || 'person_added'::text;
    END IF;
    FOR v_team IN SELECT u.team FROM unnest(coalesce(p_teams, '{}')) WITH ORDINALITY u(team, ord)
                  GROUP BY u.team ORDER BY min(u.ord) LOOP
        PERFORM decision_inbox_team(v_team);
        IF NOT EXISTS (SELECT 1 FROM memberships m
                       WHERE m.person = p_handle AND m.team = v_team) THEN
            INSERT INTO memberships (person, team) VALUES (p_handle, v_team);
            PERFORM decision_inbox_append('member_added', coalesce(p_actor, '-'), v_at, NULL,
                NULL, jsonb_build_object('person', p_handle, 'team', v_team));
            v_events := v_events || 'member_added'::text;
        END IF;
    END LOOP;
    IF cardinality(v_events) = 0 THEN
        PERFORM decision_inbox_refuse('DI005', format(
            '%s is already in the store with those teams; nothing to add.', p_handle),
            jsonb_build_object('reason', 'person_unchanged', 'person', p_handle));
    END IF;
    RETURN v_events;
END $$;

CREATE FUNCTION decision_inbox_set_admin(p_handle text, p_admin boolean) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decision_inbox_require_privileged();
    UPDATE people p SET is_admin = coalesce(p_admin, false) WHERE p.handle = p_handle;
END $$;

CREATE FUNCTION decision_inbox_mark_demo_seeded() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    PERFORM decision_inbox_require_privileged();
    UPDATE schema_info s SET demo_seeded = true WHERE s.id = 1;
END $$;
