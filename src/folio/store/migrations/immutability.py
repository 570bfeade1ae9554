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
