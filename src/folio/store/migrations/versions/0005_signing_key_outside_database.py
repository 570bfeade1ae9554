"""Forget the token signing secret kept in the database.

Tokens are signed with a key from outside the database (`folio.store.signing_keys`); the old
secret in `server_settings` would let anyone who reads the database sign an admin token, so it
is deleted. Tokens signed with it (at most an hour old) stop working: clients fetch new ones.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("DELETE FROM server_settings WHERE name = 'jwt_signing_secret'")


def downgrade() -> None:
    # Nothing to restore: the secret is gone by design; a downgraded server makes a new one.
    pass
