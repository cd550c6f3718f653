"""Writers: statements (`o2c.formats.Statement`) to BAI2, camt.053/054, MT940/942 and CSV bytes.

Each writer streams: it takes an iterable of statements and writes to a binary stream, so a
generator can emit a file of millions of transactions without holding it. `make_statement`
builds a `Statement` (summary computed) from an opening balance and transactions.
What each format cannot carry is dropped on writing (see each writer's docstring).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from o2c.formats.records import BankTransaction, Statement, StatementSummary, Tally


def make_statement(
    account: str,
    currency: str,
    statement_id: str,
    statement_date: date,
    opening: Decimal,
    transactions: Iterable[BankTransaction],
    kind: str = "",
) -> Statement:
    """A statement whose closing balance and totals follow from `opening` and the rows."""
    txns = tuple(transactions)
    tally = Tally()
    for txn in txns:
        tally.add(txn.amount, txn.direction)
    summary = StatementSummary(kind, statement_id, account, currency, statement_date, opening,
                               opening + tally.net, tally.n_credits, tally.sum_credits,
                               tally.n_debits, tally.sum_debits, len(txns), 0)  # fmt: skip
    return Statement(summary, txns)


def one_line(text: str | None) -> str:
    """Remittance for formats without line breaks: whitespace runs become one space."""
    return " ".join((text or "").split())


from o2c.formats.writers.bai2 import write_bai2  # noqa: E402
from o2c.formats.writers.bankcsv import write_csv  # noqa: E402
from o2c.formats.writers.camt import write_camt053, write_camt054  # noqa: E402
from o2c.formats.writers.mt940 import write_mt940  # noqa: E402

__all__ = ["make_statement", "one_line", "write_bai2", "write_camt053", "write_camt054",
           "write_csv", "write_mt940"]  # fmt: skip
