"""The demo scenario: the token-refresh story, seeded through StoreService.

The history is written with a story clock that walks from four weeks ago to now, so the change
feed, revisions and acknowledgments carry believable times. Seeding is idempotent: the store
remembers it was seeded, and a store that already holds other decisions is left alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from inbox.core.errors import DemoWouldMixError
from inbox.core.model import Role
from inbox.store import pg_writes
from inbox.store.clock import Clock, utcnow
from inbox.store.connection import StoreConnection
from inbox.store.models import DecisionRow, MembershipRow, PersonRow, SchemaInfoRow, TeamRow
from inbox.store.service import StoreService

DEMO_USER = "fred"

PEOPLE = (
    ("ana", "Ana Alves", "backend"),
    ("bo", "Bo Berg", "backend"),
    ("fred", "Fred Fischer", "frontend"),
    ("fatima", "Fatima Farah", "frontend"),
    ("mia", "Mia Moreau", "mobile"),
    ("mo", "Mo Mensah", "mobile"),
)

TOKEN_BODY_R1 = """\
Access tokens are refreshed **every 15 minutes** by every client.

- Clients refresh proactively one minute before expiry.
- A failed refresh logs the user out.
"""

TOKEN_BODY_R2 = """\
Access tokens are refreshed **every 60 minutes** by every client.

- Clients refresh proactively one minute before expiry.
- A token stays valid for a **5-minute grace period** after expiry, so a slow refresh does not
  log anyone out.
