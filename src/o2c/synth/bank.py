"""The company's bank statements: every line its banks report, and the files they send.

`bank_lines` builds one row per bank line (the ground truth `truth/bank_lines.csv`): each
customer payment as the bank books it — messy remittance, payer names that are not the ERP's,
intermediary fees already deducted, and some receipts converted into the entity's functional
currency at the value date's rate — plus what else moves on a house account: monthly bank fees,
interest, payroll, supplier payments, and returns of a few customer payments (SEPA AC04 /
MD06 / AM04, NSF) days after they arrived.

`write_bank_files` writes them as each account's bank sends them (`statement_format`):

    OUT/bank/<acct>/<acct>_<monday>.<bai2|camt053.xml|sta>      booked, a statement a weekday
    OUT/bank/<acct>/intraday/<acct>_<day>.mt942.sta              MT940 accounts, last 3 days
    OUT/bank/<acct>/intraday/<acct>_<day>.current.bai2           BAI2 accounts, as_of
    OUT/bank/<acct>/notifications/<acct>_<day>.camt054.xml       camt.053 accounts, last 5 days

`<acct>` is the account's label `<entity>-<currency>-<bank>` (`DE01-EUR-DEUT`; the account
number is inside the files), so the layout is the same for every seed. Booked statements run
to the day before `as_of` (today's statement is not out yet), one per weekday, with opening and
closing balances that chain from day to day; the intraday reports and notifications repeat the
last days' lines (the same payment, seen again) and cover `as_of` itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from o2c.formats.records import BankTransaction, Statement, StatementSummary
from o2c.formats.writers import (
    make_statement,
    write_bai2,
    write_camt053,
    write_camt054,
    write_mt940,
)
from o2c.synth.customers import Customers
from o2c.synth.entities import HouseAccounts
from o2c.synth.fx import usd_values
from o2c.synth.payments import Payments
from o2c.synth.reference import CURRENCIES, ENTITIES, MINOR_UNITS
from o2c.synth.remittance import BankView
from o2c.synth.tables import plain_table
from o2c.synth.vectors import Calendars, days, money_strings, numbered, rng_for, with_nulls

if TYPE_CHECKING:
    from o2c.synth.company import Company

FX_SHARE = 0.3  # of payments by customers billed in a foreign currency, converted on arrival
RETURN_SHARE = 0.004  # of customer payments returned a few business days later
INTRADAY_DAYS = 3  # MT942 reports cover the last days up to as_of
NOTIFIED_DAYS = 5  # camt.054 notifications cover the last days up to as_of
SEPA_RETURNS = ("AC04", "MD06", "AM04", "MS03")
SUPPLIERS = ("Iron Mountain Logistics", "Stadtwerke Energie", "Northwind Components",
             "Office Depot Supplies", "Cloudline Hosting", "Meridian Insurance",
             "Atlas Freight Services", "Brightpath Consulting")  # fmt: skip
CATEGORY_CODES = {  # bank transaction code per statement format
    "ar_payment": {"bai2": "195", "camt053": "PMNT/RCDT/ESCT", "mt940": "166"},
    "return": {"bai2": "555", "camt053": "PMNT/RCDT/RRTN", "mt940": "109"},
    "bank_fee": {"bai2": "698", "camt053": "ACMT/MDOP/CHRG", "mt940": "808"},
    "interest": {"bai2": "354", "camt053": "ACMT/MCOP/INTR", "mt940": "805"},
    "payroll": {"bai2": "495", "camt053": "PMNT/ICDT/SALA", "mt940": "116"},
    "supplier_payment": {"bai2": "495", "camt053": "PMNT/ICDT/ESCT", "mt940": "116"},
}
EXTENSIONS = {"bai2": "bai2", "camt053": "camt053.xml", "mt940": "sta"}
DATE = pa.date32()


@dataclass
class _Lines:
    """Columns of bank lines under construction (numpy, or Arrow for text)."""

    account: np.ndarray
    day: np.ndarray  # datetime64[D], booking = value date
    credit: np.ndarray
    minor: np.ndarray  # int64, in the account's currency
    category: list[str] | np.ndarray
    columns: dict[str, pa.Array]  # text columns, nullable


def _fx_accounts(house: HouseAccounts) -> dict[tuple[int, str], int]:
    """(entity, currency) -> the entity's first account in that currency."""
    out: dict[tuple[int, str], int] = {}
    for a, (e, c) in enumerate(zip(house.entity, house.currency, strict=True)):
        out.setdefault((int(e), c), a)
    return out


