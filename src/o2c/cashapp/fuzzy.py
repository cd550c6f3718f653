"""Payers no account, exact name or reference identified: fuzzy names (rapidfuzz), blocked.

Only the residual is scored: each receipt's name (the bank's counterparty name, else the words
of its remittance) is compared with the customers sharing at least one significant word with
it, never with every customer. A payer is taken only when one customer group scores at least
`fuzzy_name_min` and clearly ahead of any other group.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb
import pandas as pd
from rapidfuzz import fuzz

from o2c.cashapp.sql import FUZZY_CANDIDATES
from o2c.domain.cashapp.names import ascii_only, name_words
from o2c.domain.cashapp.policy import Policy

MIN_WORD = 3
COMMON_SHARE = 0.01  # a word in more customer names than this does not block
LEAD = 5.0  # points the best group must be ahead of the next
MIN_NAME = 5  # a shorter customer name is found inside too many texts
EXACT = 100.0  # every word of the customer's name is in the bank's text: a name match


def identify(con: duckdb.DuckDBPyConnection, policy: Policy) -> int:
    """Add fuzzy payers to `ca_payer`; returns how many receipts got one."""
    receipts = con.execute(FUZZY_CANDIDATES).fetchall()
    if not receipts:
        return 0
    customers = con.execute(
        "select customer_id, group_id, name, legal_name from ca_cust").fetchall()
    names: list[tuple[str, str, str]] = []  # (normalised name, customer, group)
    for cid, gid, name, legal in customers:
        for n in {" ".join(name_words(v)) for v in (name, legal, ascii_only(name),
                                                     ascii_only(legal))}:
            if n:
                names.append((n, cid, gid))
    index: dict[str, list[int]] = defaultdict(list)
    for k, (n, _, _) in enumerate(names):
        for w in set(n.split()):
            if len(w) >= MIN_WORD:
                index[w].append(k)
    limit = max(int(len(names) * COMMON_SHARE), 20)
    found, tied = [], []
    for rid, name, remittance in receipts:
        words = name_words(name) or name_words(remittance)
        query = " ".join(words)
        candidates = {k for w in set(words) if len(w) >= MIN_WORD
                      and len(index.get(w, ())) <= limit for k in index.get(w, ())}
        if not candidates:
            continue
        by_group: dict[str, tuple[float, str]] = {}
        for k in candidates:
            n, cid, gid = names[k]
            score = fuzz.token_set_ratio(n, query) if len(n) >= MIN_NAME else 0.0
            if score > by_group.get(gid, (-1.0, ""))[0]:
                by_group[gid] = (score, cid)
        ranked = sorted(((s, c, g) for g, (s, c) in by_group.items()), reverse=True)
        best = ranked[0]
        if best[0] < policy.fuzzy_name_min:
            continue
        if len(ranked) == 1 or ranked[1][0] <= best[0] - LEAD:
            found.append((rid, best[1], "name" if best[0] >= EXACT else "fuzzy"))
        else:  # several customers answer to the name: a reference or an amount may choose
            tied.extend((rid, g) for s, _, g in ranked if s > best[0] - LEAD)
    if found:
        con.register("_fuzzy", pd.DataFrame(found, columns=["rid", "customer_id", "via"]))
        con.execute("insert into ca_payer select * from _fuzzy")
        con.unregister("_fuzzy")
    if tied:
        con.register("_tied", pd.DataFrame(tied, columns=["rid", "group_id"]))
        con.execute("insert into ca_named select * from _tied except select * from ca_named")
        con.unregister("_tied")
    return len(found)
