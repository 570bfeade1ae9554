"""The schema is ready to be distributed by book (Citus, docs/scaling.md): in every table with
book data, the primary key and every unique index lead with `book_id`, and every foreign key
includes it, so each book's rows, and every check between them, live on one node.

Read from the migrated database of each engine, so a migration cannot slip past it.
"""

from __future__ import annotations

from sqlalchemy import Engine, inspect

# Tables without book data, and why: in Citus they are reference tables, copied to every node.
NOT_BY_BOOK = {
    "api_keys": "credentials: a key may be server-wide or bound to any one book",
    "oauth_clients": "credentials, as api_keys",
    "server_settings": "server-wide settings, no book's",
    "alembic_version": "the schema's revision",
}


def _tables(engine: Engine) -> list[str]:
    return sorted(inspect(engine).get_table_names())


def test_every_key_leads_with_book_id(engine: Engine) -> None:
    inspector = inspect(engine)
    problems = []
    for table in _tables(engine):
        if table in NOT_BY_BOOK:
            continue
        pk = inspector.get_pk_constraint(table)["constrained_columns"]
        if pk[:1] != ["book_id"]:
            problems.append(f"{table}: primary key {pk}")
        uniques = [u["column_names"] for u in inspector.get_unique_constraints(table)]
        uniques += [i["column_names"] for i in inspector.get_indexes(table) if i["unique"]]
        problems += [f"{table}: unique {cols}" for cols in uniques if cols[:1] != ["book_id"]]
        for fk in inspector.get_foreign_keys(table):
            if (
                "book_id" not in fk["constrained_columns"]
                or "book_id" not in fk["referred_columns"]
            ):
                problems.append(f"{table}: foreign key {fk['constrained_columns']}")
    assert problems == []


def test_every_table_is_checked_or_named_with_a_reason(engine: Engine) -> None:
    tables = set(_tables(engine))
    assert tables - set(NOT_BY_BOOK) >= {"books", "ledgers", "journal_entries", "journal_lines"}
    assert set(NOT_BY_BOOK) - {"alembic_version"} <= tables
    for table in tables - set(NOT_BY_BOOK):
        columns = {c["name"] for c in inspect(engine).get_columns(table)}
        assert "book_id" in columns, f"{table} has no book_id: distribute it or name it above"
