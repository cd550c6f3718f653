"""score_credit on a small generated company after the pipeline: scores and events land in the
journals with the model version, the marts build, a re-run adds nothing."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pytest

from o2c.adapters import journal, warehouse

pytestmark = [pytest.mark.usefixtures("prefect_harness"), pytest.mark.slow]
AS_OF = date(2026, 3, 31)


@pytest.fixture(scope="module")
def company(tmp_path_factory):
    from o2c.synth.cli import generate

    out = tmp_path_factory.mktemp("credit_company") / "landing"
    generate(customers=40, seed=5, out=out, fmt="csv", as_of=AS_OF)
    shutil.rmtree(out / "bank")  # scoring reads ERP history; bank loading has its own tests
    return out


def test_score_credit_records_scores_tiers_forecast_and_worklist(company, settings):
    from flows.pipeline import pipeline
    from flows.score_credit import score_credit

    shutil.copytree(company, settings.landing_url, dirs_exist_ok=True)
    pipeline(as_of=AS_OF)
    first = score_credit(as_of=AS_OF)
    assert first["scores"] > 0
    assert (settings.home / "models" / first["model_version"] / "model.joblib").exists()
    card = json.loads((settings.home / "models" / first["model_version"] / "card.json")
                      .read_text())
    assert {"model", "baseline"} <= set(card["holdout"])

    with warehouse.reader(settings) as con:
        versions = con.execute("select distinct model_version from app.credit_scores").fetchall()
        tiers = {t for (t,) in con.execute(
            "select distinct risk_tier from app.credit_scores where invoice_id is null")
            .fetchall()}
        weeks = con.execute("select count(distinct week_number) from fct_cash_forecast")
        assert weeks.fetchone() == (13,)
        actions = con.execute("select count(*), count(distinct collector_email) "
                              "from fct_collector_worklist").fetchone()
        assert all(r.ok for r in journal.verify_all(con))
    assert versions == [(first["model_version"],)]
    assert tiers <= {"low", "medium", "high", "critical"}
    assert actions[0] > 0

    again = score_credit(as_of=AS_OF)
    assert again["model_version"] == first["model_version"]  # same data, same version
    assert again["scores"] == 0 and again["events"] == 0  # nothing twice
