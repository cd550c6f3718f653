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

The search runs once per unsettled receipt (tens of CPU-seconds in Python at a million
receipts), so it is compiled with numba over int64 arrays, and cached on disk for the next
process.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

REACH_BITS = 1 << 15  # bitset width: a shift-or over 4 KiB per item
INT64_LIMIT = 1 << 63
ALL_ONES = np.uint64(0xFFFF_FFFF_FFFF_FFFF)


@dataclass(frozen=True)
class SubsetResult:
    solutions: tuple[tuple[int, ...], ...]  # indices into the items, ascending
    exhausted: bool  # the whole space was searched (False: the budget ran out)
    nodes: int

    @property
    def unique(self) -> bool:
        return len(self.solutions) == 1 and self.exhausted


def _compiled(func=None, *, inline="never"):
    """numba-compiled, cached on disk where a cache directory is writable, else per process.
    The helpers run per candidate item are inlined (`inline="always"`): a call that passes
    arrays costs atomic reference counts, which took a third of the walk."""
    if func is None:
        return lambda func: _compiled(func, inline=inline)
    try:
        return numba.njit(cache=True, inline=inline)(func)
    except RuntimeError:  # numba found no writable cache location
        return numba.njit(inline=inline)(func)


@_compiled
def _reach_table(amounts, q, width):
    """Row j: the totals (in steps of q, each amount rounded down) items j.. can make, as bits."""
    n = amounts.size
    words = (width + 63) >> 6
    reach = np.zeros((n + 1, words), np.uint64)
    reach[n, 0] = 1  # bit 0: the empty subset
    last_word_mask = ALL_ONES >> np.uint64(-width & 63)  # no bits past the width
    top_bit = 0  # no bit above it: the amounts from j on, in steps, capped at the width
    for j in range(n - 1, -1, -1):
        shift = amounts[j] // q
        top_bit = min(width - 1, top_bit + shift)
        _shift_or(reach[j + 1], shift, reach[j], top_bit >> 6)
        reach[j, words - 1] &= last_word_mask
    return reach


@_compiled
def _shift_or(after, shift, row, last_word):
    """row = after | after << shift, up to word `last_word` (the words past it stay zero)."""
    word_shift, bit_shift = min(shift >> 6, last_word + 1), shift & 63
    for k in range(word_shift):
        row[k] = after[k]
    if word_shift > last_word:
        return
    # loops from 0 over views: indices that cannot be negative compile to plain vector code
    moved, kept, into = (after[:last_word + 1 - word_shift], after[word_shift:last_word + 1],
                         row[word_shift:last_word + 1])
    if bit_shift == 0:
        for k in range(moved.size):
            into[k] = kept[k] | moved[k]
        return
    left, right = np.uint64(bit_shift), np.uint64(64 - bit_shift)
    into[0] = kept[0] | (moved[0] << left)
    for k in range(1, moved.size):
        into[k] = kept[k] | (moved[k] << left) | (moved[k - 1] >> right)


@_compiled(inline="always")
def _any_bit(reach, row, first, last):
    """Is any bit from `first` to `last` set in that row? Bits past the row's end are unset.
    Indexes the table rather than taking the row: a view costs an atomic reference count."""
    last = min(last, reach.shape[1] * 64 - 1)
    if first > last:
        return False
    first_word, last_word = first >> 6, last >> 6
    from_first = ALL_ONES << np.uint64(first & 63)
    up_to_last = ALL_ONES >> np.uint64(63 - (last & 63))
    if first_word == last_word:
        return reach[row, first_word] & from_first & up_to_last != 0
    if reach[row, first_word] & from_first != 0:
        return True
    for k in range(first_word + 1, last_word):
        if reach[row, k] != 0:
            return True
    return reach[row, last_word] & up_to_last != 0


@_compiled
def _largest_totals(amounts, max_items):
    """[j, m]: the most m items from position j on can add (the m largest of them)."""
    n = amounts.size
    out = np.zeros((n + 1, max_items + 1), np.int64)
    top = np.empty(max_items, np.int64)  # the largest amounts from j on, descending
    kept = 0
    for j in range(n - 1, -1, -1):
        amount = amounts[j]
        if kept < max_items:
            kept += 1
            place = kept - 1
        elif kept > 0 and amount > top[kept - 1]:
            place = kept - 1  # the smallest kept one drops out
        else:
            place = -1
        if place >= 0:
            while place > 0 and top[place - 1] < amount:
                top[place] = top[place - 1]
                place -= 1
            top[place] = amount
        running = 0
        for m in range(1, max_items + 1):
            if m <= kept:
                running += top[m - 1]
            out[j, m] = running
    return out


