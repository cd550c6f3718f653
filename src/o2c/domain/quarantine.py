"""When quarantined rows are a spike worth waking someone for (pure)."""

from __future__ import annotations


def is_quarantine_spike(rows_quarantined: int, rows_seen: int, min_rows: int,
                        min_share: float) -> bool:
    """Many bad rows, or a large share of a load: either points at a broken extract rather
    than at the odd typo a collector fixes in the ERP."""
    if rows_quarantined <= 0:
        return False
    share = rows_quarantined / rows_seen if rows_seen else 1.0
    return rows_quarantined >= min_rows or share >= min_share
