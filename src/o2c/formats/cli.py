"""`o2c bank …`: look inside bank statement files (mounted by the top-level `o2c` command)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from o2c.formats.parser import parse, sniff_format
from o2c.formats.records import BankFileError, StatementSummary

bank_app = typer.Typer(
    help="Bank statement files: BAI2, camt.052/053/054, MT940/MT942, bank CSV.",
    no_args_is_help=True,
)


@bank_app.callback()
def _bank() -> None:
    """Bank statement files: BAI2, camt.052/053/054, MT940/MT942, bank CSV."""


def _figure(value: object) -> str:
    return "-" if value is None else f"{value:,}"


def summary_line(s: StatementSummary) -> str:
    """One line per statement: account, balances, credit and debit counts and sums."""
    day = s.statement_date.isoformat() if s.statement_date else "-"
    return (f"statement {s.statement_id} account {s.account} {s.currency} {day}: "
            f"opening {_figure(s.opening)}, closing {_figure(s.closing)}, "
            f"{s.n_credits} credits {_figure(s.sum_credits)}, "
            f"{s.n_debits} debits {_figure(s.sum_debits)}, {s.n_records} records")  # fmt: skip


@bank_app.command("parse")
def parse_command(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="The bank file")],
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the transactions as JSON Lines on stdout (summaries go to "
        "stderr then)")] = False,
    no_verify: Annotated[bool, typer.Option(
        "--no-verify", help="Inspection only: parse even if control totals do not reconcile, "
        "printing each discrepancy as a warning")] = False,
) -> None:
    """Print the detected format and one summary line per statement (and the transactions
    with --json). A file that is malformed or does not reconcile exits 1 with the error."""
    info = sys.stderr if as_json else sys.stdout

    def warn(error: BankFileError) -> None:
        print(f"warning: {error}", file=sys.stderr)

    try:
        with file.open("rb") as stream:
            print(f"format: {sniff_format(stream)}", file=info)
            for statement in parse(stream, verify=not no_verify, on_discrepancy=warn):
                print(summary_line(statement.summary), file=info)
                if as_json:
                    for txn in statement.transactions:
                        print(json.dumps(txn.as_json(), ensure_ascii=False))
    except BankFileError as exc:
        print(f"{exc.with_path(str(file))}: rejected, nothing of it may be loaded",
              file=sys.stderr)  # fmt: skip
        raise typer.Exit(1) from None
