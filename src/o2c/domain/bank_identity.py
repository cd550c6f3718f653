"""Payment identity: when two bank records are the same payment, and which observation counts.

A bank tells us about one payment several times: an intraday report (MT942, camt.052, BAI2
current-day) during the day, a notification (camt.054) when it is credited, the booked
end-of-day statement (camt.053, MT940, BAI2 prior-day) that evening, and the same statement
again when a bank re-delivers it. All of these are one payment, with one `bank_txn_id`.

**The rule.** `bank_txn_id = stable_id("btx", account, direction, amount, currency, day,
basis, reference, occurrence)` (sha256, first 20 hex digits), where

* `account` is the account number upper-cased without spaces; `direction` is credit or debit;
  `amount` is written with the currency's minor units (`100.50`, JPY `1500`);
* `day` is the value date, or the booking date when the record has no value date;
* `basis` and `reference` are the best reference the record carries, in this order:
  1. `end_to_end_id` — the payer's own id, carried unchanged through every bank and format
     (`NOTPROVIDED` / `NONREF` do not count; the parsers already drop them);
  2. `bank_ref` — the bank's reference (BAI2 bank reference, camt `AcctSvcrRef`, MT940 after
     `//`), except one the camt parser made up as `<entry ref>#<n>` for a batch detail
     without its own reference: that one is not stable across messages;
  3. `remittance` — the remittance text and the counterparty (account, else name), upper-cased,
     keeping only letters and digits, so line breaks and spacing do not matter;
* `occurrence` is 1 for the first record of a statement with this key, 2 for the second, ...
  (in file order), so two genuinely equal payments in one statement stay two payments.

**Limits** (written down so nobody relies on more):

* Observations must agree on the fields above. A bank that sends the end-to-end id in the
  intraday report but not in the statement (or changes the value date between them) makes
  two identities; the booked one is then a new payment and the intraday one stays unconfirmed.
* Two different payments with the same account, direction, amount, day and end-to-end id (a
  payer reusing one) are one payment, unless they are in the same statement.
* Payments with no reference at all and the same amount, day, counterparty and remittance
  reported in *different* intraday messages look like one until the booked statement, which
  lists them in one statement, shows two.
* A return or reversal is a payment of its own (the opposite direction makes another id); it
  is linked to what it undoes by `reverses_bank_txn_id` in dbt (`int_bank_returns_linked`).

**Precedence.** `OBSERVATION_RANK`: booked (3) > notification (2) > intraday (1). Of all the
records that share a `bank_txn_id`, the highest kind counts, ties going to the latest load;
the others are retired (dbt `int_bank_transactions_deduplicated`). Applications
(`app.cash_applications`) reference `bank_txn_id`, which every observation of the payment
shares, so whatever was applied to the intraday record stays attached when the booked record
retires it: nothing moves, because nothing pointed at the observation.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol

from o2c.domain.ids import stable_id
from o2c.domain.money import minor_units

ObservationKind = Literal["booked", "notification", "intraday"]
OBSERVATION_RANK: dict[str, int] = {"booked": 3, "notification": 2, "intraday": 1}
Basis = Literal["end_to_end_id", "bank_ref", "remittance"]

_NOT_A_REFERENCE = frozenset({"", "NOTPROVIDED", "NONREF", "NONE"})
_ONLY_WORDS = re.compile(r"[^0-9A-Z]+")


class IdentityFields(Protocol):
    """What the rule reads from a bank record (`o2c.formats.BankTransaction` has them all)."""

    @property
    def account(self) -> str: ...
    @property
    def currency(self) -> str: ...
    @property
    def amount(self) -> Decimal: ...
    @property
    def direction(self) -> str: ...
    @property
    def value_date(self) -> date | None: ...
    @property
    def booking_date(self) -> date | None: ...
    @property
    def bank_ref(self) -> str | None: ...
    @property
    def end_to_end_id(self) -> str | None: ...
    @property
    def entry_ref(self) -> str | None: ...
    @property
    def counterparty_name(self) -> str | None: ...
    @property
    def counterparty_account(self) -> str | None: ...
    @property
    def remittance(self) -> str | None: ...


def observation_kind(file_format: str, has_closing_balance: bool) -> ObservationKind:
    """How confirmed a statement of this format is.

    camt.053, MT940 and bank CSV are booked statements; camt.054 is a notification; MT942 and
    camt.052 are intraday. BAI2 says it per account section: one with a closing ledger balance
    (015) is a prior-day statement (booked), one without is a current-day report (intraday).
    """
    if file_format in ("camt.053", "mt940", "csv"):
        return "booked"
    if file_format == "camt.054":
        return "notification"
    if file_format == "bai2":
        return "booked" if has_closing_balance else "intraday"
    return "intraday"


def squeeze(text: str | None) -> str:
    """Upper case, letters and digits only: `RE-2026 0042,` -> `RE20260042`."""
    return _ONLY_WORDS.sub("", (text or "").upper())


def _is_made_up(ref: str, entry_ref: str | None) -> bool:
    return bool(entry_ref) and re.fullmatch(re.escape(entry_ref or "") + r"#\d+", ref) is not None


def best_reference(txn: IdentityFields) -> tuple[Basis, str]:
    """(basis, reference) of the record: end-to-end id, else bank ref, else remittance."""
    e2e = (txn.end_to_end_id or "").strip()
    if e2e.upper() not in _NOT_A_REFERENCE:
        return "end_to_end_id", e2e
    ref = (txn.bank_ref or "").strip()
    if ref.upper() not in _NOT_A_REFERENCE and not _is_made_up(ref, txn.entry_ref):
        return "bank_ref", ref
    party = squeeze(txn.counterparty_account) or squeeze(txn.counterparty_name)
    return "remittance", f"{squeeze(txn.remittance)}/{party}"


def identity_key(txn: IdentityFields) -> tuple[str, ...]:
    """Everything but the occurrence: records with equal keys may be the same payment."""
    basis, reference = best_reference(txn)
    day = txn.value_date or txn.booking_date
    places = minor_units(txn.currency)
    amount = f"{Decimal(txn.amount):.{places}f}"
    return (squeeze(txn.account), txn.direction, amount, txn.currency.upper(),
            day.isoformat() if day else "", basis, reference)  # fmt: skip


def bank_txn_ids(transactions: Iterable[IdentityFields]) -> list[tuple[str, Basis]]:
    """(bank_txn_id, basis) for each record of one statement, in order (see the module doc)."""
    seen: Counter[tuple[str, ...]] = Counter()
    out: list[tuple[str, Basis]] = []
    for txn in transactions:
        key = identity_key(txn)
        seen[key] += 1
        out.append((stable_id("btx", *key, seen[key]), key[5]))  # type: ignore[arg-type]
    return out


def bank_txn_id(txn: IdentityFields, occurrence: int = 1) -> str:
    """The id of one record that is the `occurrence`-th with its key in its statement."""
    return stable_id("btx", *identity_key(txn), occurrence)
