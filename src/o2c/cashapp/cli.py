"""`o2c cashapp ...`: a standalone run on files, and the analyst's review of proposals."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from o2c.domain.cashapp.policy import Policy

if TYPE_CHECKING:  # the engine's imports (pandas, duckdb) load when a command runs, not on --help
    import duckdb

cashapp_app = typer.Typer(help="Cash application: match receipts to open items, review matches.",
                          no_args_is_help=True)

APPLICATION_COLUMNS = ["bank_ref", "invoice_id", "applied_amount", "confidence", "rule",
                       "status"]
STANDALONE_APPLICATIONS = """
select bank_ref, invoice_id, cash_applied as applied_amount, confidence, rule, status
from ca_decided
where status in ('auto', 'proposed') and invoice_id is not null
order by bank_ref, status, alternative, invoice_id
"""
STANDALONE_EXCEPTIONS = """
select bank_ref, currency, amount, value_date, counterparty_name, remittance, reason,
       customer_id, referenced, best_candidates
from ca_exceptions order by bank_ref
"""


def standalone(open_items: Path, statements: Path, out: Path,
               policy: Policy | None = None) -> dict:
    """The engine on files, in an in-memory database; writes applications.csv, exceptions.csv."""
    import duckdb

    from o2c.cashapp import engine, sources

    con = duckdb.connect()
    sources.read_open_items(con, open_items)
    problems = sources.read_statements(con, statements)
    run = engine.match(con, policy)
    out.mkdir(parents=True, exist_ok=True)
    con.execute(STANDALONE_APPLICATIONS).df().to_csv(out / "applications.csv", index=False)
    con.execute(STANDALONE_EXCEPTIONS).df().to_csv(out / "exceptions.csv", index=False)
    con.close()
    return {"receipts": run.receipts, "auto": run.auto, "proposed": run.proposed,
            "exceptions": run.exceptions, "unreadable_files": problems}


@cashapp_app.command("run")
def run_command(
    open_items: Annotated[Path, typer.Option("--open-items", exists=True, dir_okay=False,
                                             help="CSV: customer_id, customer_name, invoice_id, "
                                                  "issue_date, due_date, currency, open_amount"
                                                  " [, customer_account]")],
    statements: Annotated[Path, typer.Option("--statements", exists=True, file_okay=False,
                                             help="Folder of bank files (any format)")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the two result files")],
) -> None:
    """Match the receipts in bank files to an open-items list: applications.csv, exceptions.csv."""
    result = standalone(open_items, statements, out)
    for problem in result.pop("unreadable_files"):
        typer.echo(f"skipped {problem}", err=True)
    typer.echo(", ".join(f"{k}: {v}" for k, v in result.items()) + f" -> {out}")


PENDING = """
with decided as (
    select json_extract_string(evidence, '$.decides') as decided_id, bank_txn_id
    from app.cash_applications where status in ('confirmed', 'rejected')
)
select application_id, bank_txn_id, receipt_ref, invoice_id, customer_id, currency,
       cash_applied, confidence, rule, evidence
from app.cash_applications p
where status = 'proposed'
  and application_id not in (select decided_id from decided where decided_id is not null)
  and bank_txn_id not in (select d.bank_txn_id from decided d
                          join app.cash_applications c on c.application_id = d.decided_id
                          where c.status = 'confirmed')
order by confidence desc, bank_txn_id, application_id
"""


def pending(con: duckdb.DuckDBPyConnection):
    return con.execute(PENDING).df()


def decide(con: duckdb.DuckDBPyConnection, application_ids: list[str], decision: str,
           approver: str, comment: str | None = None, at: datetime | None = None) -> int:
    """Confirm or reject proposals; each decision is a new journal row naming its proposal.
    A confirmation teaches the alias table the payer's account and name."""
    from o2c.adapters import journal
    from o2c.cashapp import store

    at = (at or datetime.now(UTC)).replace(tzinfo=None)
    open_ids = set(pending(con)["application_id"])
    unknown = [a for a in application_ids if a not in open_ids]
    if unknown:
        raise ValueError(f"not a pending proposal: {', '.join(unknown)} "
                         "(see `o2c cashapp proposals`)")
    status = {"confirm": "confirmed", "reject": "rejected"}[decision]
    rows = con.execute(f"""
        select {store.sql_stable_id('app', 'application_id', '?')} as application_id,
               bank_txn_id, receipt_ref, invoice_id, customer_id, currency, cash_applied,
               write_off, write_off_reason, discount, discount_reason, confidence, rule,
               json_merge_patch(evidence, json_object('decides', application_id,
                                                      'comment', ?)) as evidence,
               ? as status,
               case when ? = 'rejected' then application_id end as reverses_application_id,
               ? as decided_by, ?::timestamp as decided_at, ? as run_id
        from app.cash_applications
        where status = 'proposed' and application_id in (select unnest(?::varchar[]))
    """, [status, comment, status, status, approver, at, f"review-{approver}",
          application_ids]).df()
    added = journal.append(con, "cash_applications", rows, at)
    if status == "confirmed" and con.execute(
            "select count(*) from information_schema.tables "
            "where table_name = 'fct_bank_transactions'").fetchone()[0]:
        store.learn_aliases(con, f"review-{approver}", at, by=approver)
    return added


def _writer():
    from o2c.adapters import warehouse
    from o2c.settings import Settings

    return warehouse.writer(Settings())


@cashapp_app.command("proposals")
def proposals_command(limit: Annotated[int, typer.Option(help="Rows to show")] = 50) -> None:
    """Pending proposals, best first."""
    with _writer() as con:
        frame = pending(con)
    if frame.empty:
        typer.echo("no pending proposals")
        return
    for row in frame.head(limit).itertuples():
        why = json.loads(row.evidence)
        typer.echo(f"{row.application_id}  {row.confidence:.2f}  {row.receipt_ref} -> "
                   f"{row.invoice_id or 'on account'} {row.cash_applied} {row.currency}  "
                   f"{row.rule} {','.join(why.get('doubts') or [])}")
    typer.echo(f"{len(frame)} pending")


@cashapp_app.command("confirm")
def confirm_command(application_ids: list[str],
                    approver: Annotated[str, typer.Option("--by", help="Who decides")],
                    comment: Annotated[str | None, typer.Option()] = None) -> None:
    """Confirm proposals: they apply, and the payer's account/name is learned."""
    with _writer() as con:
        added = decide(con, application_ids, "confirm", approver, comment)
    typer.echo(f"confirmed {added}")


@cashapp_app.command("reject")
def reject_command(application_ids: list[str],
                   approver: Annotated[str, typer.Option("--by", help="Who decides")],
                   comment: Annotated[str | None, typer.Option()] = None) -> None:
    """Reject proposals: they never apply."""
    with _writer() as con:
        added = decide(con, application_ids, "reject", approver, comment)
    typer.echo(f"rejected {added}")
