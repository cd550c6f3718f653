"""Which open items does one receipt pay? A bounded subset-sum with a search budget.

Items are tried in the order given (referenced items first, then oldest due first), so the first
solution found is the preferred one; the search stops after `max_solutions` solutions or
`budget` visited nodes, and says whether it finished (a second solution means: ambiguous).
Amounts are integers (minor units); a solution's sum lies within [target - below, target + above].
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SubsetResult:
    solutions: tuple[tuple[int, ...], ...]  # indices into the items, ascending
    exhausted: bool  # the whole space was searched (False: the budget ran out)
    nodes: int

    @property
    def unique(self) -> bool:
        return len(self.solutions) == 1 and self.exhausted


def subset_sum(amounts: list[int], target: int, below: int = 0, above: int = 0,
               budget: int = 20_000, max_items: int = 12,
               max_solutions: int = 2) -> SubsetResult:
    """Subsets of `amounts` (positive) of at most `max_items` items summing to ~`target`."""
    n = len(amounts)
    suffix = [0] * (n + 1)
    for i in range(n - 1, -1, -1):
        suffix[i] = suffix[i + 1] + amounts[i]
    lo, hi = target - below, target + above
    solutions: list[tuple[int, ...]] = []
    nodes = 0
    chosen: list[int] = []
    exhausted = True

    def walk(i: int, total: int) -> bool:
        nonlocal nodes, exhausted
        nodes += 1
        if nodes > budget:
            exhausted = False
            return False
        if lo <= total <= hi and chosen:
            solutions.append(tuple(chosen))
            if len(solutions) >= max_solutions:
                return False
        if i >= n or len(chosen) >= max_items or total + suffix[i] < lo:
            return True
        for j in range(i, n):
            if total + amounts[j] > hi:
                continue
            if total + suffix[j] < lo:
                break
            chosen.append(j)
            go_on = walk(j + 1, total + amounts[j])
            chosen.pop()
            if not go_on:
                return False
        return True

    if target > 0:
        walk(0, 0)
    if len(solutions) >= max_solutions:
        exhausted = False  # stopped early: there may be more, and there are at least two
    return SubsetResult(tuple(solutions), exhausted, nodes)
