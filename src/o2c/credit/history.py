"""Invoice histories the credit model learns from: a plain invoice list (CSV) read into the
narrow history shape the dbt features read (int_credit_history_selected), and the pipeline's
history exported back to that CSV shape.

CSV columns: customer_id, invoice_id, issue_date, due_date, amount, settled_date (empty while
open); optional disputed, paperless; other columns are ignored. Common spellings are accepted
(customerID, invoiceNumber, InvoiceDate, DueDate, InvoiceAmount, SettledDate, PaperlessBill),
dates as YYYY-MM-DD, M/D/YYYY (D/M/YYYY when that reads more of them) or D.M.YYYY, and flags as
yes/no, true/false, 1/0 - paperless also as electronic/paper.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

CSV_COLUMNS = ("customer_id", "invoice_id", "issue_date", "due_date", "amount", "settled_date")
OPTIONAL_COLUMNS = ("disputed", "paperless")
HISTORY_COLUMNS = ("customer_id", "invoice_id", "issue_date", "due_date", "amount",
                   "settled_date", "is_disputed", "disputed_date", "is_paperless",
                   "has_payment_detail", "first_payment_date", "partial_payment_date")
ALIASES = {
    "customer_id": ("customerid", "customer", "custid", "customerno", "customernumber"),
    "invoice_id": ("invoiceid", "invoicenumber", "invoiceno", "invoice"),
    "issue_date": ("issuedate", "invoicedate", "documentdate"),
    "due_date": ("duedate",),
    "amount": ("amount", "invoiceamount", "total"),
    "settled_date": ("settleddate", "settledate", "paiddate", "paymentdate", "cleareddate"),
    "disputed": ("disputed", "isdisputed", "dispute"),
    "paperless": ("paperless", "ispaperless", "paperlessbill", "einvoice", "billingchannel"),
}
TRUE = {"true", "t", "yes", "y", "1", "electronic", "paperless", "e-invoice", "einvoice",
        "email", "edi", "digital"}
FALSE = {"false", "f", "no", "n", "0", "paper", "print", "post", "mail", "letter"}


class HistoryError(ValueError):
    """A history file that cannot be read; the message names file, row and field."""


def _key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _columns(header: list[str], path: Path) -> dict[str, str]:
    by_key = {_key(h): h for h in header}
    found = {}
    for name in CSV_COLUMNS + OPTIONAL_COLUMNS:
        for candidate in (_key(name), *ALIASES.get(name, ())):
            if candidate in by_key:
                found[name] = by_key[candidate]
                break
    missing = [c for c in CSV_COLUMNS if c not in found]
    if missing:
        raise HistoryError(f"{path}: missing column(s) {', '.join(missing)}; the header has "
                           f"{', '.join(header)}. Needed: {', '.join(CSV_COLUMNS)}.")
    return found


def _dates(values: pd.Series, field: str, path: Path, required: bool) -> pd.Series:
    text = values.fillna("").astype(str).str.strip()
    filled = text[text != ""]
    # M/D/Y first (a tie keeps it), D/M/Y wins only where it reads more values
    formats = ["%m/%d/%Y", "%d/%m/%Y", "%m/%d/%y", "%d/%m/%y", "%Y-%m-%d", "%Y/%m/%d",
               "%d.%m.%Y"]
    best = None
    for fmt in formats:
        parsed = pd.to_datetime(filled, format=fmt, errors="coerce")
        if best is None or parsed.notna().sum() > best.notna().sum():
            best = parsed
    bad = filled.index[best.isna()] if best is not None else filled.index
    if len(bad):
        row = int(bad[0]) + 1
        raise HistoryError(f"{path}: row {row}, {field}: cannot read date {filled[bad[0]]!r}; "
                           "write dates as YYYY-MM-DD")
    if required and (text == "").any():
        row = int(text.index[text == ""][0]) + 1
        raise HistoryError(f"{path}: row {row}, {field}: empty; every invoice needs one")
    out = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
    if best is not None:
        out[filled.index] = best
    return out.dt.date


def _flags(values: pd.Series, field: str, path: Path) -> pd.Series:
    text = values.fillna("").astype(str).str.strip().str.lower()
    out = pd.Series(pd.NA, index=values.index, dtype="boolean")
    out[text.isin(TRUE)] = True
    out[text.isin(FALSE)] = False
    unknown = text[(text != "") & ~text.isin(TRUE | FALSE)]
    if len(unknown):
        raise HistoryError(f"{path}: row {int(unknown.index[0]) + 1}, {field}: "
                           f"{unknown.iloc[0]!r} is not a yes/no value")
    return out


def read_invoice_csv(path: Path) -> pd.DataFrame:
    """A plain invoice list -> the narrow history frame (HISTORY_COLUMNS)."""
    path = Path(path)
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    if raw.empty:
        raise HistoryError(f"{path}: no invoices")
    cols = _columns(list(raw.columns), path)
    out = pd.DataFrame({
        "customer_id": raw[cols["customer_id"]].str.strip(),
        "invoice_id": raw[cols["invoice_id"]].str.strip(),
    })
    for field in ("issue_date", "due_date", "settled_date"):
        out[field] = _dates(raw[cols[field]], field, path, required=field != "settled_date")
    amount = pd.to_numeric(raw[cols["amount"]].str.replace(",", "", regex=False).str.strip(),
                           errors="coerce")
    if amount.isna().any():
        row = int(amount.index[amount.isna()][0]) + 1
        raise HistoryError(f"{path}: row {row}, amount: "
                           f"{raw[cols['amount']].iloc[row - 1]!r} is not a number")
    out["amount"] = amount
    for flag, column in (("disputed", "is_disputed"), ("paperless", "is_paperless")):
        out[column] = (_flags(raw[cols[flag]], flag, path) if flag in cols
                       else pd.Series(pd.NA, index=raw.index, dtype="boolean"))
    out["is_disputed"] = out["is_disputed"].fillna(False)
    dupes = out["invoice_id"].duplicated()
    if dupes.any():
        row = int(dupes.idxmax()) + 1
        raise HistoryError(f"{path}: row {row}, invoice_id: {out['invoice_id'][row - 1]!r} "
                           "appears twice; each invoice once")
    out["disputed_date"] = None
    out["has_payment_detail"] = False
    out["first_payment_date"] = None
    out["partial_payment_date"] = None
    return out[list(HISTORY_COLUMNS)]


def to_csv_frame(history: pd.DataFrame) -> pd.DataFrame:
    """The pipeline's history (int_credit_invoice_history) in the plain CSV shape."""
    return pd.DataFrame({
        "customer_id": history["customer_id"],
        "invoice_id": history["invoice_id"],
        "issue_date": history["issue_date"],
        "due_date": history["due_date"],
        "amount": history["amount"],
        "settled_date": history["settled_date"],
        "disputed": history["is_disputed"].map({True: "yes", False: "no"}),
        "paperless": history["is_paperless"].map({True: "yes", False: "no"}),
    })
