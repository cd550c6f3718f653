"""What runs report to people: the aging summary and quarantine reasons, as Markdown and SVG."""

from __future__ import annotations

import base64
from collections import Counter
from datetime import date
from decimal import Decimal
from html import escape

import duckdb

from o2c.domain.money import round_money

BUCKETS = ("current", "1_30", "31_60", "61_90", "90_plus")
BUCKET_LABELS = {"current": "Current", "1_30": "1–30", "31_60": "31–60", "61_90": "61–90",
                 "90_plus": "90+"}
BUCKET_COLOURS = {"current": "#4c9a6a", "1_30": "#9cc96b", "31_60": "#f2c14e",
                  "61_90": "#f08a4b", "90_plus": "#d1495b"}


def _relation(con: duckdb.DuckDBPyConnection, name: str) -> str:
    row = con.execute(
        "select table_schema from information_schema.tables where table_name = ? "
        "order by table_schema = 'main' desc limit 1", [name]).fetchone()
    if row is None:
        raise LookupError(f"{name} is not built yet: run the pipeline (`o2c run`)")
    return f'"{row[0]}"."{name}"'


def read_aging(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Open AR per entity and currency, by aging bucket (document currency)."""
    sums = ", ".join(
        f"sum(case when aging_bucket = '{b}' then open_amount else 0 end) as \"{b}\""
        for b in BUCKETS)
    rows = con.execute(
        f"select entity_id, currency, {sums}, sum(open_amount) as total, "
        f"count(*) filter (where open_amount > 0) as open_invoices "
        f"from {_relation(con, 'fct_invoices')} where open_amount > 0 "
        f"group by all order by entity_id, currency").fetchall()
    columns = ["entity_id", "currency", *BUCKETS, "total", "open_invoices"]
    return [dict(zip(columns, r, strict=True)) for r in rows]


def money(amount: Decimal | int, currency: str = "EUR") -> str:
    """Thousands separators and the currency's own decimals (JPY 0, EUR 2, KWD 3)."""
    return f"{round_money(Decimal(amount), currency):,}"


def aging_markdown(rows: list[dict], as_of: date) -> str:
    header = ["Entity", "Currency", *(BUCKET_LABELS[b] for b in BUCKETS), "Total", "Open invoices"]
    lines = [f"# AR aging as of {as_of}", "",
             "Open amounts in document currency, by days past due.", "",
             "| " + " | ".join(header) + " |", "|---|---|" + "---:|" * (len(header) - 2)]
    for r in rows:
        cur = r["currency"]
        cells = [r["entity_id"], cur, *(money(r[b], cur) for b in BUCKETS),
                 money(r["total"], cur), str(r["open_invoices"])]
        lines.append("| " + " | ".join(cells) + " |")
    if not rows:
        lines.append("| (no open invoices) |" + " |" * (len(header) - 1))
    return "\n".join(lines)


def aging_text(rows: list[dict]) -> str:
    """A plain-text table for the terminal."""
    header = f"{'entity':<10} {'cur':<4}" + "".join(f"{BUCKET_LABELS[b]:>16}" for b in BUCKETS)
    lines = [header + f"{'total':>18}"]
    for r in rows:
        lines.append(f"{r['entity_id']:<10} {r['currency']:<4}"
                     + "".join(f"{money(r[b], r['currency']):>16}" for b in BUCKETS)
                     + f"{money(r['total'], r['currency']):>18}")
    return "\n".join(lines)


def aging_svg(rows: list[dict], as_of: date) -> str:
    """One stacked bar per entity and currency: each bucket's share of that row's open AR."""
    width, bar_x, bar_w, row_h, top = 760, 150, 440, 34, 56
    height = top + row_h * max(len(rows), 1) + 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             'font-family="Helvetica, Arial, sans-serif" font-size="12">',
             '<rect width="100%" height="100%" fill="white"/>',
             f'<text x="12" y="22" font-size="15" font-weight="bold">AR aging as of {as_of}'
             '</text>']
    for i, b in enumerate(BUCKETS):  # legend
        x = bar_x + i * 88
        parts.append(f'<rect x="{x}" y="32" width="12" height="12" fill="{BUCKET_COLOURS[b]}"/>'
                     f'<text x="{x + 16}" y="42">{BUCKET_LABELS[b]}</text>')
    for n, r in enumerate(rows):
        y = top + n * row_h
        parts.append(f'<text x="12" y="{y + 17}">{escape(r["entity_id"])} · {r["currency"]}'
                     '</text>')
        total = Decimal(r["total"]) or Decimal(1)
        x = Decimal(bar_x)
        for b in BUCKETS:
            w = Decimal(r[b]) / total * bar_w
            if w > 0:
                parts.append(f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="20" '
                             f'fill="{BUCKET_COLOURS[b]}"><title>{BUCKET_LABELS[b]}: '
                             f'{money(r[b], r["currency"])} {r["currency"]}</title></rect>')
            x += w
        total_text = f'{money(r["total"], r["currency"])} {r["currency"]}'
        parts.append(f'<text x="{bar_x + bar_w + 10}" y="{y + 17}">{total_text}</text>')
    parts.append("</svg>")
    return "".join(parts)


def aging_svg_data_uri(rows: list[dict], as_of: date) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(
        aging_svg(rows, as_of).encode()).decode()


def quarantine_markdown(outcomes: list[dict]) -> str:
    rejected = [o for o in outcomes if o["status"] == "rejected"]
    reasons: Counter[str] = Counter()
    for o in outcomes:
        for reason, count in o["top_reasons"]:
            reasons[f"{o['dataset']} · {reason}"] += count
    total = sum(o["rows_quarantined"] for o in outcomes)
    lines = [f"# Quarantine: {total} row(s), {len(rejected)} file(s) rejected", ""]
    if reasons:
        lines += ["| Dataset · reason | Rows |", "|---|---|"]
        lines += [f"| {escape(r)} | {n} |" for r, n in reasons.most_common(10)]
    for o in rejected:
        lines += ["", f"- **{escape(o['key'])}**: {escape(o['error'] or '')}"]
    if not reasons and not rejected:
        lines.append("Nothing quarantined.")
    lines += ["", "Rows and reasons: `select * from raw.quarantine` (file: `raw.file_ledger`)."]
    return "\n".join(lines)
