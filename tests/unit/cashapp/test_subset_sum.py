"""The bounded subset-sum: preferred first solution, ambiguity, tolerance and the budget."""

from __future__ import annotations

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
    result = subset_sum([2] * 40, 23, budget=500)
    assert not result.exhausted and result.nodes > 500 and not result.unique


def test_max_items_bounds_the_subset():
    assert subset_sum([1] * 10, 5, max_items=4).solutions == ()