def _payment_lines(pay: Payments, cust: Customers, house: HouseAccounts, view: BankView,
                   payment_id: pa.Array, fx_first: date, as_of: date, seed: int,
                   rng: np.random.Generator) -> tuple[_Lines, dict[str, pa.Array]]:  # fmt: skip
    p = len(pay)
    ccy = cust.currency[pay.customer]
    functional = np.array([ENTITIES[e].functional_currency for e in pay.entity]) if p else (
        np.array([], str))  # fmt: skip
    account = cust.house_account[pay.customer].copy()
    by_ccy = _fx_accounts(house)
    home = np.array([by_ccy.get((int(e), f), -1) for e, f in zip(pay.entity, functional,
                                                                   strict=True)], np.int64)
    fx = (ccy != functional) & (home >= 0) & (rng.random(p) < FX_SHARE)
    minor = pay.amount.copy()
    rate = np.ones(p)
    if fx.any():
        dates, values = usd_values(fx_first, as_of, seed)
        index = (pay.value_date[fx] - dates[0]).astype(np.int64)
        col = {c: i for i, c in enumerate(CURRENCIES)}
        src = np.array([col[c] for c in ccy[fx]])
        dst = np.array([col[c] for c in functional[fx]])
        rate[fx] = np.round(values[index, src] / values[index, dst], 10)
        scale = np.array([10.0 ** (MINOR_UNITS[d] - MINOR_UNITS[s])
                          for s, d in zip(ccy[fx], functional[fx], strict=True)])  # fmt: skip
        minor[fx] = np.round(pay.amount[fx] * rate[fx] * scale).astype(np.int64)
        account[fx] = home[fx]
    cols = {
        "bank_ref": view.bank_ref, "end_to_end_id": view.end_to_end_id,
        "counterparty_name": view.payer_name, "counterparty_account": view.payer_account,
        "remittance": view.remittance, "payment_id": payment_id,
        "return_reason": pa.nulls(p, pa.string()),
    }  # fmt: skip
    dec = cust.decimals[pay.customer]
    fx_cols = {
        "payment_currency": pa.array(ccy.tolist(), pa.string()),
        "payment_amount": money_strings(pay.amount, dec),
        "fx_rate": with_nulls(pa.array([f"{r:.10f}" for r in rate], pa.string()), ~fx),
    }
    lines = _Lines(account, pay.value_date.astype("datetime64[D]"), np.ones(p, bool), minor,
                   np.full(p, "ar_payment"), cols)
    return lines, fx_cols


def _returns(ar: _Lines, house: HouseAccounts, calendars: Calendars, as_of: date,
             rng: np.random.Generator) -> _Lines:  # fmt: skip
    p = len(ar.minor)
    back = calendars.offset(ar.day, rng.integers(2, 6, p), house.entity[ar.account])
    chosen = np.flatnonzero((rng.random(p) < RETURN_SHARE) & (back <= days(as_of)))
    n = len(chosen)
    take = pa.array(chosen)
    e2e = pc.take(ar.columns["end_to_end_id"], take)
    ref = pc.take(ar.columns["bank_ref"], take)
    sepa = np.asarray(e2e.is_valid())
    reason = np.where(sepa, np.array(SEPA_RETURNS)[rng.integers(0, len(SEPA_RETURNS), n)], "NSF")
    text = pc.binary_join_element_wise(
        pa.array(np.where(sepa, "RUECKUEBERWEISUNG ", "RETURNED ITEM ").tolist(), pa.string()),
        pc.coalesce(pc.take(ar.columns["remittance"], take), ""), "")
    cols = {
        "bank_ref": numbered("7", np.arange(n), 11),
        "end_to_end_id": pc.coalesce(e2e, ref),  # the original's id, else its bank reference
        "counterparty_name": pc.take(ar.columns["counterparty_name"], take),
        "counterparty_account": pc.take(ar.columns["counterparty_account"], take),
        "remittance": pc.utf8_slice_codeunits(text, 0, 140),
        "payment_id": pc.take(ar.columns["payment_id"], take),
        "return_reason": pa.array(reason.tolist(), pa.string()),
    }
    return _Lines(ar.account[chosen], back[chosen], np.zeros(n, bool), ar.minor[chosen],
                  np.full(n, "return"), cols)


