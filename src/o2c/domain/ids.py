"""Deterministic ids: the same facts always get the same id, so a re-run adds nothing."""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, *parts: object, length: int = 20) -> str:
    """`prefix_` + the first `length` hex digits of sha256 over the parts (None -> empty)."""
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}_{hashlib.sha256(text.encode()).hexdigest()[:length]}"
