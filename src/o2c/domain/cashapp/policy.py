"""The decision policy: tolerances, confidence per rule, thresholds and the never-auto rules.

A match's confidence starts from its rule's base and loses points for every doubt; it posts
automatically at or above `auto_post`, goes to the ranked proposal list at or above `propose`,
and otherwise the receipt is an exception (listed with its best candidates). Some situations are
never posted whatever the score (`NEVER_AUTO`): a reference to an invoice of a customer other
than the identified payer's group, several equal open amounts and no reference, a debit, a credit
that is not a customer payment (no customer and no reference), an ambiguous reference, a number
that names open invoices of two customers when the payer is not known (only the amount would
choose between them), a credit note netted when the payer is not known.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

RULE_VERSION = "cashapp-v1"

# rule -> base confidence; the engine writes these names into `rule`
BASE_CONFIDENCE: dict[str, float] = {
    "ref_exact": 0.99,          # referenced invoice(s), amounts agree
    "ref_tolerance": 0.97,      # referenced, short by a bank fee / discount / FX rounding
    "ref_partial": 0.95,        # one referenced invoice, receipt covers part of it
    "ref_overpaid": 0.93,       # referenced invoice(s) paid in full, the rest on account
    "ref_subset": 0.93,         # a unique subset of the referenced invoices matches the amount
    "amount_unique": 0.92,      # no reference: the payer's only open item of that amount
    "amount_all_open": 0.92,    # no reference: everything the payer has open
    "amount_due_prefix": 0.91,  # no reference: the payer's items oldest-due first
    "amount_due_window": 0.91,  # no reference: the one run of the payer's items, in due order
    "amount_subset": 0.91,      # no reference: the only subset of the payer's open items
}
# doubts: subtracted from the base
PENALTY: dict[str, float] = {
    "ref_loose": 0.01,          # without its prefix / leading zeros, or by the PO number
    "ref_tail": 0.02,           # only the running number matched (within the payer's items)
    "ref_typo": 0.03,           # one character differs
    "customer_by_name": 0.01,   # payer's whole name, and no other customer's, in the bank text
    "customer_fuzzy": 0.06,     # payer's name resembles a customer's
    # ... and its invoice, named in full or the only one of exactly the amount, agrees: a wrong
    # customer would have to owe, by chance, exactly what was paid or the number written
    "customer_fuzzy_confirmed": 0.02,
    "customer_by_reference": 0.0,
    "fx": 0.01,                 # amounts compared after converting at the value-date rate
    "mixed_levels": 0.01,
    # the number is, more exactly, another open invoice's: the payer's own near one was taken
    "number_names_another_invoice": 0.01,
    "tail_reference_partial": 0.02,  # a part payment named by its running number only
    "weak_reference_fee": 0.02,  # a running number / one-typo reference, short by a fee
    "truncated_remittance": 0.02,  # the remittance filled its field: the last items were cut
}
NEVER_AUTO = frozenset({"other_customer_reference", "equal_amount_twins", "ambiguous_reference",
                        "debit", "not_a_customer_payment", "budget_exhausted",
                        "ambiguous_subset", "reference_to_closed_invoice",
                        "weak_reference_amount_differs", "mixed_levels",
                        "item_claimed_twice", "unknown_payer_amount_differs",
                        "reference_names_several_customers", "credit_note_payer_unknown"})
NEVER_AUTO_CAP = 0.6  # a never-auto match is at most a proposal
REMITTANCE_LIMIT = 140  # SEPA / camt unstructured remittance: text this long was cut off


@dataclass(frozen=True)
class Tolerances:
    """How far a receipt may be from the items it pays and still settle them."""

    rounding_minor: int = 1              # minor units of plain rounding, both ways
    fx_percent: Decimal = Decimal("0.005")   # converted receipts: rate and rounding differences
    fee_max: dict[str, Decimal] = field(default_factory=lambda: {
        "EUR": Decimal(40), "USD": Decimal(45), "GBP": Decimal(35), "CHF": Decimal(40),
        "JPY": Decimal(6000)})
    fee_max_default: Decimal = Decimal(40)
    fee_max_percent: Decimal = Decimal("0.05")  # a fee is never more than this of the item
    # an early-payment discount (2% within 14 days, and the like): short by exactly one of
    # these rates of the items' total, paid within `discount_days` of the invoice date
    discount_rates: tuple[Decimal, ...] = (Decimal("0.01"), Decimal("0.02"), Decimal("0.03"))
    discount_days: int = 14
    overpay_max_percent: Decimal = Decimal("0.5")  # beyond: not the same invoices

    def fee_limit(self, currency: str, item_total: Decimal) -> Decimal:
        return min(self.fee_max.get(currency, self.fee_max_default),
                   item_total * self.fee_max_percent)


@dataclass(frozen=True)
class Policy:
    auto_post: float = 0.90
    propose: float = 0.50
    subset_budget: int = 20_000
    subset_max_items: int = 12
    subset_max_candidates: int = 40   # open items a subset search considers
    fuzzy_name_min: float = 88.0      # rapidfuzz score for a name to identify a payer
    # an unknown payer's receipt, short of a named invoice by a fee, is that invoice's customer
    # only when the bank's name is like the customer's (Jaro-Winkler); else another customer's
    # invoice may be the one whose amount is just above
    payer_name_like_min: float = 0.9
    tolerances: Tolerances = field(default_factory=Tolerances)


def confidence(rule: str, doubts: list[str] | tuple[str, ...] = ()) -> float:
    score = BASE_CONFIDENCE[rule] - sum(PENALTY.get(d, 0.0) for d in doubts)
    if any(d in NEVER_AUTO for d in doubts):
        score = min(score, NEVER_AUTO_CAP)
    return round(max(score, 0.0), 4)


def decision(score: float, policy: Policy) -> str:
    """auto | proposed | exception."""
    if score >= policy.auto_post:
        return "auto"
    return "proposed" if score >= policy.propose else "exception"


def short_reason(short: Decimal, item_total: Decimal, currency: str, disputed: bool,
                 early: bool, tol: Tolerances) -> tuple[str, bool]:
    """Why a receipt is short of the items it pays, and whether the difference is written off.

    Returns (reason, closes): `fee` and `discount` close the item (write-off / discount);
    `dispute`, `deduction` and `unknown` leave the residual open with that reason.
    """
    if short <= 0:
        return "", True
    if early:
        for rate in tol.discount_rates:
            if abs(short - (item_total * rate).quantize(Decimal("0.01"))) <= Decimal("0.01"):
                return "discount", True
    if short <= tol.fee_limit(currency, item_total):
        return "fee", True
    if disputed:
        return "dispute", False
    if short <= item_total * Decimal("0.2"):
        return "deduction", False
    return "unknown", False
