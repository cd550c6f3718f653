"""Warehouse tables: `raw.*` (loaded files, with lineage), `app.*` (append-only journals).

The DDL is idempotent (`create ... if not exists`), so every writer can ensure it on open.
"""

from __future__ import annotations

from dataclasses import dataclass

from o2c.contracts.datasets import DATASETS, Dataset

SQL_TYPES = {
    "text": "VARCHAR",
    "date": "DATE",
    "money": "DECIMAL(19,4)",
    "rate": "DECIMAL(18,10)",
    "int": "INTEGER",
    "bool": "BOOLEAN",
}

LINEAGE_COLUMNS = "source_file_id VARCHAR NOT NULL, source_row INTEGER NOT NULL"

FILE_LEDGER_DDL = """
create table if not exists raw.file_ledger (
    source_file_id   VARCHAR PRIMARY KEY,  -- sha256 of the bytes, first 16 hex digits
    path             VARCHAR NOT NULL,     -- key in the landing zone
    dataset          VARCHAR NOT NULL,
    file_format      VARCHAR NOT NULL,
    checksum_sha256  VARCHAR NOT NULL,
    landing_version  VARCHAR NOT NULL,     -- S3 ETag or local mtime+size when it was read
    size_bytes       BIGINT NOT NULL,
    version          INTEGER NOT NULL,     -- 1 for the first content seen at this path, then 2, ...
    load_seq         BIGINT NOT NULL,      -- global order of loads; the newest version wins
    status           VARCHAR NOT NULL,     -- loaded | rejected
    rows_total       BIGINT NOT NULL,
    rows_loaded      BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    error            VARCHAR,
    loaded_at        TIMESTAMP NOT NULL
)
"""

DELIVERIES_DDL = """
create table if not exists raw.file_deliveries (
    path            VARCHAR NOT NULL,      -- every time a file is seen in a new landed version
    landing_version VARCHAR NOT NULL,
    checksum_sha256 VARCHAR NOT NULL,
    source_file_id  VARCHAR NOT NULL,      -- the ledger row holding these bytes
    outcome         VARCHAR NOT NULL,      -- loaded | rejected | already_loaded
    seen_at         TIMESTAMP NOT NULL
)
"""

QUARANTINE_DDL = """
create table if not exists raw.quarantine (
    source_file_id VARCHAR NOT NULL,
    dataset        VARCHAR NOT NULL,
    source_row     INTEGER NOT NULL,       -- 1-based data row (header excluded) or line number
    reason         VARCHAR NOT NULL,       -- 'amount: greater_than(0); currency: isin(...)'
    record         VARCHAR NOT NULL,       -- the row as delivered, JSON
    quarantined_at TIMESTAMP NOT NULL
)
"""


BANK_STATEMENTS_DDL = """
create table if not exists raw.bank_statements (
    source_file_id     VARCHAR NOT NULL,   -- the bank file (raw.file_ledger, dataset 'bank')
    statement_seq      INTEGER NOT NULL,   -- 1-based position of the statement in the file
    statement_id       VARCHAR NOT NULL,   -- BAI2 account section, camt Stmt/Ntfctn Id, MT :20:
    account            VARCHAR NOT NULL,
    currency           VARCHAR NOT NULL,
    format             VARCHAR NOT NULL,   -- bai2 | camt.052/053/054 | mt940 | mt942 | csv
    observation_kind   VARCHAR NOT NULL,   -- booked | notification | intraday
    statement_date     DATE,
    first_booking_date DATE,               -- earliest / latest booking date of its records
    last_booking_date  DATE,
    opening            DECIMAL(19,4),      -- signed; null where the format has none
    closing            DECIMAL(19,4),
    n_credits          INTEGER NOT NULL,
    sum_credits        DECIMAL(19,4) NOT NULL,
    n_debits           INTEGER NOT NULL,
    sum_debits         DECIMAL(19,4) NOT NULL,
    n_records          INTEGER NOT NULL,
    source_line        INTEGER NOT NULL    -- line where the statement starts
)
"""

