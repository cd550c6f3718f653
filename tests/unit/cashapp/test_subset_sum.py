"""The bounded subset-sum: preferred first solution, ambiguity, tolerance and the budget."""

from __future__ import annotations

from itertools import combinations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from o2c.domain.cashapp.subset_sum import subset_sum


def test_unique_solution_found_and_search_finished():
    result = subset_sum([100, 250, 400, 75], 325)
    assert result.solutions == ((1, 3),) and result.unique


def test_two_solutions_are_ambiguous():
    result = subset_sum([100, 100, 50], 150)
    assert len(result.solutions) == 2 and not result.unique


def test_tolerance_allows_a_short_payment_by_a_fee():
    assert subset_sum([1000, 2000], 2985, below=0, above=15).solutions == ((0, 1),)
    assert subset_sum([1000, 2000], 2985).solutions == ()


def test_budget_stops_the_search_and_says_so():
    # even amounts, an odd target: the bitset (in steps of many cents) cannot tell at once
    amounts = [2_000_00 + 2 * k for k in range(40)]
    result = subset_sum(amounts, 10_000_41, budget=50)
    assert not result.exhausted and result.nodes > 50 and not result.unique
    assert subset_sum(amounts, 10_000_41).exhausted  # with the default budget it finishes


def test_a_cut_search_counts_the_node_that_ran_over_the_budget():
    amounts = [2_000_00 + 2 * k for k in range(40)]
    assert subset_sum(amounts, 10_000_41, budget=50).nodes == 51
    assert subset_sum(amounts, 10_000_41, budget=0).nodes == 1  # the root is one node


def test_forty_items_and_no_fitting_subset_is_settled_without_walking_them():
    result = subset_sum([2] * 40, 23)
    assert result.solutions == () and result.exhausted and result.nodes <= 1
    amounts = [1_000_00 + 37 * k for k in range(40)]  # sums never end in ...99
    result = subset_sum(amounts, 5_000_99, budget=20_000)
    assert result.solutions == () and result.exhausted and result.nodes < 2_000


def _first_subsets(amounts, lo, hi, max_items, how_many=2):
    """Every subset, in the order the search prefers (index tuples ascending)."""
    fits = [c for k in range(1, max_items + 1) for c in combinations(range(len(amounts)), k)
            if lo <= sum(amounts[i] for i in c) <= hi]
    return tuple(sorted(fits)[:how_many])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 5_000_000), min_size=1, max_size=11),
       st.integers(1, 20_000_000), st.integers(0, 3_000), st.integers(1, 6))
def test_same_preferred_subsets_as_trying_every_subset(amounts, target, above, max_items):
    # amounts up to 50,000.00: the reachability bitset works in steps of many cents here
    found = subset_sum(amounts, target, below=0, above=above, max_items=max_items,
                       budget=10**9)
    assert found.solutions == _first_subsets(amounts, target, target + above, max_items)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 60), min_size=1, max_size=11), st.integers(1, 200),
       st.integers(0, 5), st.integers(0, 5))
def test_same_subsets_with_small_amounts_and_a_window_on_both_sides(amounts, target, below,
                                                                  above):
    found = subset_sum(amounts, target, below=below, above=above, budget=10**9)
    assert found.solutions == _first_subsets(amounts, target - below, target + above, 12)


def test_max_items_bounds_the_subset():
    assert subset_sum([1] * 10, 5, max_items=4).solutions == ()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(1, 40), min_size=1, max_size=9), st.integers(1, 120),
       st.integers(0, 3), st.integers(1, 20))
def test_the_first_solutions_in_preferred_order_however_many_are_asked(amounts, target, above,
                                                                       how_many):
    found = subset_sum(amounts, target, above=above, budget=10**9, max_solutions=how_many)
    expected = _first_subsets(amounts, target, target + above, 12, how_many)
    assert found.solutions == expected
    assert found.exhausted == (len(expected) < how_many)


def test_amounts_far_beyond_any_invoice_still_add_up_exactly():
    # past 2**56, where a float would round the last few units away
    amounts = [7 * 10**16 + 1, 10**17 + 9, 3 * 10**16 + 2]
    assert subset_sum(amounts, 10**17 + 3).solutions == ((0, 2),)
    assert subset_sum(amounts, 10**17 + 4).solutions == ()


def test_sums_that_would_overflow_int64_are_refused_not_wrapped():
    with pytest.raises(OverflowError):
        subset_sum([2**62, 2**62], 2**63 - 1)
    with pytest.raises(ValueError):
        subset_sum([100, -50], 50)
