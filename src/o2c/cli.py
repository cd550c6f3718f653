"""The `o2c` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from o2c.cashapp.cli import cashapp_app
from o2c.credit.cli import credit_app
from o2c.formats.cli import bank_app
from o2c.settings import Settings

app = typer.Typer(help="o2c: order-to-cash pipeline (ERP + bank ingestion, AR layer, ...)",
                  no_args_is_help=True, pretty_exceptions_enable=False)
server_app = typer.Typer(help="The local Prefect server and worker", no_args_is_help=True)
audit_app = typer.Typer(help="Audit the append-only journals", no_args_is_help=True)
record_app = typer.Typer(help="Record a collector's dispute or promise-to-pay",
                         no_args_is_help=True)
app.add_typer(server_app, name="server")
app.add_typer(audit_app, name="audit")
app.add_typer(record_app, name="record")
app.add_typer(bank_app, name="bank")
automations_app = typer.Typer(help="Operational alerts (Prefect automations)",
                              no_args_is_help=True)
app.add_typer(automations_app, name="automations")
outbox_app = typer.Typer(help="Outgoing messages and their states", no_args_is_help=True)
app.add_typer(outbox_app, name="outbox")
app.add_typer(credit_app, name="credit")
app.add_typer(cashapp_app, name="cashapp")

AsOf = Annotated[date | None, typer.Option(help="Business date (default: today, company TZ)",
                                           formats=["%Y-%m-%d"])]


@app.command()
def generate(
    customers: Annotated[int, typer.Option(help="Number of customers")] = 200,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same files)")] = 7,
    out: Annotated[Path, typer.Option(help="Landing folder to write into")] = Path(
        ".o2c/landing"),
    fmt: Annotated[str, typer.Option("--format", help="csv | parquet | jsonl")] = "csv",
    as_of: AsOf = None,
) -> None:
    """Generate a realistic demo company (ERP extracts + ground truth)."""
    from o2c.synth.cli import generate as run_generate

    summary = run_generate(customers=customers, seed=seed, out=out, fmt=fmt,
                           as_of=as_of or Settings().today())
    typer.echo("\n".join(summary.lines()))


@app.command()
def run(as_of: AsOf = None,
        deployment: Annotated[bool, typer.Option(help="Run via the worker")] = False) -> None:
    """Run the pipeline (in this process, or as a deployment run on the local worker)."""
    settings = Settings()
    from o2c.localserver import healthy, use_local_server

    if deployment or healthy(settings):
        use_local_server(settings)
    if deployment:
        from o2c.deploy import run_pipeline_deployment

        flow_run = run_pipeline_deployment(as_of)
        typer.echo(f"pipeline run {flow_run.name}: {flow_run.state.name}")
        if not flow_run.state.is_completed():
            raise typer.Exit(1)
    else:
        from flows.pipeline import pipeline

        pipeline(as_of=as_of)
    _print_summary(settings)


def _print_summary(settings: Settings) -> None:
    from o2c.adapters import warehouse
    from o2c.reporting import aging_text, read_aging

    with warehouse.reader(settings) as con:
        files = con.execute(
            "select status, count(*), sum(rows_loaded), sum(rows_quarantined) "
            "from raw.file_ledger group by status order by status").fetchall()
        reasons = con.execute(
            "select dataset, reason, count(*) n from raw.quarantine group by all "
            "order by n desc limit 5").fetchall()
        rows = read_aging(con)
        cash = con.execute(
            "select status, currency, count(distinct bank_txn_id), sum(cash_applied) "
            "from app.cash_applications where reverses_application_id is null "
            "group by all order by all").fetchall()
        unmatched = con.execute("select count(distinct bank_txn_id) from app.cash_exceptions"
                                ).fetchone()[0]
    typer.echo("\nFiles in the ledger:")
    for status, n, loaded, quarantined in files:
        typer.echo(f"  {status:<9} {n:>4} file(s), {loaded or 0:>9} rows loaded, "
                   f"{quarantined or 0:>6} quarantined")
    for dataset, reason, n in reasons:
        typer.echo(f"  quarantine: {n:>5} × {dataset}: {reason}")
    typer.echo("\nCash application (bank receipts against open invoices):")
    for status, currency, n, amount in cash:
        typer.echo(f"  {status:<9} {n:>5} receipt(s) {currency} {amount:>14,.2f}")
    typer.echo(f"  unmatched {unmatched:>5} receipt(s) in the exceptions queue")
    typer.echo("\nAR aging (open amounts, document currency):")
    typer.echo(aging_text(rows))


@server_app.command("start")
def server_start() -> None:
    """Start the local Prefect server and a process worker (if not running)."""
    from o2c.deploy import ensure_work_pool
    from o2c.localserver import start_server, start_worker, use_local_server

    settings = Settings()
    typer.echo(f"server: {start_server(settings)}")
    use_local_server(settings)
    ensure_work_pool(settings)
    typer.echo(f"worker: {start_worker(settings)}")


@server_app.command("stop")
def server_stop() -> None:
    """Stop the server and worker that o2c started (by their recorded ids)."""
    from o2c.localserver import stop

    for line in stop(Settings()):
        typer.echo(line)


@server_app.command("status")
def server_status() -> None:
    from o2c.localserver import status

    for key, value in status(Settings()).items():
        typer.echo(f"{key}: {value}")


@app.command()
def deploy(activate: Annotated[bool, typer.Option(
        "--activate", help="Switch on the schedules and triggers (off by default)")] = False,
) -> None:
    """Register every deployment in prefect.yaml on the local (or configured) server."""
    from o2c.deploy import deploy_all
    from o2c.localserver import use_local_server

    settings = Settings()
    use_local_server(settings)
    for line in deploy_all(settings, activate=activate):
        typer.echo(line)
    typer.echo("deployments registered" + ("" if activate else
                                          "; schedules and triggers off (--activate)"))


@app.command()
def doctor() -> None:
    """Check every configured connection; exit 1 when one is missing or wrong."""
    from o2c.doctor import known_secrets, render, run_all
    from o2c.localserver import use_local_server

    settings = Settings()
    use_local_server(settings)
    findings = run_all(settings)
    for line in render(findings, known_secrets(settings)):
        typer.echo(line)
    if any(f.failed for f in findings):
        raise typer.Exit(1)


@automations_app.command("apply")
def automations_apply(
    definitions: Annotated[Path | None, typer.Option(
        help="Automations file (default: infra/automations.yaml)")] = None,
    block: Annotated[str | None, typer.Option(
        help="Send through this notification block, <block-type>/<name> (default: "
             "O2C_ALERTS_BLOCK, else the file's)")] = None,
) -> None:
    """Create or update the alert automations by name, sending to the team channel."""
    from o2c import automations
    from o2c.localserver import use_local_server

    settings = Settings()
    if block:
        settings = settings.model_copy(update={"alerts_block": block})
    use_local_server(settings)
    try:
        report = automations.apply(settings, definitions or automations.DEFINITIONS)
    except (LookupError, ValueError) as err:
        typer.echo(str(err), err=True)
        raise typer.Exit(1) from None
    for line in report:
        typer.echo(line)


@app.command()
def demo(
    customers: Annotated[int, typer.Option(help="Customers in the demo company")] = 200,
    seed: Annotated[int, typer.Option()] = 7,
) -> None:
    """Generate a company, start Prefect, deploy, run the pipeline, print where to look."""
    from o2c.demo import run_demo

    run_demo(Settings(), customers=customers, seed=seed, echo=typer.echo)


@audit_app.command("verify")
def audit_verify() -> None:
    """Recompute every journal's hash chain; exit 1 at the first row that does not fit."""
    from o2c.adapters import journal, warehouse

    failed = False
    with warehouse.reader(Settings()) as con:
        for report in journal.verify_all(con):
            if report.ok:
                typer.echo(f"{report.journal}: {report.rows} row(s), chain intact")
            else:
                failed = True
                typer.echo(f"{report.journal}: BROKEN at seq {report.broken_at}: "
                           f"{report.problem}", err=True)
    if failed:
        raise typer.Exit(1)