def _noise(ar: _Lines, house: HouseAccounts, calendars: Calendars, start: date, as_of: date,
           rng: np.random.Generator) -> _Lines:  # fmt: skip
    """Fees, interest, payroll and supplier payments on every house account."""
    first, last = days(start), days(as_of)
    months = np.arange(first.astype("datetime64[M]"), last.astype("datetime64[M]") + 1)
    month_days = months.astype("datetime64[D]")
    weeks = np.arange(first, last + 1, 7)
    rows: list[tuple[int, np.datetime64, bool, int, str, str]] = []
    span = max(int((last - first).astype(np.int64)) + 1, 1)
    for a in range(len(house.numbers)):
        unit = 10 ** MINOR_UNITS[house.currency[a]]
        inflow = int(ar.minor[(ar.account == a)].sum()) / span  # per day, minor units
        daily = max(inflow, 2000 * unit)
        entity = np.full(len(months), house.entity[a])
        fee_days = calendars.roll(month_days, entity)
        interest_days = calendars.roll(month_days + 27, entity)
        for d in fee_days:
            rows.append((a, d, False, int(rng.integers(15, 120)) * unit, "bank_fee",
                         "ACCOUNT MAINTENANCE AND TRANSACTION FEES"))
        for d in interest_days:
            rows.append((a, d, True, int(daily * rng.uniform(0.001, 0.004)) + unit, "interest",
                         "CREDIT INTEREST"))
        if a == min(i for i, e in enumerate(house.entity) if e == house.entity[a]):
            for d, m in zip(calendars.roll(month_days + 24, entity), months, strict=True):
                rows.append((a, d, False, int(daily * 30 * rng.uniform(0.18, 0.22)), "payroll",
                             f"SALARIES {m}"))
        week_entity = np.full(len(weeks), house.entity[a])
        for d in calendars.roll(weeks + rng.integers(0, 5, len(weeks)), week_entity):
            for _ in range(int(rng.poisson(1.5))):
                name = SUPPLIERS[int(rng.integers(len(SUPPLIERS)))]
                rows.append((a, d, False, int(daily * rng.lognormal(0, 0.6) * 0.6) + unit,
                             "supplier_payment", f"{name}|INVOICE {int(rng.integers(1e5, 1e6))}"))
    rows = [r for r in rows if first <= r[1] <= last and r[3] > 0]
    n = len(rows)
    names = [r[5].split("|")[0] if "|" in r[5] else None for r in rows]
    text = [r[5].split("|")[-1] for r in rows]
    cols = {
        "bank_ref": numbered("5", np.arange(n), 11),
        "end_to_end_id": pa.nulls(n, pa.string()),
        "counterparty_name": pa.array(names, pa.string()),
        "counterparty_account": pa.nulls(n, pa.string()),
        "remittance": pa.array(text, pa.string()),
        "payment_id": pa.nulls(n, pa.string()),
        "return_reason": pa.nulls(n, pa.string()),
    }
    return _Lines(np.array([r[0] for r in rows], np.int64),
                  np.array([r[1] for r in rows], "datetime64[D]"),
                  np.array([r[2] for r in rows], bool), np.array([r[3] for r in rows], np.int64),
                  np.array([r[4] for r in rows]), cols)  # fmt: skip


def bank_lines(pay: Payments, cust: Customers, house: HouseAccounts, view: BankView,
               payment_id: pa.Array, calendars: Calendars, seed: int, start: date,
               fx_first: date, as_of: date) -> pa.Table:  # fmt: skip
    """Every line the company's banks report, with what it is (see the module docstring)."""
    rng = rng_for(seed, "bank")
    ar, fx_cols = _payment_lines(pay, cust, house, view, payment_id, fx_first, as_of, seed, rng)
    parts = [ar, _returns(ar, house, calendars, as_of, rng),
             _noise(ar, house, calendars, start, as_of, rng)]
    account = np.concatenate([x.account for x in parts])
    day = np.concatenate([x.day for x in parts])
    credit = np.concatenate([x.credit for x in parts])
    minor = np.concatenate([x.minor for x in parts])
    category = np.concatenate([np.asarray(x.category) for x in parts])
    kind = np.concatenate([np.full(len(x.minor), i) for i, x in enumerate(parts)])
    seq = np.concatenate([np.arange(len(x.minor)) for x in parts])
    order = np.lexsort((seq, kind, day, account))
    take = pa.array(order)
    n_other = len(account) - len(ar.minor)
    fx_full = {k: pa.concat_arrays([v, pa.nulls(n_other, pa.string())]).take(take)
               for k, v in fx_cols.items()}  # fmt: skip
    fmt = np.array([house.table["statement_format"][int(a)].as_py() for a in
                    range(len(house.numbers))])[account] if len(account) else np.array([], str)
    ccy = np.array(house.currency)[account] if len(account) else np.array([], str)
    dec = np.array([MINOR_UNITS[c] for c in ccy], np.int64)
    d = day[order]
    last = days(as_of)
    fmt_o = fmt[order]
    table = {
        "line_id": numbered("BL-", np.arange(1, len(order) + 1), 8),
        "account_number": pa.array(np.array(house.numbers)[account[order]].tolist()
                                   if len(order) else [], pa.string()),
        "statement_format": pa.array(fmt_o.tolist(), pa.string()),
        "currency": pa.array(ccy[order].tolist(), pa.string()),
        "booking_date": d,
        "value_date": d,
        "direction": pa.array(np.where(credit[order], "credit", "debit").tolist(), pa.string()),
        "amount": money_strings(minor[order], dec[order]),
        "category": pa.array(category[order].tolist(), pa.string()),
        **{k: pa.concat_arrays([x.columns[k] for x in parts]).take(take) for k in
           ("payment_id", "bank_ref", "end_to_end_id", "counterparty_name",
            "counterparty_account", "remittance", "return_reason")},
        **fx_full,
        "booked": d < last,
        "intraday": ((fmt_o == "mt940") & (d > last - INTRADAY_DAYS)) | (
            (fmt_o == "bai2") & (d == last)),
        "notified": (fmt_o == "camt053") & (d > last - NOTIFIED_DAYS),
    }  # fmt: skip
    return plain_table(table, {"booking_date": DATE, "value_date": DATE, "booked": pa.bool_(),
                               "intraday": pa.bool_(), "notified": pa.bool_()})


