"""A person leaves teams: ``person remove HANDLE --team NAME`` (the directory could only grow).

PostgreSQL: the SECURITY DEFINER function ``decision_inbox_remove_member``
(``../sql/v0006_members.sql``), owned by the no-login owner like v3's ``add_person``, for admins
only, deleting the membership and appending ``member_removed``. SQLite: the rule lives in
StoreService (one writer); nothing changes in the file but the version.

Revision ID: v0006
Revises: v0005
"""

from __future__ import annotations

from alembic import op

from inbox.store.migrations.definer import definer, operation, run_script, signatures

revision = "v0006"
down_revision = "v0005"
branch_labels = None
depends_on = None

VERSION = 6
OWNER = "decision_inbox_owner"
MEMBER = "decision_inbox_member"
FUNCTION = "decision_inbox_remove_member"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        run_script("v0006_members.sql")
        signature = signatures()[FUNCTION]
        definer(signature, OWNER)
        operation(signature, MEMBER)
    op.execute(f"UPDATE schema_info SET version = {VERSION} WHERE id = 1")