- A failed refresh after the grace period logs the user out.
"""


@dataclass
class StoryClock:
    """A clock the seeding moves forward by hand; ``now`` is the real time at the end."""

    now: datetime
    offset: timedelta = timedelta(0)

    def __call__(self) -> datetime:
        return self.now + self.offset

    def at(self, days_ago: float) -> None:
        self.offset = -timedelta(days=days_ago)


# Complexity C (radon): the demo's refusals (other decisions, a newer schema) before one linear
# story.
def seed(store: StoreConnection, clock: Clock = utcnow) -> str:
    """Seed the demo; return a sentence saying what happened."""
    if store.version() is None:
        # A brand-new store, such as the `--store demo.sqlite` the refusal below suggests.
        store.initialise()
    with store.read() as session:
        seeded = session.scalar(select(SchemaInfoRow.demo_seeded).where(SchemaInfoRow.id == 1))
        decisions = session.scalar(select(func.count()).select_from(DecisionRow)) or 0
        teams = set(session.scalars(select(TeamRow.name)))
        people = set(session.scalars(select(PersonRow.handle)))
        members = {(m.person, m.team) for m in session.scalars(select(MembershipRow))}
    if seeded:
        return "The demo is already in this store; nothing added."
    if decisions:
        raise DemoWouldMixError(decisions)
    story = StoryClock(clock())
    service = StoreService(store, story)
    story.at(30)
    for team in ("backend", "frontend", "mobile"):
        if team not in teams:
            service.add_team(team, actor="demo")
    for handle, name, team in PEOPLE:
        if handle not in people or (handle, team) not in members:
            service.add_person(handle, name=name, teams=[team], actor="demo")
    _story(service, story)
    with store.write() as session:
        if store.dialect == "postgresql":
            pg_writes.call(session, "mark_demo_seeded")
        else:
            session.execute(
                update(SchemaInfoRow).where(SchemaInfoRow.id == 1).values(demo_seeded=True)
            )
    return "Seeded the demo: teams backend, frontend and mobile, six people, nine decisions."


def _story(s: StoreService, clock: StoryClock) -> None:
    ack, consult, inform = Role.ACK, Role.CONSULT, Role.INFORM
    # D-1: the token-refresh story. Finalized at 15, acknowledged, then changed to 60.
    clock.at(28)
    s.create(
        "ana",
        title="Token refresh policy",
        body=TOKEN_BODY_R1,
        team="backend",
        audience=[("team", "frontend", ack), ("team", "mobile", ack)],
        assertions={"auth.token.refresh_minutes": "15"},
    )
    clock.at(27)
    s.finalize("ana", "D-1")
    clock.at(26)
    for who in ("fred", "fatima", "mia"):
        s.acknowledge(who, "D-1", revision=1)
    # D-2: the frontend built on 15 minutes, which now conflicts with D-1.
    clock.at(21)
    s.create(
        "fatima",
        title="Web session timer",
        team="frontend",
        body="The web app renews its session on the **15-minute** token refresh and "
        "signs out after 30 idle minutes.",
        audience=[("team", "backend", inform), ("team", "frontend", ack)],
        assertions={"auth.token.refresh_minutes": "15", "web.session.idle_minutes": "30"},
    )
    clock.at(20)
    s.finalize("fatima", "D-2")
    s.acknowledge("fred", "D-2")
    # D-3, D-4: a flag service superseded by a shared one.
    clock.at(18)
    s.create(
        "bo",
        title="Feature flags from the config service",
        team="backend",
        body="Feature flags are read from the config service at start-up.",
        audience=[("team", "frontend", ack), ("team", "mobile", ack)],
        assertions={"flags.source": "config-service"},
    )
    s.finalize("bo", "D-3")
    clock.at(12)
    s.create(
        "bo",
        title="Feature flags from the shared flag service",
        team="backend",
        body="Feature flags come from the shared flag service and update live.",
        audience=[("team", "frontend", ack), ("team", "mobile", ack)],
        assertions={"flags.source": "flag-service"},
    )
    s.finalize("bo", "D-4")
    s.supersede("bo", "D-3", by="D-4")
    clock.at(11)
    for who in ("fred", "fatima", "mia", "mo"):
        s.acknowledge(who, "D-4")
    # D-5: mobile's release cadence, for the frontend's information.
    clock.at(10)
    s.create(
        "mia",
        title="Mobile release cadence",
        team="mobile",
        body="Mobile apps ship every second Tuesday.",
        audience=[("team", "frontend", inform), ("team", "backend", inform)],
        assertions={"mobile.release.interval_days": "14"},
    )
    s.finalize("mia", "D-5")
    # D-6: fred's own decision, still waiting for mo.
    clock.at(8)
    s.create(
        "fred",
        title="Dates in the UI use ISO 8601",
        team="frontend",
        body="Every date shown in a client is formatted as ISO 8601 (`2026-11-28`).",
        audience=[("team", "mobile", ack)],
        assertions={"ui.date.format": "iso-8601"},
    )
    s.finalize("fred", "D-6")
    clock.at(7)
    s.acknowledge("mia", "D-6")
    # D-7: withdrawn; D-8: a draft of fred's.
    clock.at(6)
    s.create(
        "fatima",
        title="Drop support for legacy browsers",
        team="frontend",
        body="Stop testing on browsers older than two years.",
        audience=[("team", "frontend", consult)],
    )
    s.withdraw("fatima", "D-7")
    clock.at(4)
    s.create(
        "fred",
        title="Design token naming",
        team="frontend",
        body="Draft: name design tokens `color.role.state`.",
    )
    # D-9: open for feedback from the frontend, deadline tomorrow.
    clock.at(3)
    s.create(
        "bo",
        title="Error response format for public APIs",
        team="backend",
        body="Public APIs answer errors as RFC 9457 problem details:\n\n"
        '```json\n{"type": "…", "title": "…", "status": 400}\n```',
        audience=[("team", "frontend", consult), ("team", "mobile", consult)],
        assertions={"api.errors.format": "rfc9457"},
    )
    s.open("bo", "D-9", deadline=clock.now + timedelta(days=1))
    clock.at(2.5)
    s.give_feedback("mia", "D-9", body="Works for mobile if `detail` is always present.")
    # The change that started it all: D-1 moves to 60 minutes with a grace period.
    clock.at(2)
    s.revise(
        "ana",
        "D-1",
        body=TOKEN_BODY_R2,
        set_assertions={"auth.token.refresh_minutes": "60", "auth.token.grace_minutes": "5"},
        summary="Refresh every 60 minutes with a 5-minute grace period, to cut load on "
        "the auth service.",
    )
    clock.at(0)
