"""Decision policy: confidence per rule, the never-auto cap, residual reason codes."""

from __future__ import annotations

from decimal import Decimal

from o2c.domain.cashapp.policy import Policy, Tolerances, confidence, decision, short_reason

P = Policy()


def test_exact_reference_posts():
    assert decision(confidence("ref_exact"), P) == "auto"


def test_never_auto_doubts_cap_any_rule_to_a_proposal():
    for doubt in ("other_customer_reference", "equal_amount_twins", "ambiguous_reference",
                  "reference_to_closed_invoice"):
        assert decision(confidence("ref_exact", [doubt]), P) == "proposed"


def test_doubts_add_up():
    assert decision(confidence("amount_subset", ["customer_fuzzy"]), P) == "proposed"
    assert confidence("ref_exact", ["ref_typo"]) == 0.96


def test_short_reasons():
    t = Tolerances()
    d = Decimal
    assert short_reason(d("15"), d("1000"), "EUR", False, False, t) == ("fee", True)
    assert short_reason(d("20"), d("1000"), "EUR", False, True, t) == ("discount", True)
    assert short_reason(d("100"), d("1000"), "EUR", True, False, t) == ("dispute", False)
    assert short_reason(d("100"), d("1000"), "EUR", False, False, t) == ("deduction", False)
    assert short_reason(d("600"), d("1000"), "EUR", False, False, t) == ("unknown", False)