BANK_TRANSACTIONS_DDL = """
create table if not exists raw.bank_transactions (
    bank_txn_id          VARCHAR NOT NULL,   -- payment identity (o2c.domain.bank_identity)
    identity_basis       VARCHAR NOT NULL,   -- end_to_end_id | bank_ref | remittance
    observation_kind     VARCHAR NOT NULL,   -- booked | notification | intraday
    account              VARCHAR NOT NULL,
    currency             VARCHAR NOT NULL,
    amount               DECIMAL(19,4) NOT NULL,  -- positive; see direction
    direction            VARCHAR NOT NULL,   -- credit | debit, for the account holder
    value_date           DATE,
    booking_date         DATE,
    bank_ref             VARCHAR,
    end_to_end_id        VARCHAR,
    counterparty_name    VARCHAR,
    counterparty_account VARCHAR,
    structured_ref       VARCHAR,
    remittance           VARCHAR,
    bank_code            VARCHAR,
    entry_ref            VARCHAR,
    reversal             BOOLEAN NOT NULL,
    return_reason        VARCHAR,
    reverses_ref         VARCHAR,
    format               VARCHAR NOT NULL,
    statement_id         VARCHAR NOT NULL,
    statement_seq        INTEGER NOT NULL,   -- the raw.bank_statements row it belongs to
    record_seq           INTEGER NOT NULL,   -- 1-based position of the record in the file
    raw                  VARCHAR NOT NULL,   -- the record's text as delivered
    source_file_id       VARCHAR NOT NULL,
    source_line          INTEGER NOT NULL    -- line of the record (camt: of its Ntry)
)
"""


def raw_table_ddl(dataset: Dataset) -> str:
    cols = ",\n    ".join(f"{c.name} {SQL_TYPES[c.type]}" for c in dataset.columns)
    return f"create table if not exists raw.{dataset.name} (\n    {cols},\n    {LINEAGE_COLUMNS}\n)"


def added_column_ddl(dataset: Dataset) -> list[str]:
    """Columns a contract gained after its table was first created: added to older warehouses."""
    return [f"alter table raw.{dataset.name} add column if not exists {c.name} {SQL_TYPES[c.type]}"
            for c in dataset.columns if c.added_later]


@dataclass(frozen=True)
class Journal:
    """An append-only, hash-chained table: `key` is the deterministic row id."""

    name: str
    key: str
    columns: str  # DDL of the content columns (the chain columns are added)

    @property
    def table(self) -> str:
        return f"app.{self.name}"

    def ddl(self) -> str:
        return (
            f"create table if not exists {self.table} (\n"
            f"    {self.columns.strip()},\n"
            "    seq BIGINT NOT NULL,           -- position in the chain, from 1\n"
            "    recorded_at TIMESTAMP NOT NULL,\n"
            "    prev_hash VARCHAR NOT NULL,    -- row_hash of seq - 1 ('' for the first)\n"
            "    row_hash VARCHAR NOT NULL      -- sha256(prev_hash | canonical row)\n"
            ")"
        )


