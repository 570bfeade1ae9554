from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Connection

from folio.store.tables import api_keys, oauth_clients, server_settings


@dataclass(frozen=True, slots=True)
class Credential:
    """An API key or an OAuth2 client: a hashed secret with scopes and an optional book."""

    id: str
    name: str | None
    secret_hash: str
    scopes: tuple[str, ...]
    book_id: str | None
    created_at: datetime
    revoked_at: datetime | None


def _credential(row: Any, id_column: str) -> Credential:
    return Credential(
        id=getattr(row, id_column),
        name=row.name,
        secret_hash=row.secret_hash,
        scopes=tuple(row.scopes.split()),
        book_id=row.book_id,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


class AuthRepo:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _table(self, kind: str) -> tuple[Table, str]:
        return (api_keys, "key_id") if kind == "key" else (oauth_clients, "client_id")

    def insert(self, kind: str, credential: Credential) -> None:
        table, id_column = self._table(kind)
        self.conn.execute(
            table.insert().values(
                {
                    id_column: credential.id,
                    "name": credential.name,
                    "secret_hash": credential.secret_hash,
                    "scopes": " ".join(credential.scopes),
                    "book_id": credential.book_id,
                    "created_at": credential.created_at,
                }
            )
        )

    def get(self, kind: str, credential_id: str) -> Credential | None:
        table, id_column = self._table(kind)
        row = self.conn.execute(select(table).where(table.c[id_column] == credential_id)).first()
        return _credential(row, id_column) if row is not None else None

    def search(self, kind: str) -> Sequence[Credential]:
        table, id_column = self._table(kind)
        rows = self.conn.execute(select(table).order_by(table.c.created_at))
        return [_credential(row, id_column) for row in rows]

    def revoke(self, kind: str, credential_id: str, at: datetime) -> bool:
        table, id_column = self._table(kind)
        result = self.conn.execute(
            update(table)
            .where(table.c[id_column] == credential_id, table.c.revoked_at.is_(None))
            .values(revoked_at=at)
        )
        return result.rowcount > 0

    def count_keys(self) -> int:
        return len(self.conn.execute(select(api_keys.c.key_id).limit(1)).all())

    def setting(self, name: str) -> str | None:
        row = self.conn.execute(
            select(server_settings.c.value).where(server_settings.c.name == name)
        ).first()
        return row.value if row else None

    def put_setting(self, name: str, value: str) -> None:
        self.conn.execute(server_settings.insert().values(name=name, value=value))
