"""Fitted models on disk: `<O2C_HOME>/models/<version>/model.joblib` and `card.json` (the
training window, holdout metrics beside the baseline, calibration, top features). A version is
written once; the same training data, parameters and libraries give the same version."""

from __future__ import annotations

import json
import os
from pathlib import Path

import joblib

from o2c.credit.backtest import BacktestResult
from o2c.credit.model import CreditModel


def model_dir(home: Path, version: str) -> Path:
    return Path(home) / "models" / version


def model_card(model: CreditModel, holdout: BacktestResult) -> dict:
    from o2c.credit import forecast

    importance = feature_importance(model, holdout)
    return {
        "model_version": model.version,
        "trained_to": model.trained_to.isoformat(),
        "training_rows": model.rows,
        "features": list(model.features),
        "scorer": model.scorer,
        "classifier": {"kind": model.classifier_kind, "slice_auc": model.candidate_auc},
        "population": {"late_rate": model.population.late_rate,
                       "mean_days_late": model.population.mean_days_late},
        "holdout": {
            "history": [holdout.data_start.isoformat(), holdout.data_end.isoformat()],
            "test_from": holdout.cutoff.isoformat(),
            "model": holdout.metrics["model"].as_dict(),
            "baseline": holdout.metrics["baseline"].as_dict(),
            "model_beats_baseline": holdout.model_beats_baseline,
            "cash_forecast_wape": forecast.forecast_wape(holdout.cash) if len(holdout.cash)
            else {},
        },
        "calibration": holdout.calibration.to_dict(orient="records"),
        "top_features": importance,
    }


def feature_importance(model: CreditModel, holdout: BacktestResult, top: int = 8) -> list[dict]:
    """Gain-free importance: mean |change in P(late)| when a feature is set to its median."""
    from o2c.credit.model import design

    sample = holdout.test_sample
    if sample is None or sample.empty:
        return []
    base = model.model_p_late(sample)
    out = []
    x = design(sample, model.population, model.features)
    for name in model.features:
        typical = model.typical.get(name)
        if typical is None or name.endswith("_smoothed") or name == "log_amount":
            continue
        swapped = sample.copy()
        swapped[name] = typical
        if name not in sample.columns:
            continue
        out.append({"feature": name,
                    "mean_abs_effect": round(float(abs(base - model.model_p_late(swapped))
                                                   .mean()), 4),
                    "missing_share": round(float(x[name].isna().mean()), 3)})
    return sorted(out, key=lambda e: -e["mean_abs_effect"])[:top]


def save(model: CreditModel, card: dict, home: Path) -> Path:
    target = model_dir(home, model.version)
    if (target / "model.joblib").exists():
        return target  # a version is immutable
    target.mkdir(parents=True, exist_ok=True)
    tmp = target / "model.joblib.part"
    joblib.dump(model, tmp)
    (target / "card.json").write_text(json.dumps(card, indent=2, default=str))
    os.replace(tmp, target / "model.joblib")
    return target


def load(home: Path, version: str) -> CreditModel:
    path = model_dir(home, version) / "model.joblib"
    if not path.exists():
        raise FileNotFoundError(f"{path}: no stored model {version}; run score_credit to fit one")
    return joblib.load(path)


def load_card(home: Path, version: str) -> dict:
    return json.loads((model_dir(home, version) / "card.json").read_text())