JOURNALS: dict[str, Journal] = {
    j.name: j
    for j in [
        Journal("cash_applications", "application_id", """
    application_id VARCHAR NOT NULL,
    bank_txn_id VARCHAR,
    receipt_ref VARCHAR,
    invoice_id VARCHAR,
    customer_id VARCHAR,
    currency VARCHAR NOT NULL,
    cash_applied DECIMAL(19,4) NOT NULL,
    write_off DECIMAL(19,4) NOT NULL,
    write_off_reason VARCHAR,
    discount DECIMAL(19,4) NOT NULL,
    discount_reason VARCHAR,
    confidence DECIMAL(5,4),
    rule VARCHAR,
    evidence VARCHAR,
    status VARCHAR NOT NULL,
    reverses_application_id VARCHAR,
    decided_by VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    run_id VARCHAR"""),
        Journal("credit_scores", "score_id", """
    score_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    invoice_id VARCHAR,
    customer_id VARCHAR NOT NULL,
    model_version VARCHAR NOT NULL,
    scorer VARCHAR NOT NULL,
    p_late DECIMAL(7,6),
    expected_days_to_pay DECIMAL(9,2),
    risk_tier VARCHAR,
    reasons VARCHAR,
    run_id VARCHAR"""),
        Journal("risk_events", "event_id", """
    event_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    customer_id VARCHAR NOT NULL,
    event_type VARCHAR NOT NULL,
    from_tier VARCHAR,
    to_tier VARCHAR,
    detail VARCHAR,
    run_id VARCHAR"""),
        Journal("drafts", "draft_id", """
    draft_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    customer_id VARCHAR NOT NULL,
    currency VARCHAR NOT NULL,
    stage VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    subject VARCHAR,
    body VARCHAR,
    facts VARCHAR,
    drafter VARCHAR,
    prompt_version VARCHAR,
    model VARCHAR,
    response_id VARCHAR,
    prompt_hash VARCHAR,
    detail VARCHAR,
    run_id VARCHAR"""),
        Journal("approvals", "approval_id", """
    approval_id VARCHAR NOT NULL,
    subject_type VARCHAR NOT NULL,
    subject_id VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,
    approver VARCHAR NOT NULL,
    actor VARCHAR,
    edited_body VARCHAR,
    comment VARCHAR,
    decided_at TIMESTAMP NOT NULL,
    run_id VARCHAR"""),
        Journal("outbox", "outbox_event_id", """
    outbox_event_id VARCHAR NOT NULL,
    message_id VARCHAR NOT NULL,
    draft_id VARCHAR,
    customer_id VARCHAR,
    channel VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    recipients VARCHAR,
    subject VARCHAR,
    provider_message_id VARCHAR,
    detail VARCHAR,
    run_id VARCHAR"""),
        Journal("notifications", "notification_event_id", """
    notification_event_id VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    recipient VARCHAR NOT NULL,
    state VARCHAR NOT NULL,
    detail VARCHAR,
    run_id VARCHAR"""),
        # what a CRM acknowledged (or refused) per account and field: the next push sends only
        # fields whose value differs from the latest acknowledged one
        Journal("crm_sync", "crm_sync_event_id", """
    crm_sync_event_id VARCHAR NOT NULL,
    crm_system VARCHAR NOT NULL,
    crm_account_id VARCHAR NOT NULL,
    crm_field VARCHAR NOT NULL,
    field VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    value VARCHAR,
    state VARCHAR NOT NULL,
    follows_event_id VARCHAR,
    detail VARCHAR,
    run_id VARCHAR"""),
        # what cash application learned: a payer account or name that belongs to a customer
        Journal("customer_aliases", "alias_id", """
    alias_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    alias_key VARCHAR NOT NULL,
    customer_id VARCHAR NOT NULL,
    learned_from VARCHAR,
    decided_by VARCHAR NOT NULL,
    decided_at TIMESTAMP NOT NULL,
    run_id VARCHAR"""),
        # what happened to cash: a returned payment reversed its applications, ...
        Journal("cash_events", "event_id", """
    event_id VARCHAR NOT NULL,
    event_type VARCHAR NOT NULL,
    bank_txn_id VARCHAR,
    application_id VARCHAR,
    invoice_id VARCHAR,
    customer_id VARCHAR,
    detail VARCHAR,
    occurred_at TIMESTAMP NOT NULL,
    run_id VARCHAR"""),
        # customer credits cash application could not match, with the best candidates
        Journal("cash_exceptions", "exception_id", """
    exception_id VARCHAR NOT NULL,
    bank_txn_id VARCHAR NOT NULL,
    bank_ref VARCHAR,
    currency VARCHAR,
    amount DECIMAL(19,4),
    value_date DATE,
    reason VARCHAR NOT NULL,
    customer_id VARCHAR,
    referenced VARCHAR,
    best_candidates VARCHAR,
    seen_at TIMESTAMP NOT NULL,
    run_id VARCHAR"""),
        # a draft's life after it is stored: expired, approved, rejected, held, returned, ...
        Journal("draft_events", "draft_event_id", """
    draft_event_id VARCHAR NOT NULL,
    draft_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    reason VARCHAR,
    run_id VARCHAR"""),
        # what an outbox message says, written once before its first state row
        Journal("outbox_messages", "message_id", """
    message_id VARCHAR NOT NULL,
    draft_id VARCHAR,
    customer_id VARCHAR,
    kind VARCHAR NOT NULL,
    from_addr VARCHAR NOT NULL,
    from_name VARCHAR,
    reply_to VARCHAR,
    to_addrs VARCHAR NOT NULL,
    cc_addrs VARCHAR,
    bcc_addrs VARCHAR,
    subject VARCHAR NOT NULL,
    body VARCHAR NOT NULL,
    rfc_message_id VARCHAR NOT NULL,
    in_reply_to VARCHAR,
    thread_references VARCHAR,
    run_id VARCHAR"""),
    ]
}


def all_ddl() -> list[str]:
    statements = ["create schema if not exists raw", "create schema if not exists app",
                  FILE_LEDGER_DDL, DELIVERIES_DDL, QUARANTINE_DDL]
    statements += [raw_table_ddl(d) for d in DATASETS.values()]
    statements += [ddl for d in DATASETS.values() for ddl in added_column_ddl(d)]
    statements += [BANK_STATEMENTS_DDL, BANK_TRANSACTIONS_DDL]
    statements += [j.ddl() for j in JOURNALS.values()]
    return statements