@app.command()
def docs(serve: Annotated[bool, typer.Option(help="Serve on port 8080")] = False) -> None:
    """Generate the dbt docs (lineage from landed files to marts) for auditors."""
    from o2c.adapters.dbt import run_dbt

    settings = Settings()
    run_dbt(settings, ["docs", "generate"])
    typer.echo(f"docs: {settings.dbt_project_dir / 'target' / 'index.html'}")
    if serve:
        run_dbt(settings, ["docs", "serve", "--port", "8080"])


@record_app.command("promise")
def record_promise(
    invoice_id: Annotated[str, typer.Argument(help="Invoice the customer promised to pay")],
    promised_date: Annotated[date, typer.Option(formats=["%Y-%m-%d"])],
    amount: Annotated[str, typer.Option(help="Promised amount, e.g. 1250.00")],
    by: Annotated[str, typer.Option("--by", help="Who took the promise (collector)")],
    as_of: AsOf = None,
) -> None:
    """Record a promise-to-pay (lands as an ERP promises file, loaded like any other)."""
    from o2c.records import record_promise as run

    typer.echo(run(Settings(), invoice_id, promised_date, amount, by, as_of))


@record_app.command("dispute")
def record_dispute(
    invoice_id: Annotated[str, typer.Argument(help="Disputed invoice")],
    reason: Annotated[str, typer.Option(help="What the customer disputes")],
    by: Annotated[str, typer.Option("--by", help="Who recorded it (collector)")],
    amount: Annotated[str | None, typer.Option(help="Disputed amount (default: all)")] = None,
    as_of: AsOf = None,
) -> None:
    """Record a dispute (lands as an ERP disputes file, loaded like any other)."""
    from o2c.records import record_dispute as run

    typer.echo(run(Settings(), invoice_id, reason, amount, by, as_of))


@outbox_app.command("status")
def outbox_status() -> None:
    """Messages per kind and current state; `unknown` ones need a person to check the provider."""
    from o2c.adapters import warehouse

    with warehouse.reader(Settings()) as con:
        rows = con.execute(
            "with now_in as (select message_id, arg_max(state, seq) state from app.outbox "
            "group by message_id) select m.kind, n.state, count(*) from now_in n "
            "join app.outbox_messages m using (message_id) group by all order by 1, 2").fetchall()
    if not rows:
        typer.echo("the outbox is empty")
    for kind, state, n in rows:
        typer.echo(f"{kind:<10} {state:<10} {n:>6}")


if __name__ == "__main__":
    app()
