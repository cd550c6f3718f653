"""One residual receipt at a time: which of its candidate items does it pay? Pure: a receipt
and its candidates in, match rows out (`o2c.cashapp.residual` loads them and stores the rows).

Referenced items are tried first (a unique subset of them that makes the amount, exact; all of
them less an early-payment discount; a subset short by a fee; else topped up from the payer's
other open items). Without a reference:
the one run of consecutive open items in due order that makes the amount (a payment run pays
what fell due in a period, past items it holds back). Then any subset of the payer's open items
oldest-due first, exact and then within the fee tolerance. Two solutions, or a search that ran
out of budget, are proposals, never postings.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from o2c.domain.cashapp.policy import Policy, short_reason
from o2c.domain.cashapp.subset_sum import subset_sum
from o2c.domain.money import minor_units

LEVEL_DOUBT = {2: "ref_loose", 3: "ref_tail", 4: "ref_typo"}
VIA_DOUBT = {"name": "customer_by_name", "fuzzy": "customer_fuzzy"}


@dataclass
class Item:
    iid: int
    currency: str
    open_amount: Decimal
    referenced: bool
    level: int | None
    tokens: str | None
    in_payer: bool
    disputed: bool
    contested: bool = False  # its number also names another customer's open invoice
    outranked: bool = False  # its number is, more exactly, another open invoice's
    due: date | None = None
    issued: date | None = None


@dataclass
class Receipt:
    rid: int
    via: str | None
    names_closed: bool = False
    truncated: bool = False  # the remittance was cut at its field's length
    stated_count: int | None = None  # "12 INVOICES": how many items the remittance says it pays
    value_date: date | None = None
    amounts: dict[str, tuple[Decimal, Decimal | None]] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)


def _short_item(chosen: list[Item], diff: Decimal) -> Item | None:
    """The item a short payment is short on: paid oldest first, the last due, unless it is
    smaller than the difference (then the largest)."""
    if not chosen:
        return None
    last = max(chosen, key=lambda i: (i.due or date.min, i.iid))
    return last if last.open_amount > diff else max(chosen, key=lambda i: (i.open_amount, -i.iid))


def _rows(r: Receipt, chosen: list[Item], amt: Decimal, ccy: str, fx: Decimal | None,
          rule: str, doubts: list[str], alternative: int, policy: Policy) -> list[dict]:
    total = sum((i.open_amount for i in chosen), Decimal(0))
    diff = total - amt
    big = _short_item(chosen, diff)
    out = []
    reason, closes = short_reason(diff, total, ccy, any(i.disputed for i in chosen), False,
                                  policy.tolerances) if diff > 0 else ("", True)
    for i in chosen:
        row = dict(rid=r.rid, iid=i.iid, alternative=alternative, cash_applied=i.open_amount,
                   write_off=Decimal(0), write_off_reason=None, discount=Decimal(0),
                   discount_reason=None, residual=Decimal(0), residual_reason=None, rule=rule,
                   doubts=doubts, via=r.via, tokens=i.tokens, amt=amt, currency=ccy,
                   fx_rate=fx)
        if i is big and diff > 0:
            row["cash_applied"] = i.open_amount - diff
            if closes and reason == "discount":
                row.update(discount=diff, discount_reason=reason)
            elif closes:
                row.update(write_off=diff, write_off_reason=reason or "rounding")
            else:
                row.update(residual=diff, residual_reason=reason)
        out.append(row)
    tol = Decimal(policy.tolerances.rounding_minor).scaleb(-minor_units(ccy))
    if fx is not None:
        tol += amt * policy.tolerances.fx_percent
    if -diff > tol:  # paid more than the items: the rest stays on account
        out.append(dict(out[0], iid=None, cash_applied=-diff, tokens=None))
    return out


def _search(items: list[Item], target: int, tol: int, short: int, scale: int,
            policy: Policy):
    """Subsets whose open total is the receipt, or exceeds it by at most `short`."""
    amounts = [int(i.open_amount * scale) for i in items]
    return subset_sum(amounts, target, tol, max(short, tol), budget=policy.subset_budget,
                      max_items=policy.subset_max_items)


def _due_window(items: list[Item], target: int, below: int, above: int, scale: int,
                count: int | None) -> list[Item] | None:
    """The only run of two or more consecutive items (in the order given: due date) whose
    total is within [target - below, target + above], of `count` items if given; else None.

    Two runs that fit (recurring equal amounts) say nothing about which one was paid.
    """
    cum = [0]
    for i in items:
        if i.open_amount <= 0:
            return None  # the running totals must rise for the search below
        cum.append(cum[-1] + int(i.open_amount * scale))
    found: list[tuple[int, int]] = []
    for start in range(len(items) - 1):
        if count is not None:
            ends = [start + count] if start + count <= len(items) and \
                target - below <= cum[start + count] - cum[start] <= target + above else []
        else:
            ends = range(bisect_left(cum, cum[start] + target - below, start + 2),
                         bisect_right(cum, cum[start] + target + above, start + 2))
        found += [(start, end) for end in ends]
        if len(found) > 1:
            return None
    return items[found[0][0]:found[0][1]] if found else None


def settle(r: Receipt, policy: Policy) -> list[dict]:
    # a credit note the remittance names is netted: the receipt pays that much more of items
    credits = [i for i in r.items if i.referenced and i.open_amount < 0]
    refs = [i for i in r.items if i.referenced and i.open_amount > 0]
    if r.names_closed and not refs:
        return []  # it pays what the remittance names, and that is no longer open
    pool = refs or [i for i in r.items if i.in_payer and i.open_amount > 0]
    if not pool:
        return []
    # the receipt's own currency first, then the one most items are in
    ccy = max({i.currency for i in pool}, key=lambda c: (
        c in r.amounts and r.amounts[c][1] is None, sum(i.currency == c for i in pool), c))
    if ccy not in r.amounts:
        return []
    amt, fx = r.amounts[ccy]
    scale = 10 ** minor_units(ccy)
    credits = [i for i in credits if i.currency == ccy]
    netted = -sum((i.open_amount for i in credits), Decimal(0))
    target = int((amt + netted) * scale)
    tol = policy.tolerances.rounding_minor + (int(amt * policy.tolerances.fx_percent * scale)
                                              if fx is not None else 0)
    base = [VIA_DOUBT[r.via]] if r.via in VIA_DOUBT else []
    if fx is not None:
        base.append("fx")
    others = [i for i in r.items if not i.referenced and i.in_payer and i.currency == ccy
              and i.open_amount > 0]
    refs = [i for i in refs if i.currency == ccy]

    def ref_doubts(chosen: list[Item]) -> list[str]:
        # each item named in full, all the payer's: the numbers confirm the name
        confirmed = chosen and all(i.referenced and i.in_payer and (i.level or 1) <= 2
                                   for i in chosen)
        d = ["customer_fuzzy_confirmed" if x == "customer_fuzzy" and confirmed else x
             for x in base]
        levels = {i.level for i in chosen if i.referenced}
        d += [LEVEL_DOUBT[lv] for lv in sorted(levels) if lv in LEVEL_DOUBT]
        if r.via and any(not i.in_payer for i in chosen):
            d.append("other_customer_reference")
        if not r.via and any(i.contested for i in chosen):
            d.append("reference_names_several_customers")
        if any(i.outranked for i in chosen if i.referenced):
            d.append("number_names_another_invoice")
        if any(not i.referenced for i in chosen) and any(i.referenced for i in chosen):
            d.append("mixed_levels")
        return d

    def rows_for(chosen: list[Item], rule: str, doubts: list[str], alt: int = 1) -> list[dict]:
        """The chosen items' rows and the named credit notes', netted."""
        if r.via and any(not i.in_payer for i in credits) and \
                "other_customer_reference" not in doubts:
            doubts = [*doubts, "other_customer_reference"]
        if credits and not r.via:  # nobody known pays: whose credit note is it to net?
            doubts = [*doubts, "credit_note_payer_unknown"]
        return _rows(r, chosen + credits, amt, ccy, fx, rule, doubts, alt, policy)

    fee = int(policy.tolerances.fee_limit(ccy, amt) * scale)
    if not refs:
        run = _due_window(others, target, tol, tol, scale, r.stated_count)
        if run is None and r.stated_count:  # as many items as it says, short by a fee
            run = _due_window(others, target, tol, max(fee, tol), scale, r.stated_count)
        if run:
            return rows_for(run, "amount_due_window", list(base))

    def discounted() -> list[dict] | None:
        """Every named item, paid within the discount days of its date, short by exactly one
        discount rate of their total: each item's own discount, the last due taking the cents
        the roundings leave."""
        t = policy.tolerances
        if not refs or credits or r.value_date is None or any(
                i.issued is None or r.value_date > i.issued + timedelta(days=t.discount_days)
                for i in refs):
            return None
        total = sum((i.open_amount for i in refs), Decimal(0))
        unit = Decimal(1).scaleb(-minor_units(ccy))
        diff = total - amt
        rate = next((x for x in t.discount_rates
                     if abs(diff - total * x) <= len(refs) * unit), None)
        if diff <= unit or rate is None:
            return None
        own = {i.iid: (i.open_amount * rate).quantize(unit) for i in refs}
        last = _short_item(refs, diff)
        own[last.iid] = diff - (sum(own.values()) - own[last.iid])
        doubts = ref_doubts(refs) + (["weak_reference_fee"] if any(
            i.level in (3, 4) for i in refs) else [])
        rows = _rows(r, refs, total, ccy, fx, "ref_tolerance", doubts, 1, policy)
        for row in rows:
            row.update(cash_applied=row["cash_applied"] - own[row["iid"]],
                       discount=own[row["iid"]], discount_reason="early_payment", amt=amt)
        return rows

    def topped_up() -> list[dict] | None:
        """The referenced items plus some of the payer's others, exactly."""
        rest = target - int(sum(i.open_amount for i in refs) * scale)
        if rest <= 0 or not others:
            return None
        found = _search(others, rest, tol, tol, scale, policy)
        if not found.solutions:
            return None
        # a cut-off remittance names the first items only: the rest is expected
        doubts = ref_doubts(refs) + ["truncated_remittance" if r.truncated else "mixed_levels"]
        if not found.unique:
            doubts.append("ambiguous_subset")
        chosen = refs + [others[k] for k in found.solutions[0]]
        return rows_for(chosen, "ref_subset", doubts)

    # the items named, exact and then short by a fee; the items named plus more of the payer's;
    # only then the payer's other items, exact and then short by a fee
    steps = [(refs, "ref_subset", tol), (refs, "ref_subset", fee),
             (others, "amount_subset", tol), (others, "amount_subset", fee)]
    for candidates, rule, below in steps:
        if rule == "ref_subset" and below == fee:
            rows = discounted()
            if rows:
                return rows
        if rule == "amount_subset" and below == tol and refs:
            rows = topped_up()
            if rows:
                return rows
        if not candidates:
            continue
        found = _search(candidates, target, tol, below, scale, policy)
        if not found.solutions:
            continue
        doubts = ref_doubts([candidates[k] for k in found.solutions[0]])
        if rule == "amount_subset":  # the remittance named items that do not fit
            doubts = list(base) + (["mixed_levels"] if refs else [])
        elif below > tol and any(candidates[k].level in (3, 4) for k in found.solutions[0]):
            # one typo and a short amount are two doubts about the same item: propose
            doubts.append("weak_reference_amount_differs" if any(
                candidates[k].level == 4 for k in found.solutions[0]) else "weak_reference_fee")
        if not found.exhausted:
            doubts.append("ambiguous_subset" if len(found.solutions) > 1
                          else "budget_exhausted")
        if below > tol:
            rule = "ref_tolerance" if rule == "ref_subset" else rule
        elif rule == "ref_subset" and found.unique and len(found.solutions[0]) == 1 \
                and len({i.tokens for i in refs}) == 1:
            rule = "ref_exact"  # one number, read the one way its amount agrees with
        rows = []
        for alt, sol in enumerate(found.solutions, start=1):
            rows += rows_for([candidates[k] for k in sol], rule, doubts, alt)
        return rows
    if refs:
        total, gross = sum((i.open_amount for i in refs), Decimal(0)), amt + netted
        if total < gross and gross - total <= total * policy.tolerances.overpay_max_percent:
            doubts = ref_doubts(refs) + (["reference_to_closed_invoice"] if r.names_closed else [])
            if not r.via:  # nobody known pays more than the items named: whose invoices?
                doubts.append("unknown_payer_amount_differs")
            if any(i.level in (3, 4) for i in refs):
                doubts.append("weak_reference_amount_differs")
            if others:  # the excess may pay one of them, under a mistyped number
                doubts.append("ambiguous_subset")
            return rows_for(refs, "ref_overpaid", doubts)
        # several referenced items, not enough to pay them all: oldest first, for review
        remaining, chosen_rows = gross, []
        doubts = ref_doubts(refs) + ["ambiguous_subset"]  # never auto
        for i in refs:
            if remaining <= 0:
                break
            part = min(i.open_amount, remaining)
            row = _rows(r, [i], i.open_amount, ccy, fx, "ref_partial", doubts, 1, policy)[0]
            row.update(cash_applied=part, amt=amt, residual=i.open_amount - part,
                       residual_reason="unknown" if part < i.open_amount else None)
            chosen_rows.append(row)
            remaining -= part
        return chosen_rows + [dict(row, amt=amt) for c in credits for row in _rows(
            r, [c], c.open_amount, ccy, fx, "ref_partial", doubts, 1, policy)]
    return []


def settle_many(receipts: list[Receipt], policy: Policy) -> list[dict]:
    return [row for r in receipts for row in settle(r, policy)]
