"""`o2c credit`: backtest the late-payment model on any invoice history; export a generated
company's history in the same CSV shape."""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

credit_app = typer.Typer(help="Credit risk: backtests and invoice histories", no_args_is_help=True)


@credit_app.command("backtest")
def backtest(
    invoices: Annotated[Path, typer.Option(
        help="CSV: customer_id, invoice_id, issue_date, due_date, amount, settled_date "
             "(optional disputed, paperless)", exists=True, dir_okay=False)],
    as_of: Annotated[date | None, typer.Option(
        help="Date the history was extracted (default: its last issue or settlement date)",
        formats=["%Y-%m-%d"])] = None,
    test_share: Annotated[float, typer.Option(help="Share of invoices (latest issued) tested",
                                              min=0.05, max=0.5)] = 0.2,
    rolling: Annotated[bool, typer.Option(
        help="Let each test invoice see history up to its own issue date (default: the "
             "history stops at the train/test cutoff)")] = False,
) -> None:
    """Train on the earlier invoices, test on the later ones: one line per scorer."""
    from o2c.credit.backtest import backtest_csv
    from o2c.credit.history import HistoryError

    with tempfile.TemporaryDirectory(prefix="o2c-credit-") as work:
        try:
            result = backtest_csv(invoices, as_of, Path(work), test_share, rolling)
        except (HistoryError, ValueError) as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from exc
    for line in result.lines():
        typer.echo(line)
    for line in result.details():
        typer.echo(line, err=True)


@credit_app.command("export-history")
def export_history(
    out: Annotated[Path, typer.Option(help="CSV file to write")],
    customers: Annotated[int, typer.Option(help="Customers in the generated company")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed")] = 7,
    as_of: Annotated[date, typer.Option(help="Last day of the company's history",
                                        formats=["%Y-%m-%d"])] = date(2026, 3, 31),
) -> None:
    """Generate a company, load it like the ERP ingestion, write its invoice history as CSV."""
    from o2c.credit.company import company_history
    from o2c.credit.history import to_csv_frame

    with tempfile.TemporaryDirectory(prefix="o2c-credit-") as work:
        history = company_history(customers, seed, as_of, Path(work)).history
    out.parent.mkdir(parents=True, exist_ok=True)
    to_csv_frame(history).to_csv(out, index=False)
    typer.echo(f"{len(history):,} invoices of {history['customer_id'].nunique():,} customers "
               f"-> {out}")
