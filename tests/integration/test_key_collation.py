"""Keys compare byte by byte: on PostgreSQL every string column of a primary key, unique
constraint, foreign key or index has collation "C" (`store.types.key_string`, migration 0011),
and every other string column, text for people, keeps the database's collation. SQLite's
default is binary already, and its schema names no collation.

Read from the migrated database of each engine, so a new key column that compares through
`strcoll` fails here, whether the migration or tables.py forgot it.
"""

from __future__ import annotations

from sqlalchemy import Engine, String, inspect, text

from folio.store.tables import metadata

Column = tuple[str, str]


def _string_columns(engine: Engine) -> set[Column]:
    inspector = inspect(engine)
    return {
        (table, column["name"])
        for table in metadata.tables
        for column in inspector.get_columns(table)
        if isinstance(column["type"], String)
    }


def _key_columns(engine: Engine) -> set[Column]:
    """The string columns any key or index of Folio's tables holds, on either side of a
    foreign key."""
    inspector = inspect(engine)
    keys: set[Column] = set()
    for table in metadata.tables:
        keys.update((table, c) for c in inspector.get_pk_constraint(table)["constrained_columns"])
        for unique in inspector.get_unique_constraints(table):
            keys.update((table, c) for c in unique["column_names"])
        for index in inspector.get_indexes(table):
            keys.update((table, c) for c in index["column_names"] if c is not None)
        for fk in inspector.get_foreign_keys(table):
            keys.update((table, c) for c in fk["constrained_columns"])
            keys.update((fk["referred_table"], c) for c in fk["referred_columns"])
    return keys & _string_columns(engine)


def _collated_c(engine: Engine) -> set[Column]:
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND collation_name = 'C'"
            )
        )
        return {(table, column) for table, column in rows if table in metadata.tables}


def test_keys_and_only_keys_compare_bytes(engine: Engine) -> None:
    keys = _key_columns(engine)
    assert {("books", "book_id"), ("journal_lines", "ledger_id"), ("ledgers", "number")} <= keys
    assert ("ledgers", "name") not in keys
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            schema = conn.exec_driver_sql("SELECT group_concat(sql) FROM sqlite_master").scalar()
        assert "collate" not in str(schema).lower()
        return
    collated = _collated_c(engine)
    assert sorted(keys - collated) == [], "key columns compared by strcoll: make them key_string"
    assert sorted(collated - keys) == [], "collation C on columns no key holds"


def test_the_tables_declare_the_collations_the_migrations_built(engine: Engine) -> None:
    """compare_metadata (test_migrations) passes a collation that only one side names."""
    declared = {
        (table.name, column.name)
        for table in metadata.tables.values()
        for column in table.columns
        if getattr(column.type.dialect_impl(engine.dialect), "collation", None) == "C"
    }
    if engine.dialect.name == "sqlite":
        assert declared == set()
    else:
        assert declared == _collated_c(engine)
