"""The PostgreSQL warehouse tables come from the same definitions as DuckDB's."""

from o2c.adapters.schema import JOURNALS, all_ddl
from o2c.adapters.schema_pg import all_pg_ddl, translate


def test_every_duckdb_statement_has_its_postgres_twin_without_duckdb_types():
    translated = all_pg_ddl()[: len(all_ddl())]
    assert len(translated) == len(all_ddl())
    assert not any("VARCHAR" in statement for statement in translated)
    assert translate("amount DECIMAL(19,4) NOT NULL, note VARCHAR") == \
        "amount DECIMAL(19,4) NOT NULL, note TEXT"


def test_ledger_checksum_and_each_journal_key_and_seq_are_unique():
    constraints = all_pg_ddl()[len(all_ddl()):]
    assert any("unique index" in c and "raw.file_ledger (checksum_sha256)" in c
               for c in constraints)
    for journal in JOURNALS.values():
        assert any(f"on {journal.table} ({journal.key})" in c for c in constraints)
        assert any(f"on {journal.table} (seq)" in c for c in constraints)
