"""Triggers that refuse UPDATE and DELETE of the append-only tables, on both engines."""

from __future__ import annotations

from sqlalchemy.engine import Connection

APPEND_ONLY = ("journal_entries", "journal_lines", "entry_reversals", "intent_reversals")


def create_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(
            """
            CREATE OR REPLACE FUNCTION folio_refuse_change() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'folio: %% is append-only; %% refused', TG_TABLE_NAME, TG_OP
                    USING ERRCODE = 'restrict_violation';
            END
            $$ LANGUAGE plpgsql
            """
        )
        for table in APPEND_ONLY:
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION folio_refuse_change()"
            )
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION folio_refuse_change()"
            )
        return
    for table in APPEND_ONLY:
        for operation in ("UPDATE", "DELETE"):
            conn.exec_driver_sql(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'folio: {table} is append-only; "
                f"{operation} refused'); END"
            )


def drop_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS folio_refuse_change()")
        return
    for table in APPEND_ONLY:
        for operation in ("update", "delete"):
            conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")


# The opening-balance owners table keeps its history: a row is never deleted, and its only
# change is its release (released_by and released_at set once, when its entry is reversed).
OWNERS = "opening_balance_owners"
_OWNER_KEPT = ("book_id", "entry_id", "ledger_id", "intent_id", "source", "created_at")


def create_owner_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        kept = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in _OWNER_KEPT)
        conn.exec_driver_sql(
            f"""
            CREATE OR REPLACE FUNCTION folio_owner_release_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP <> 'UPDATE' OR OLD.released_by IS NOT NULL OR {kept} THEN
                    RAISE EXCEPTION 'folio: %% rows are only released, once; %% refused',
                        TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
                END IF;
                RETURN NEW;
            END
            $$ LANGUAGE plpgsql
            """
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {OWNERS}_release_only BEFORE UPDATE OR DELETE ON {OWNERS} "
            "FOR EACH ROW EXECUTE FUNCTION folio_owner_release_only()"
        )
        conn.exec_driver_sql(
            f"CREATE TRIGGER {OWNERS}_no_truncate BEFORE TRUNCATE ON {OWNERS} "
            "FOR EACH STATEMENT EXECUTE FUNCTION folio_owner_release_only()"
        )
        return
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in _OWNER_KEPT)
    conn.exec_driver_sql(
        f"CREATE TRIGGER {OWNERS}_no_delete BEFORE DELETE ON {OWNERS} BEGIN SELECT "
        f"RAISE(ABORT, 'folio: {OWNERS} rows are only released, once; DELETE refused'); END"
    )
    conn.exec_driver_sql(
        f"CREATE TRIGGER {OWNERS}_release_only BEFORE UPDATE ON {OWNERS} "
        f"WHEN OLD.released_by IS NOT NULL OR {changed} BEGIN SELECT "
        f"RAISE(ABORT, 'folio: {OWNERS} rows are only released, once; UPDATE refused'); END"
    )


def drop_owner_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {OWNERS}_release_only ON {OWNERS}")
        conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {OWNERS}_no_truncate ON {OWNERS}")
        conn.exec_driver_sql("DROP FUNCTION IF EXISTS folio_owner_release_only()")
        return
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {OWNERS}_no_delete")
    conn.exec_driver_sql(f"DROP TRIGGER IF EXISTS {OWNERS}_release_only")