# --- writing -----------------------------------------------------------------------------


@dataclass(frozen=True)
class BankFile:
    key: str  # path under OUT, '/'-separated
    kind: str  # booked | intraday | notification
    account: str
    currency: str
    statement_format: str
    days: tuple[date, ...]  # one statement per day, in order (empty days included)
    rows: np.ndarray  # indices into bank_lines, in day order


def account_label(entity_id: str, currency: str, bic: str) -> str:
    """The folder of an account's files: `DE01-EUR-DEUT` (entity, currency, bank)."""
    return f"{entity_id}-{currency}-{bic[:4]}"


def _opening(account: str, currency: str, seed: int) -> Decimal:
    rng = rng_for(seed, f"bank-opening-{account}")
    units = int(rng.integers(200_000, 2_000_000))
    if currency == "JPY":
        units *= 150
    return Decimal(units)


def _weekdays(first: np.datetime64, last: np.datetime64) -> np.ndarray:
    every = np.arange(first, last + 1, dtype="datetime64[D]")
    return every[((every.astype(np.int64) + 3) % 7) < 5]


def plan_files(company: Company) -> list[BankFile]:
    """Which lines go into which file (the layout in the module docstring): a statement for
    every weekday of the window, so the files do not depend on what happened when."""
    lines = company.truth["bank_lines"]
    house = company.erp["house_bank_accounts"].to_pylist()
    account = np.asarray(lines["account_number"].to_numpy(zero_copy_only=False))
    day = lines["booking_date"].to_numpy().astype("datetime64[D]")
    masks = {k: np.asarray(lines[k].to_numpy(zero_copy_only=False), bool)
             for k in ("booked", "intraday", "notified")}  # fmt: skip
    last = days(company.as_of)
    booked_days = _weekdays(days(company.start), last - 1)
    monday = booked_days - ((booked_days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
    out: list[BankFile] = []
    for acct in house:
        number, fmt, ccy = acct["account_number"], acct["statement_format"], acct["currency"]
        label = account_label(acct["entity_id"], ccy, acct["bic"])
        mine = np.flatnonzero(account == number)  # lines are sorted by account, then day
        mine_day = day[mine]

        def rows_on(on: np.ndarray, mask: np.ndarray, mine=mine, mine_day=mine_day) -> np.ndarray:
            lo = np.searchsorted(mine_day, on[0], side="left")
            hi = np.searchsorted(mine_day, on[-1], side="right")
            rows = mine[lo:hi]
            return rows[mask[rows]]

        plans = [(f"bank/{label}/{label}_{week}.{EXTENSIONS[fmt]}", "booked",
                  booked_days[monday == week], masks["booked"]) for week in np.unique(monday)]
        if fmt in ("mt940", "bai2"):
            window = _weekdays(last - (INTRADAY_DAYS - 1 if fmt == "mt940" else 0), last)
            name = "mt942.sta" if fmt == "mt940" else "current.bai2"
            plans += [(f"bank/{label}/intraday/{label}_{d}.{name}", "intraday", np.array([d]),
                       masks["intraday"]) for d in window]  # fmt: skip
        else:
            window = _weekdays(last - (NOTIFIED_DAYS - 1), last)
            plans += [(f"bank/{label}/notifications/{label}_{d}.camt054.xml", "notification",
                       np.array([d]), masks["notified"]) for d in window]  # fmt: skip
        out += [BankFile(key, kind, number, ccy, fmt, tuple(on.tolist()), rows_on(on, mask))
                for key, kind, on, mask in plans]  # fmt: skip
    return out


def _transactions(lines: pa.Table, rows: np.ndarray) -> list[BankTransaction]:
    part = lines.take(pa.array(rows, pa.int64())).to_pydict()
    out = []
    for i in range(len(rows)):
        fmt = part["statement_format"][i]
        category = part["category"][i]
        remittance = part["remittance"][i]
        name = part["counterparty_name"][i]
        if fmt == "bai2" and name:  # BAI2 has no party fields: banks put the payer in the text
            remittance = f"ORIG CO NAME:{name} {remittance or ''}".strip()
        if category == "return":  # the reason as each format carries it in text
            reason = part["return_reason"][i]
            remittance = f"{remittance} {'RTRN+' if fmt == 'mt940' else 'REASON:'}{reason}"
        out.append(BankTransaction(
            account=part["account_number"][i], currency=part["currency"][i],
            amount=Decimal(part["amount"][i]), direction=part["direction"][i],
            value_date=part["value_date"][i], booking_date=part["booking_date"][i],
            bank_ref=part["bank_ref"][i], end_to_end_id=part["end_to_end_id"][i],
            counterparty_name=name, counterparty_account=part["counterparty_account"][i],
            remittance=remittance, bank_code=CATEGORY_CODES[category][fmt],
            reversal=category == "return", return_reason=part["return_reason"][i],
        ))  # fmt: skip
    return out


def _intraday(acct: str, ccy: str, day: date, txns: list[BankTransaction], sid: str
              ) -> Statement:  # fmt: skip
    s = make_statement(acct, ccy, sid, day, Decimal(0), txns).summary
    return Statement(StatementSummary("", sid, acct, ccy, day, None, None, s.n_credits,
                                      s.sum_credits, s.n_debits, s.sum_debits, s.n_records, 0),
                     tuple(txns))  # fmt: skip


def _statements(plan: BankFile, txns: list[BankTransaction], balances: dict[str, Decimal],
                seed: int) -> list[Statement]:  # fmt: skip
    acct, ccy, tail = plan.account, plan.currency, plan.account[-6:]
    out: list[Statement] = []
    i = 0
    for day in plan.days:
        group = []
        while i < len(txns) and txns[i].booking_date == day:
            group.append(txns[i])
            i += 1
        sid = f"{tail}{day:%y%m%d}"
        if plan.kind == "booked":
            opening = balances.get(acct, _opening(acct, ccy, seed))
            stmt = make_statement(acct, ccy, sid, day, opening, group)
            balances[acct] = stmt.summary.closing  # type: ignore[assignment]
            out.append(stmt)
        else:
            out.append(_intraday(acct, ccy, day, group, sid))
    assert i == len(txns), f"{plan.key}: lines dated outside the file's days"
    return out


def write_bank_files(company: Company, out_dir: Path) -> dict[str, int]:
    """Write every bank file; returns the transactions written per file key."""
    out_dir = Path(out_dir)
    lines = company.truth["bank_lines"]
    balances: dict[str, Decimal] = {}
    written: dict[str, int] = {}
    for plan in plan_files(company):
        txns = _transactions(lines, plan.rows)
        statements = _statements(plan, txns, balances, company.seed)
        tail = plan.account[-6:]
        path = out_dir / plan.key
        path.parent.mkdir(parents=True, exist_ok=True)
        created = datetime.combine(plan.days[-1], datetime.min.time())
        created += timedelta(hours=18 if plan.kind == "booked" else 11)
        with path.open("wb") as handle:
            if plan.kind == "notification":
                write_camt054(statements, handle, batch_size=10, msg_id=f"N{tail}{created:%y%m%d}",
                              created=created)
            elif plan.statement_format == "camt053":
                write_camt053(statements, handle, msg_id=f"S{tail}{created:%y%m%d}",
                              created=created)
            elif plan.statement_format == "bai2":
                write_bai2(statements, handle, file_id=f"{created:%y%m%d}", created=created)
            else:
                write_mt940(statements, handle, kind="mt942" if plan.kind == "intraday"
                            else "mt940")  # fmt: skip
        written[plan.key] = len(txns)
    return written
