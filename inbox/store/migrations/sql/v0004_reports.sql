-- Migration v4 on PostgreSQL: code checks (`decision-inbox check --report`, docs/check.md).
--
-- A member records what their team's repository says through decision_inbox_report only: it
-- runs as the no-login owner (SECURITY DEFINER), checks that the reporter is the login (or a
-- store admin acting for them) and a member of the team, checks every value's shape, stamps the
-- time, and appends the feed's `code_checked` event itself. Row-level security on the owner
-- repeats the membership rule, so not even a slip in the function can write a report for a
-- team its reporter is not in. Refusals use the SQLSTATEs of migration v3 (class DI).

ALTER TABLE code_checks ADD CONSTRAINT ck_code_checks_repo
    CHECK (repo ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$');
ALTER TABLE code_checks ADD CONSTRAINT ck_code_checks_commit
    CHECK (commit IS NULL OR commit ~ '^[0-9a-f]{4,64}$');
ALTER TABLE code_check_values ADD CONSTRAINT ck_code_check_values_key
    CHECK (key ~* '^[a-z0-9_]+(\.[a-z0-9_]+)*$');
ALTER TABLE code_check_values ADD CONSTRAINT ck_code_check_values_found
    CHECK (found IS NULL OR octet_length(found) <= 10000);
ALTER TABLE code_check_values ADD CONSTRAINT ck_code_check_values_position
    CHECK (ordinal >= 1);

-- The values of a check are written in the transaction that writes the check, never added
-- later (as a revision's assertions are).
CREATE FUNCTION decision_inbox_code_values_with_check() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM code_checks c
                   WHERE c.id = NEW.check_id AND c.xmin = pg_current_xact_id()::xid) THEN
        PERFORM decision_inbox_rule(
            'The values of a code check are written with it and never added later.');
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER code_check_values_with_check BEFORE INSERT ON code_check_values
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_code_values_with_check();
CREATE TRIGGER code_checks_append_only BEFORE UPDATE OR DELETE ON code_checks
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_append_only();
CREATE TRIGGER code_check_values_append_only BEFORE UPDATE OR DELETE ON code_check_values
    FOR EACH ROW EXECUTE FUNCTION decision_inbox_append_only();
CREATE TRIGGER code_checks_no_truncate BEFORE TRUNCATE ON code_checks
    FOR EACH STATEMENT EXECUTE FUNCTION decision_inbox_append_only();
CREATE TRIGGER code_check_values_no_truncate BEFORE TRUNCATE ON code_check_values
    FOR EACH STATEMENT EXECUTE FUNCTION decision_inbox_append_only();

ALTER TABLE code_checks ENABLE ROW LEVEL SECURITY;
ALTER TABLE code_checks FORCE ROW LEVEL SECURITY;
ALTER TABLE code_check_values ENABLE ROW LEVEL SECURITY;
ALTER TABLE code_check_values FORCE ROW LEVEL SECURITY;

CREATE POLICY member_select ON code_checks FOR SELECT TO decision_inbox_member USING (true);
CREATE POLICY member_select ON code_check_values FOR SELECT TO decision_inbox_member
    USING (true);
CREATE POLICY owner_select ON code_checks FOR SELECT TO decision_inbox_owner USING (true);
CREATE POLICY owner_select ON code_check_values FOR SELECT TO decision_inbox_owner
    USING (true);
-- Only members of the team report for it, each under their own login (an admin or superuser
-- login may write for a member: imports, automation).
CREATE POLICY owner_insert_member ON code_checks FOR INSERT TO decision_inbox_owner
    WITH CHECK (
        EXISTS (SELECT 1 FROM memberships m
                WHERE m.person = code_checks.reporter AND m.team = code_checks.team)
        AND (code_checks.reporter = session_user::text OR decision_inbox_privileged()));
CREATE POLICY owner_insert ON code_check_values FOR INSERT TO decision_inbox_owner
    WITH CHECK (true);

CREATE FUNCTION decision_inbox_report(p_actor text, p_team text, p_repo text, p_commit text,
    p_keys text[], p_found text[], p_statuses text[], p_decisions text[], p_revisions integer[],
    p_at timestamptz DEFAULT NULL)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    v_person people := decision_inbox_actor(p_actor);
    v_at timestamptz := decision_inbox_now(p_at);
    v_n integer := coalesce(cardinality(p_keys), 0);
    v_id bigint;
    v_d decisions;
    v_drifts integer := 0;
    i integer;
BEGIN
    PERFORM decision_inbox_team(p_team);
    IF NOT EXISTS (SELECT 1 FROM memberships m
                   WHERE m.person = v_person.handle AND m.team = p_team) THEN
        PERFORM decision_inbox_refuse('DI004', format(
            '%s is not a member of %s, so cannot report %s''s code; report with a login of '
            'that team.', v_person.handle, p_team, p_team),
            jsonb_build_object('reason', 'not_member', 'person', v_person.handle,
                               'team', p_team));
    END IF;
    IF p_repo IS NULL OR p_repo !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$' THEN
        PERFORM decision_inbox_field('repo', 'malformed', format(
            'The repository name %L is not valid; use letters, digits, ''.'', ''_'' or ''-''.',
            p_repo));
    END IF;
    IF p_commit IS NOT NULL AND p_commit !~ '^[0-9a-f]{4,64}$' THEN
        PERFORM decision_inbox_field('commit', 'malformed', format(
            'The commit %L is not a hexadecimal commit id.', p_commit));
    END IF;
    IF v_n = 0 OR v_n <> coalesce(cardinality(p_found), 0)
        OR v_n <> coalesce(cardinality(p_statuses), 0)
        OR v_n <> coalesce(cardinality(p_decisions), 0)
        OR v_n <> coalesce(cardinality(p_revisions), 0) THEN
        PERFORM decision_inbox_refuse('DI000',
            'A code check needs at least one value, with its key, found value, status, '
            'decision and revision.', '{"reason": "unpaired"}');
    END IF;
    FOR i IN 1 .. v_n LOOP
        IF p_keys[i] IS NULL OR p_keys[i] !~* '^[a-z0-9_]+(\.[a-z0-9_]+)*$' THEN
            PERFORM decision_inbox_field('assertion', 'malformed', format(
                'The assertion key %L is malformed; use a dotted name like auth.token.ttl.',
                p_keys[i]));
        END IF;
        IF p_statuses[i] IS NULL OR p_statuses[i] NOT IN
            ('holds', 'drift', 'conflict', 'proposed', 'no_decision', 'unresolved') THEN
            PERFORM decision_inbox_field('status', 'malformed', format(
                'The status %L is not one of check''s statuses.', p_statuses[i]));
        END IF;
        IF p_decisions[i] IS NOT NULL THEN
            v_d := decision_inbox_find(p_decisions[i], false);
            IF p_revisions[i] IS NULL OR p_revisions[i] < 1
                OR p_revisions[i] > v_d.current_revision THEN
                PERFORM decision_inbox_refuse('DI003', format(
                    '%s has no revision %s; its revisions are r1 to r%s.',
                    v_d.key, p_revisions[i], v_d.current_revision),
                    jsonb_build_object('kind', 'revision', 'key', v_d.key,
                                       'number', p_revisions[i],
                                       'current', v_d.current_revision));
            END IF;
        ELSIF p_statuses[i] IN ('holds', 'drift') THEN
            PERFORM decision_inbox_field('decision', 'missing', format(
                'A %s value of %s needs the decision it was checked against.',
                p_statuses[i], p_keys[i]));
        END IF;
        IF p_statuses[i] = 'drift' THEN
            v_drifts := v_drifts + 1;
        END IF;
    END LOOP;
    INSERT INTO code_checks (team, repo, commit, reporter, at)
    VALUES (p_team, p_repo, p_commit, v_person.handle, v_at)
    RETURNING id INTO v_id;
    INSERT INTO code_check_values (check_id, ordinal, key, found, status, decision, revision)
    SELECT v_id, u.ord, u.key, u.found, u.status,
           CASE WHEN u.decision IS NULL THEN NULL
                ELSE upper(regexp_replace(u.decision, '^\s+|\s+$', '', 'g')) END,
           CASE WHEN u.decision IS NULL THEN NULL ELSE u.revision END
    FROM unnest(p_keys, p_found, p_statuses, p_decisions, p_revisions)
         WITH ORDINALITY AS u(key, found, status, decision, revision, ord);
    PERFORM decision_inbox_append('code_checked', v_person.handle, v_at, NULL, NULL,
        jsonb_build_object('id', v_id, 'team', p_team, 'repo', p_repo, 'commit', p_commit,
                           'values', v_n, 'drifts', v_drifts));
    RETURN v_id;
END $$;
