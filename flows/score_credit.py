"""Flow: score credit risk as of a date - features (dbt) -> model or baseline (o2c.credit) ->
app.credit_scores and app.risk_events -> cash forecast and worklist marts (dbt) -> artifacts."""

from __future__ import annotations

from datetime import date

import duckdb
from prefect import flow, task
from prefect.artifacts import (
    create_image_artifact,
    create_markdown_artifact,
    create_table_artifact,
)
from prefect.runtime import flow_run

from flows.transform import run_dbt_build
from o2c.adapters import journal, warehouse
from o2c.settings import Settings

FEATURES = ["int_credit_invoice_history", "int_credit_history_selected",
            "int_credit_history_points", "int_credit_history_features",
            "int_credit_invoice_features", "int_credit_customer_features"]
MARTS = ["stg_app__credit_scores", "stg_app__risk_events", "fct_cash_forecast",
         "fct_collector_worklist"]


def _ar_layer_as_of(settings: Settings) -> date | None:
    with warehouse.writer(settings) as con:
        try:
            return con.execute("select max(as_of_date) from main.fct_invoices").fetchone()[0]
        except duckdb.CatalogException:  # the AR layer is not built yet
            return None


@task
def build_credit_features(as_of: date) -> None:
    """The credit feature models; their upstream AR layer too unless it is built for as_of."""
    fresh = _ar_layer_as_of(Settings()) == as_of
    run_dbt_build(as_of, FEATURES if fresh else [f"+{m}" for m in FEATURES])


@task
def fit_model(as_of: date) -> dict:
    """Holdout, model-or-baseline decision, refit; store the version with its card."""
    from o2c.credit import store
    from o2c.credit.backtest import validate_and_fit
    from o2c.credit.features import read_invoice_features

    settings = Settings()
    with warehouse.writer(settings) as con:
        features = read_invoice_features(con)
    model, holdout = validate_and_fit(features, as_of)
    card = store.model_card(model, holdout)
    store.save(model, card, settings.home)
    return card


@task(retries=2, retry_delay_seconds=5)  # safe: deterministic ids, anti-join inserts
def score_and_record(as_of: date, model_version: str) -> dict:
    from o2c.credit import store
    from o2c.credit.scoring import score

    settings = Settings()
    model = store.load(settings.home, model_version)
    with warehouse.writer(settings) as con:
        features = con.execute("select * from main.int_credit_invoice_features").df()
        customers = con.execute("select * from main.int_credit_customer_features "
                                "order by customer_id").df()
        previous = dict(con.execute(
            "select customer_id, arg_max(risk_tier, as_of) from app.credit_scores "
            "where invoice_id is null and as_of < ? group by customer_id", [as_of]).fetchall())
        history = features.loc[features["days_late"].notna(), "days_late"].to_numpy(float)
        run = score(model, features, customers, as_of, previous, history,
                    run_id=str(flow_run.get_id() or ""))
        added_scores = journal.append(con, "credit_scores", run.scores)
        added_events = journal.append(con, "risk_events", run.events)
    reviews = run.customers[run.customers["review_due"]] if len(run.customers) else run.customers
    return {"scores": added_scores, "events": added_events,
            "tiers": run.customers["tier"].value_counts().to_dict() if len(run.customers) else {},
            "tier_changes": int(run.customers["changed"].sum()) if len(run.customers) else 0,
            "reviews": [{"customer_id": r.customer_id, "tier": r.tier,
                         "previous_tier": r.previous_tier, "exposure": str(r.exposure),
                         "credit_limit": str(r.credit_limit),
                         "recommended_limit": str(r.recommended_limit),
                         "limit_rule": r.limit_rule, "next_review": str(r.next_review)}
                        for r in reviews.itertuples(index=False)]}


@task
def build_credit_marts(as_of: date) -> None:
    run_dbt_build(as_of, MARTS)


@task
def publish_for_readers() -> str:
    return str(warehouse.publish_read_copy(Settings()))


@task
def report(as_of: date, card: dict, summary: dict) -> None:
    from o2c.credit.report import (
        cash_forecast_data_uri,
        model_card_markdown,
        read_cash_forecast,
        read_worklist,
    )

    with warehouse.reader(Settings()) as con:
        forecast_rows = read_cash_forecast(con)
        worklist = read_worklist(con)
    create_markdown_artifact(model_card_markdown(card), key="credit-model-card",
                             description=f"Credit model {card['model_version']}")
    create_image_artifact(cash_forecast_data_uri(forecast_rows, as_of), key="cash-forecast",
                          description=f"Expected collections, 13 weeks after {as_of}")
    create_table_artifact(worklist, key="collector-worklist",
                          description=f"Collector worklist for {as_of} (top 25 each)")
    create_table_artifact(summary["reviews"], key="credit-review-list",
                          description=f"Customers due a credit review on {as_of}")


@flow(name="score-credit", log_prints=True)
def score_credit(as_of: date | None = None) -> dict:
    as_of = as_of or Settings().today()
    build_credit_features(as_of)
    card = fit_model(as_of)
    summary = score_and_record(as_of, card["model_version"])
    build_credit_marts(as_of)
    publish_for_readers()
    report(as_of, card, summary)
    h = card["holdout"]
    print(f"model {card['model_version']} ({card['scorer']}): holdout AUC "
          f"{h['model']['auc']:.3f} vs baseline {h['baseline']['auc']:.3f}; "
          f"{summary['scores']} score(s), {summary['events']} event(s), "
          f"{summary['tier_changes']} tier change(s), {len(summary['reviews'])} review(s) due")
    return {"as_of": as_of.isoformat(), "model_version": card["model_version"],
            "scorer": card["scorer"], **{k: v for k, v in summary.items() if k != "reviews"},
            "reviews_due": len(summary["reviews"])}
