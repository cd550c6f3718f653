"""`o2c cashapp ...`: a standalone run on files, and the analyst's review of proposals."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from o2c.cashapp import review
from o2c.domain.cashapp.policy import Policy

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
# the bank's own credits (interest) are listed too, so that every credit is accounted for
STANDALONE_EXCEPTIONS = """
select bank_ref, currency, amount, value_date, counterparty_name, remittance, reason,
       customer_id, referenced, best_candidates
from (
    select bank_ref, currency, amount, value_date, counterparty_name, remittance, reason,
           customer_id, referenced, best_candidates
    from ca_exceptions
    union all
    select bank_ref, currency, amount, value_date, counterparty_name, remittance,
           'bank_own_credit', null, null, null
    from ca_bank_own
) order by bank_ref
"""


def standalone(open_items: Path, statements: Path, out: Path,
               policy: Policy | None = None) -> dict:
    """The engine on files, in an in-memory database; writes applications.csv, exceptions.csv."""
    import time

    import duckdb

    from o2c.adapters.warehouse import limit_memory
    from o2c.cashapp import engine, sources
    from o2c.settings import Settings

    started = time.perf_counter()
    con = duckdb.connect()
    limit_memory(con, Settings())
    sources.read_open_items(con, open_items)
    problems = sources.read_statements(con, statements)
    read = time.perf_counter() - started
    run = engine.match(con, policy)
    out.mkdir(parents=True, exist_ok=True)
    con.execute(STANDALONE_APPLICATIONS).df().to_csv(out / "applications.csv", index=False)
    con.execute(STANDALONE_EXCEPTIONS).df().to_csv(out / "exceptions.csv", index=False)
    con.close()
    return {"receipts": run.receipts, "auto": run.auto, "proposed": run.proposed,
            "exceptions": run.exceptions, "seconds": round(time.perf_counter() - started, 1),
            "reading_files_s": round(read, 1), "unreadable_files": problems}


@cashapp_app.command("run")
def run_command(
    open_items: Annotated[Path, typer.Option("--open-items", exists=True, dir_okay=False,
                                             help="CSV: customer_id, customer_name, invoice_id, "
                                                  "issue_date, due_date, currency, open_amount"
                                                  " [, customer_account, po_number];"
                                                  " negative "
                                                  "open_amount: a credit note")],
    statements: Annotated[Path, typer.Option("--statements", exists=True, file_okay=False,
                                             help="Folder of bank files (any format)")],
    out: Annotated[Path, typer.Option("--out", help="Folder for the two result files")],
) -> None:
    """Match the receipts in bank files to an open-items list: applications.csv, exceptions.csv."""
    try:
        result = standalone(open_items, statements, out)
    except ValueError as exc:  # an unreadable open-items list: what and where, no traceback
        typer.echo(str(exc), err=True)
        raise typer.Exit(2) from None
    for problem in result.pop("unreadable_files"):
        typer.echo(f"skipped {problem}", err=True)
    typer.echo(", ".join(f"{k}: {v}" for k, v in result.items()) + f" -> {out}")


def _writer():
    from o2c.adapters import warehouse
    from o2c.settings import Settings

    return warehouse.writer(Settings())


@cashapp_app.command("proposals")
def proposals_command(limit: Annotated[int, typer.Option(help="Rows to show")] = 50) -> None:
    """Pending proposals, best first."""
    with _writer() as con:
        frame = review.pending(con)
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
        added = review.decide(con, application_ids, "confirm", approver, comment)
    typer.echo(f"confirmed {added}")


@cashapp_app.command("reject")
def reject_command(application_ids: list[str],
                   approver: Annotated[str, typer.Option("--by", help="Who decides")],
                   comment: Annotated[str | None, typer.Option()] = None) -> None:
    """Reject proposals: they never apply."""
    with _writer() as con:
        added = review.decide(con, application_ids, "reject", approver, comment)
    typer.echo(f"rejected {added}")
