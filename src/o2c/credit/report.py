"""What a score_credit run shows people: the model card (Markdown), the 13-week cash forecast
(SVG chart), the worklist and the review list (table rows)."""

from __future__ import annotations

import base64
from datetime import date
from html import escape

import duckdb

from o2c.reporting import money


def model_card_markdown(card: dict) -> str:
    h = card["holdout"]
    m, b = h["model"], h["baseline"]
    beats = h["model_beats_baseline"]
    lines = [
        f"# Credit model {card['model_version']}", "",
        f"Trained on **{card['training_rows']:,}** invoices with a known outcome, issued up to "
        f"{card['trained_to']}; holdout: history {h['history'][0]} .. {h['history'][1]}, test "
        f"on invoices issued from {h['test_from']} ({m['invoices']:,} with a known outcome).",
        "", f"Scoring with: **{card['scorer']}** (the model serves an output only where it beat "
        "the baseline on the holdout).", "",
        "| scorer | AUC | Brier | MAE (days late) |", "|---|---|---|---|",
        f"| model | {m['auc']:.3f} | {m['brier']:.4f} | {m['mae_days']:.2f} |",
        f"| baseline (customer's prior late rate / mean days late) | {b['auc']:.3f} | "
        f"{b['brier']:.4f} | {b['mae_days']:.2f} |", "",
        f"Model beats baseline: P(late) {'yes' if beats['p_late'] else 'no'}, "
        f"days {'yes' if beats['days'] else 'no'}.",
    ]
    chosen = card.get("classifier") or {}
    if chosen.get("slice_auc"):
        aucs = ", ".join(f"{k.replace('_', ' ')} {v:.3f}" for k, v in chosen["slice_auc"].items())
        lines += ["", f"Classifier: **{chosen['kind'].replace('_', ' ')}**, chosen on the latest "
                  f"20% of the training window (AUC there: {aucs})."]
    wape = h.get("cash_forecast_wape") or {}
    if wape:
        lines += ["", f"Cash forecast backtest (13 weeks from {h['test_from']}): WAPE model "
                  f"{wape['model']:.3f}, paid-on-due-date {wape['due_date']:.3f}."]
    lines += ["", "## Calibration (holdout)", "", "| P(late) | mean predicted | observed | "
              "invoices |", "|---|---|---|---|"]
    lines += [f"| {c['bin']} | {c['mean_p']:.2f} | {c['observed']:.2f} | {c['invoices']} |"
              for c in card["calibration"]]
    lines += ["", "## Top features", "", "| feature | mean effect on P(late) | missing |",
              "|---|---|---|"]
    lines += [f"| {f['feature']} | {f['mean_abs_effect']:.3f} | {f['missing_share']:.0%} |"
              for f in card["top_features"]]
    return "\n".join(lines)


def read_cash_forecast(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute(
        "select functional_currency, week_number, min(week_start), "
        "sum(expected_collections_functional), sum(due_date_collections_functional) "
        "from main.fct_cash_forecast group by all order by 1, 2").fetchall()
    keys = ["currency", "week", "week_start", "expected", "due_date"]
    return [dict(zip(keys, r, strict=True)) for r in rows]


def cash_forecast_svg(rows: list[dict], as_of: date) -> str:
    """One panel per functional currency: bars = expected collections, dots = due dates."""
    currencies = sorted({r["currency"] for r in rows})
    width, panel_h, left, top = 760, 190, 90, 40
    height = top + panel_h * max(len(currencies), 1) + 20
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="Helvetica, Arial, sans-serif" font-size="11">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="12" y="20" font-size="15" font-weight="bold">Expected collections by '
             f'week after {as_of}</text>',
             f'<rect x="{width - 300}" y="10" width="12" height="12" fill="#3f7fbf"/>'
             f'<text x="{width - 284}" y="20">predicted pay date</text>'
             f'<circle cx="{width - 150}" cy="16" r="4" fill="#d1495b"/>'
             f'<text x="{width - 140}" y="20">if paid on due date</text>']
    for p, cur in enumerate(currencies):
        series = [r for r in rows if r["currency"] == cur]
        y0 = top + p * panel_h + panel_h - 40
        peak = max([float(r["expected"]) for r in series]
                   + [float(r["due_date"]) for r in series] + [1.0])
        step = (width - left - 20) / 13
        parts.append(f'<text x="12" y="{y0 - panel_h + 60}" font-weight="bold">{escape(cur)}'
                     f'</text><text x="12" y="{y0 - panel_h + 76}">peak {money(peak)}</text>')
        for r in series:
            x = left + (r["week"] - 1) * step
            h = float(r["expected"]) / peak * (panel_h - 70)
            d = float(r["due_date"]) / peak * (panel_h - 70)
            parts.append(f'<rect x="{x + 4:.1f}" y="{y0 - h:.1f}" width="{step - 8:.1f}" '
                         f'height="{h:.1f}" fill="#3f7fbf"><title>week {r["week"]} (from '
                         f'{r["week_start"]}): {money(r["expected"])} {escape(cur)}</title></rect>'
                         f'<circle cx="{x + step / 2:.1f}" cy="{y0 - d:.1f}" r="3.5" '
                         f'fill="#d1495b"><title>due: {money(r["due_date"])}</title></circle>'
                         f'<text x="{x + step / 2:.1f}" y="{y0 + 14}" text-anchor="middle">'
                         f'W{r["week"]}</text>')
        parts.append(f'<line x1="{left}" y1="{y0}" x2="{width - 20}" y2="{y0}" stroke="#999"/>')
    parts.append("</svg>")
    return "".join(parts)


def cash_forecast_data_uri(rows: list[dict], as_of: date) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(
        cash_forecast_svg(rows, as_of).encode()).decode()


def read_worklist(con: duckdb.DuckDBPyConnection, limit_per_collector: int = 25) -> list[dict]:
    cursor = con.execute(
        "select collector_email, priority, customer_id, customer_name, next_action, risk_tier, "
        "tier_changed, currency, open_amount, expected_late_amount, max_days_past_due, "
        "broken_promises from main.fct_collector_worklist where priority <= ? "
        "order by collector_email, priority", [limit_per_collector])
    keys = [d[0] for d in cursor.description]
    return [{k: (str(v) if v is not None and k.endswith("amount") else v)
             for k, v in zip(keys, r, strict=True)} for r in cursor.fetchall()]