@_compiled(inline="always")
def _next_branch(amounts, largest, reach, j, total, slots, lo, hi, q):
    """The first item from j on worth adding to a subset of `total` with `slots` left, else n."""
    n = amounts.size
    slack = slots - 1 if q > 1 else 0  # rounding down loses up to one step per item
    while j < n:
        now = total + amounts[j]
        if now > hi:
            j += 1
            continue
        if now + largest[j + 1, slots - 1] < lo:
            if total + largest[j, slots] < lo:
                return n  # no later start can reach it either
            j += 1
            continue
        if _any_bit(reach, j + 1, max(0, (lo - now) // q - slack), (hi - now) // q):
            return j
        j += 1
    return n


@_compiled
def _search(amounts, lo, hi, budget, max_items, max_solutions):
    """The depth-first walk, items in order: (solutions as rows, their sizes, how many of them,
    exhausted, nodes). The node at `depth` is the subset `chosen[:depth]`, worth
    `totals[depth]`, and tries the items from `resume_at[depth]` on as its next one."""
    n = amounts.size
    chosen = np.empty(max_items, np.int64)
    # room for every solution it may keep: one per node the budget allows, max_solutions at most
    # (a buffer that grew in the loop would cost two atomic reference counts per node)
    found = np.empty((max(1, min(max_solutions, budget)), max_items), np.int64)
    sizes = np.empty(found.shape[0], np.int64)
    if hi < 0:  # nothing fits
        return found, sizes, 0, True, 1
    q = max(1, -(-hi // REACH_BITS))
    reach = _reach_table(amounts, q, hi // q + 1)
    if not _any_bit(reach, 0, max(0, lo // q - (max_items if q > 1 else 0)), hi // q):
        return found, sizes, 0, True, 1
    largest = _largest_totals(amounts, max_items)
    totals = np.zeros(max_items + 1, np.int64)
    resume_at = np.zeros(max_items + 1, np.int64)  # per depth: the next item to try
    nodes, count, exhausted = 0, 0, True
    depth, entering = 0, True
    while True:
        if entering:  # the checks on entering a node, which counts against the budget
            entering = False
            nodes += 1
            if nodes > budget:
                exhausted = False
                break
            total, slots = totals[depth], max_items - depth
            if depth > 0 and lo <= total <= hi:
                found[count, :depth] = chosen[:depth]
                sizes[count] = depth
                count += 1
                if count >= max_solutions:
                    break
            start = chosen[depth - 1] + 1 if depth > 0 else 0
            if start >= n or slots == 0 or total + largest[start, slots] < lo:
                if depth == 0:
                    break
                depth -= 1  # a leaf: its parent tries its next item
            else:
                resume_at[depth] = start
        j = _next_branch(amounts, largest, reach, resume_at[depth], totals[depth],
                         max_items - depth, lo, hi, q)
        if j < n:
            chosen[depth] = j
            resume_at[depth] = j + 1
            totals[depth + 1] = totals[depth] + amounts[j]
            depth += 1
            entering = True
        elif depth == 0:
            break
        else:
            depth -= 1
    if count >= max_solutions:
        exhausted = False  # stopped early: there may be more, and there are at least two
    return found, sizes, count, exhausted, nodes


def _int64_amounts(amounts: list[int], lo: int, hi: int) -> np.ndarray:
    """The amounts as int64, checked so no sum the search forms can overflow."""
    if min(amounts) < 0:
        raise ValueError("subset_sum takes amounts that are not negative")
    if abs(lo) + abs(hi) + sum(amounts) >= INT64_LIMIT:
        raise OverflowError("subset_sum works on int64: amounts or target too large")
    return np.array(amounts, np.int64)


def subset_sum(amounts: list[int], target: int, below: int = 0, above: int = 0,
               budget: int = 20_000, max_items: int = 12,
               max_solutions: int = 2) -> SubsetResult:
    """Subsets of `amounts` (positive) of at most `max_items` items summing to ~`target`."""
    if target <= 0 or len(amounts) == 0:
        return SubsetResult((), True, 0)
    lo, hi = target - below, target + above
    found, sizes, count, exhausted, nodes = _search(
        _int64_amounts(amounts, lo, hi), lo, hi, budget, max_items, max_solutions)
    solutions = tuple(tuple(found[s, :sizes[s]].tolist()) for s in range(count))
    return SubsetResult(solutions, bool(exhausted), int(nodes))
