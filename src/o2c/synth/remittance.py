"""How a payment looks at the bank: payer name and account, references, remittance text."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from o2c.domain.cashapp.references import rf_reference
from o2c.synth.customers import Customers
from o2c.synth.names import PAYER_VARIANTS
from o2c.synth.payments import Payments
from o2c.synth.schedule import B
from o2c.synth.vectors import numbered, pick, rng_for, with_nulls

# How a payer writes an invoice number: as issued, prefix dropped, no dashes, spaces,
# lower case, the running number only, last two characters swapped; its own purchase order's
# number instead (as issued when the invoice has none); the RF creditor reference printed on the
# invoice, in groups of four as on a payment slip.
REF_STYLE_SHARES = (0.32, 0.15, 0.12, 0.08, 0.05, 0.10, 0.10, 0.05, 0.03)
SEPARATORS = (", ", " ", "/", "; ", " + ")
LEADS = ("", "Invoice ", "INV ", "Payment ", "Rechnung ", "RE: ", "Facture ", "Factuur ",
         "Zahlung ", "Pmt inv ")
REMITTANCE_LIMIT = 140  # characters of unstructured remittance a SEPA credit transfer carries


@dataclass
class BankView:
    payer_name: pa.Array
    payer_account: pa.Array  # null when the bank does not show one
    remittance: pa.Array  # null when the payer wrote nothing
    bank_ref: pa.Array
    end_to_end_id: pa.Array
    unknown_account: np.ndarray  # payer account not among the customer's known accounts
    parent_paid: np.ndarray


def _rf_in_groups(refs: pa.Array) -> pa.Array:
    by_ref = {r: " ".join(textwrap.wrap(rf_reference(r), 4)) for r in refs.unique().to_pylist()}
    return pa.array([by_ref[r] for r in refs.to_pylist()], pa.string())


def _styled(refs: pa.Array, po_numbers: pa.Array, style: np.ndarray) -> pa.Array:
    swapped = pc.binary_join_element_wise(
        pc.utf8_slice_codeunits(refs, 0, -2), pc.utf8_slice_codeunits(refs, -1),
        pc.utf8_slice_codeunits(refs, -2, -1), "",
    )
    variants = [
        refs,
        pc.replace_substring_regex(refs, r"^[A-Z]+-", ""),
        pc.replace_substring(refs, "-", ""),
        pc.replace_substring(refs, "-", " "),
        pc.utf8_lower(refs),
        pc.replace_substring_regex(refs, r"^.*-", ""),
        swapped,
        pc.coalesce(po_numbers, refs),
        _rf_in_groups(refs),
    ]
    return pc.choose(pa.array(style.astype(np.int8)), *variants)


def _accounts(payer: np.ndarray, customers: Customers,
              rng: np.random.Generator) -> tuple[pa.Array, np.ndarray]:
    counts = np.array([len(k) for k in customers.known_accounts])
    flat = pa.array([a for k in customers.known_accounts for a in k] + [""], pa.string())
    offsets = np.cumsum(counts) - counts
    p, k = len(payer), counts[payer]
    r = rng.random(p)
    use_known = (k > 0) & (r < 0.88)
    use_new = np.where(k > 0, (r >= 0.88) & (r < 0.95), r < 0.8)
    pick_known = np.where(rng.random(p) < 0.85, 0, np.floor(rng.random(p) * np.maximum(k, 1)))
    index = np.where(use_known, offsets[payer] + pick_known.astype(np.int64), len(flat) - 1)
    known = pc.take(flat, pa.array(index))
    new = pa.array(customers.new_account[payer].tolist(), pa.string())
    account = pc.if_else(pa.array(use_new), new, known)
    return with_nulls(account, ~(use_known | use_new)), use_new | ~use_known


def bank_view(payments: Payments, invoice_ids: pa.Array, po_numbers: pa.Array,
              customers: Customers, seed: int) -> BankView:
    rng = rng_for(seed, "remittance")
    p, cust = len(payments), payments.customer
    parent = customers.parent[cust]
    parent_paid = (parent >= 0) & (rng.random(p) < 0.35)
    payer = np.where(parent_paid, parent, cust)
    variant = np.where(rng.random(p) < 0.8, customers.payer_name_usual[payer],
                       rng.integers(0, PAYER_VARIANTS, p))
    variant = np.where(parent_paid, 0, variant)
    flat_names = pa.array(customers.payer_names.ravel().tolist(), pa.string())
    payer_name = pc.take(flat_names, pa.array(payer * PAYER_VARIANTS + variant))
    account, unknown = _accounts(payer, customers, rng)

    # Remittance: the payment's invoice numbers, written one way per payment, then trimmed.
    style = rng.choice(len(REF_STYLE_SHARES), size=p, p=REF_STYLE_SHARES)
    paid = pa.array(payments.invoice)
    refs = _styled(pc.take(invoice_ids, paid), pc.take(po_numbers, paid),
                   style[payments.share_payment])
    listed = pa.ListArray.from_arrays(pa.array(np.append(payments.starts, len(refs)), pa.int32()),
                                      refs)
    joined = pc.binary_join(listed, pick(SEPARATORS, rng.integers(0, len(SEPARATORS), p)))
    lead = pick(LEADS, rng.integers(0, len(LEADS), p))
    with_customer = rng.random(p) < 0.1
    tail = pc.if_else(pa.array(with_customer),
                      pc.binary_join_element_wise(" Cust ", customers.ids.take(pa.array(cust)),
                                                  ""), "")
    text = pc.utf8_slice_codeunits(pc.binary_join_element_wise(lead, joined, tail, ""), 0,
                                   REMITTANCE_LIMIT)
    many = payments.share_counts > 8
    advice = many & (rng.random(p) < 0.5)
    text = pc.if_else(pa.array(advice), pc.binary_join_element_wise(
        "PAYMENT ADVICE SENT BY EMAIL ", pc.cast(pa.array(payments.share_counts), pa.string()),
        " INVOICES", ""), text)
    batch = customers.behaviour[cust] == B["batch"]
    empty = rng.random(p) < np.where(batch, 0.03, 0.07)
    remittance = with_nulls(pc.utf8_trim_whitespace(text), empty)

    bank_ref = numbered("", 10**11 + rng.permutation(p), 12)
    sepa = customers.currency[cust] == "EUR"
    e2e = pc.if_else(pa.array(rng.random(p) < 0.6),
                     numbered("E2E", rng.integers(0, 10**10, p), 10), "NOTPROVIDED")
    return BankView(
        payer_name=payer_name, payer_account=account, remittance=remittance, bank_ref=bank_ref,
        end_to_end_id=with_nulls(e2e, ~sepa), unknown_account=unknown, parent_paid=parent_paid,
    )
