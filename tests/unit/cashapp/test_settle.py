"""One residual receipt against its candidate items: runs of items in due order, a count the
remittance states, one number read several ways, a cut-off remittance. Pure: no database."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from o2c.domain.cashapp.policy import Policy, confidence, decision
from o2c.domain.cashapp.settle import Item, Receipt, settle

POLICY = Policy()


def items(*amounts: str, referenced: tuple[int, ...] = (), tokens: str | None = None,
          level: int = 1) -> list[Item]:
    """Open items of the payer, due one day apart in the order given."""
    return [Item(iid=n, currency="EUR", open_amount=Decimal(a), referenced=n in referenced,
                 level=level if n in referenced else None,
                 tokens=tokens if n in referenced else None, in_payer=True, disputed=False,
                 due=date(2025, 1, 1) + timedelta(days=n))
            for n, a in enumerate(amounts, start=1)]


def receipt(amount: str, candidates: list[Item], count: int | None = None,
            truncated: bool = False) -> Receipt:
    r = Receipt(rid=1, via="account", truncated=truncated, stated_count=count,
                amounts={"EUR": (Decimal(amount), None)})
    r.items = sorted(candidates, key=lambda i: (not i.referenced, i.due, i.iid))
    return r


def posted(rows: list[dict]) -> set[int]:
    """The items the rows apply, if every row would post automatically."""
    assert rows, "no match"
    status = {decision(confidence(row["rule"], row["doubts"]), POLICY) for row in rows}
    return {row["iid"] for row in rows} if status == {"auto"} else set()


PAYER = ("100.00", "250.00", "40.00", "75.00", "60.00", "310.00", "90.00", "45.00", "215.00")


def test_the_only_run_of_items_in_due_order_that_makes_the_amount_is_paid():
    # 460.00 is items 5-7 (60 + 310 + 90), and also two other sets of items (250 + 210, ...):
    # a payment run pays what fell due together
    rows = settle(receipt("460.00", items(*PAYER)), POLICY)
    assert posted(rows) == {5, 6, 7}
    assert {row["rule"] for row in rows} == {"amount_due_window"}


def test_two_runs_that_make_the_amount_leave_it_to_review():
    rows = settle(receipt("300.00", items("100.00", "200.00", "55.00", "100.00", "200.00")),
                  POLICY)
    assert rows and posted(rows) == set()
    assert "amount_due_window" not in {row["rule"] for row in rows}


def test_a_stated_count_picks_the_run_of_that_many_items_even_short_by_a_fee():
    candidates = items("500.00", "120.00", "130.00", "250.00", "90.00", "400.00")
    # 120 + 130 + 250 = 500 = item 1 alone: only "3 invoices" says which; 15.00 bank fee kept
    rows = settle(receipt("485.00", candidates, count=3), POLICY)
    assert posted(rows) == {2, 3, 4}
    fee_row = next(row for row in rows if row["write_off"])
    assert (fee_row["iid"], fee_row["write_off"], fee_row["write_off_reason"]) == \
        (4, Decimal("15.00"), "fee")


def test_without_a_stated_count_a_short_run_is_not_guessed():
    candidates = items("500.00", "120.00", "130.00", "250.00", "90.00", "400.00")
    rows = settle(receipt("485.00", candidates), POLICY)
    assert rows and posted(rows) == set()
    assert "amount_due_window" not in {row["rule"] for row in rows}


def test_one_number_read_several_ways_posts_the_reading_whose_amount_agrees():
    # "INV-2025-001330" is one typo away from 001303, 001304 and 001360; only 001303 is 286.27
    candidates = items("286.27", "36.48", "49.06", "900.00", referenced=(1, 2, 3),
                       tokens="INV2025001330", level=4)
    rows = settle(receipt("286.27", candidates), POLICY)
    assert posted(rows) == {1}
    assert rows[0]["rule"] == "ref_exact" and "ref_typo" in rows[0]["doubts"]


def test_two_numbers_of_which_one_item_fits_stay_a_subset_of_what_was_named():
    candidates = items("286.27", "36.48", "900.00", referenced=(1, 2), tokens=None)
    candidates[0].tokens, candidates[1].tokens = "INV2025001303", "INV2025001304"
    rows = settle(receipt("286.27", candidates), POLICY)
    assert {row["rule"] for row in rows} == {"ref_subset"}


def test_a_cut_off_remittance_is_completed_from_the_payers_items_before_ignoring_it():
    # named: items 1-3 (1,000.00); paid 1,200.00: the cut-off rest is item 5 (200.00), while
    # items 4 + 6 (150 + 1,050) alone also make 1,200.00 and would drop the named ones
    candidates = items("300.00", "300.00", "400.00", "150.00", "200.00", "1050.00",
                       referenced=(1, 2, 3), tokens="INV")
    rows = settle(receipt("1200.00", candidates, truncated=True), POLICY)
    assert posted(rows) == {1, 2, 3, 5}
    assert "truncated_remittance" in rows[0]["doubts"]


def test_the_named_item_short_by_a_fee_wins_over_unnamed_items_that_make_the_amount():
    # named: item 1 (5,768.39), paid 5,753.39: a 15.00 fee; items 2 + 3 make 5,753.39 exactly
    candidates = items("5768.39", "3000.00", "2753.39", referenced=(1,), tokens="SI2024026511")
    rows = settle(receipt("5753.39", candidates), POLICY)
    assert posted(rows) == {1}
    assert (rows[0]["rule"], rows[0]["write_off"], rows[0]["write_off_reason"]) == \
        ("ref_tolerance", Decimal("15.00"), "fee")


def test_a_credit_note_the_remittance_names_is_netted():
    # invoices 1-3 named with credit note 4 (-200.00): 1050.00 is items 1 and 2 less the credit,
    # so item 3 stays open and the credit is used up
    named = items("500.00", "750.00", "410.00", "-200.00", "60.00", referenced=(1, 2, 3, 4))
    rows = settle(receipt("1050.00", named), POLICY)
    assert posted(rows) == {1, 2, 4}
    assert {r["iid"]: r["cash_applied"] for r in rows} == {
        1: Decimal("500.00"), 2: Decimal("750.00"), 4: Decimal("-200.00")}
    # without its number the credit note is never taken: 1050.00 is then no subset of 1-3
    unnamed = items("500.00", "750.00", "410.00", "-200.00", "60.00", referenced=(1, 2, 3))
    assert posted(settle(receipt("1050.00", unnamed), POLICY)) == set()


def test_a_credit_note_is_not_netted_for_a_payer_nobody_knows():
    # the numbers may name different customers' documents: a person decides
    named = items("500.00", "750.00", "410.00", "-200.00", referenced=(1, 2, 3, 4))
    r = receipt("1050.00", named)
    r.via = None
    rows = settle(r, POLICY)
    assert {row["iid"] for row in rows} == {1, 2, 4} and posted(rows) == set()


def test_an_early_payment_discount_on_named_items_the_engine_could_not_settle_alone():
    # two named invoices, one number naming both: 2% of 3,000.33 + 2,000.33 taken early
    named = items("3000.33", "2000.33", "90.00", referenced=(1, 2), tokens="INV-7")
    for i in named:
        i.issued = date(2025, 1, 1)
    r = receipt("4900.65", named)
    r.value_date = date(2025, 1, 12)
    rows = settle(r, POLICY)
    assert posted(rows) == {1, 2}
    assert [(row["cash_applied"], row["discount"], row["discount_reason"]) for row in rows] == [
        (Decimal("2940.32"), Decimal("60.01"), "early_payment"),
        (Decimal("1960.33"), Decimal("40.00"), "early_payment")]
    r.value_date = date(2025, 2, 12)  # a month late: no discount, nothing posts
    late = settle(r, POLICY)
    assert all(row["discount"] == 0 for row in late)
    assert "auto" not in {decision(confidence(row["rule"], row["doubts"]), POLICY)
                          for row in late}
