"""Which open items does one receipt pay? A bounded subset-sum with a search budget.

Items are tried in the order given (referenced items first, then oldest due first), so the first
solution found is the preferred one; the search stops after `max_solutions` solutions or
`budget` visited nodes, and says whether it finished (a second solution means: ambiguous).
Amounts are integers (minor units); a solution's sum lies within [target - below, target + above].

Branches that cannot reach the target are cut before they are walked, so a payer with forty open
items and no fitting subset costs microseconds, not the whole budget:
- sums reachable from each suffix of the items, as a bitset over the amounts divided by a step
  `q` that keeps the bitset small (a sum of m items divided by q, each rounded down, is at most
  m below the true quotient; the window is widened by that much, so no solution is ever cut);
- the largest total the remaining item slots can still add.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass
from itertools import accumulate

REACH_BITS = 1 << 15  # bitset width: a shift-or over 4 KiB per item


@dataclass(frozen=True)
class SubsetResult:
    solutions: tuple[tuple[int, ...], ...]  # indices into the items, ascending
    exhausted: bool  # the whole space was searched (False: the budget ran out)
    nodes: int

    @property
    def unique(self) -> bool:
        return len(self.solutions) == 1 and self.exhausted


class _Reach:
    """Which totals (in steps of q, rounded down per item) each suffix of the items can make."""

    def __init__(self, amounts: list[int], hi: int):
        self.q = max(1, -(-hi // REACH_BITS))
        self.width = hi // self.q + 1
        mask = (1 << self.width) - 1
        self.suffix = [1] * (len(amounts) + 1)  # bit 0: the empty subset
        for i in range(len(amounts) - 1, -1, -1):
            after = self.suffix[i + 1]
            self.suffix[i] = (after | (after << (amounts[i] // self.q))) & mask

    def possible(self, start: int, low: int, high: int, slots: int) -> bool:
        """Could at most `slots` items from `start` on sum into [low, high]?"""
        if high < 0:
            return False
        first = max(0, low // self.q - (slots if self.q > 1 else 0))
        last = high // self.q
        return (self.suffix[start] >> first) & ((1 << (last - first + 1)) - 1) != 0


def _largest_totals(amounts: list[int], max_items: int) -> list[list[int]]:
    """[j][m]: the most m items from position j on can add (the m largest of them)."""
    top: list[int] = []  # the largest amounts from j on, ascending, at most max_items
    out = [[0] * (max_items + 1)]
    for a in reversed(amounts):
        if len(top) < max_items:
            insort(top, a)
        elif a > top[0]:
            top.pop(0)
            insort(top, a)
        running = list(accumulate(reversed(top), initial=0))
        running += [running[-1]] * (max_items + 1 - len(running))
        out.append(running)
    out.reverse()
    return out


def subset_sum(amounts: list[int], target: int, below: int = 0, above: int = 0,
               budget: int = 20_000, max_items: int = 12,
               max_solutions: int = 2) -> SubsetResult:
    """Subsets of `amounts` (positive) of at most `max_items` items summing to ~`target`."""
    n = len(amounts)
    lo, hi = target - below, target + above
    solutions: list[tuple[int, ...]] = []
    if target <= 0 or n == 0:
        return SubsetResult((), True, 0)
    reach = _Reach(amounts, hi)
    if not reach.possible(0, lo, hi, max_items):
        return SubsetResult((), True, 1)
    largest = _largest_totals(amounts, max_items)
    q = reach.q  # reach.possible inlined below, on bytes: it runs per branch, and shifting
    # a 32 Kbit integer costs far more than reading the few bytes of the window
    size = (reach.width >> 3) + 2
    suffix = [s.to_bytes(size, "little") for s in reach.suffix]
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
        slots = max_items - len(chosen)
        if i >= n or slots == 0 or total + largest[i][slots] < lo:
            return True
        for j in range(i, n):
            now = total + amounts[j]
            if now > hi:
                continue
            if now + largest[j + 1][slots - 1] < lo:
                if total + largest[j][slots] < lo:
                    break  # no later start can reach it either
                continue
            first = (lo - now) // q - (slots - 1 if q > 1 else 0)
            if first < 0:
                first = 0
            last = (hi - now) // q
            window = int.from_bytes(suffix[j + 1][first >> 3:(last >> 3) + 1], "little")
            if not (window >> (first & 7)) & ((1 << (last - first + 1)) - 1):
                continue
            chosen.append(j)
            go_on = walk(j + 1, now)
            chosen.pop()
            if not go_on:
                return False
        return True

    walk(0, 0)
    if len(solutions) >= max_solutions:
        exhausted = False  # stopped early: there may be more, and there are at least two
    return SubsetResult(tuple(solutions), exhausted, nodes)
