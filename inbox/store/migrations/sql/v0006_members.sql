-- Migration v6 (PostgreSQL): a person leaves teams. Until now the directory could only grow:
-- nobody could record that someone left a team, so they kept being asked, and their client
-- kept syncing that team's decisions whole. Like decision_inbox_add_person this runs as the
-- no-login owner (SECURITY DEFINER), is for admins only, deletes the membership and appends the
-- feed's `member_removed` event in the caller's transaction, so clients see it like any write.
-- A decision keeps its owning team when its owner leaves that team: the owning-team rule is
-- what a new decision may name, not a fact kept true afterwards.

CREATE FUNCTION decision_inbox_remove_member(p_actor text, p_handle text, p_teams text[],
    p_at timestamptz DEFAULT NULL)
RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    v_at timestamptz := decision_inbox_now(p_at);
    v_events text[] := '{}';
    v_team text;
BEGIN
    PERFORM decision_inbox_require_privileged();
    PERFORM decision_inbox_person(p_handle);
    IF cardinality(coalesce(p_teams, '{}')) = 0 THEN
        PERFORM decision_inbox_refuse('DI000', 'Name at least one team to leave (--team).',
            jsonb_build_object('reason', 'no_team'));
    END IF;
    FOR v_team IN SELECT u.team FROM unnest(p_teams) WITH ORDINALITY u(team, ord)
                  GROUP BY u.team ORDER BY min(u.ord) LOOP
        PERFORM decision_inbox_team(v_team);
        DELETE FROM memberships m WHERE m.person = p_handle AND m.team = v_team;
        IF NOT FOUND THEN
            PERFORM decision_inbox_refuse('DI005', format(
                '%s is not in the team %s; nothing to remove.', p_handle, v_team),
                jsonb_build_object('reason', 'not_a_member', 'person', p_handle, 'team', v_team));
        END IF;
        PERFORM decision_inbox_append('member_removed', coalesce(p_actor, '-'), v_at, NULL,
            NULL, jsonb_build_object('person', p_handle, 'team', v_team));
        v_events := v_events || 'member_removed'::text;
    END LOOP;
    RETURN v_events;
END $$;
