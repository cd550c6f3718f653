from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "bank-samples"


@pytest.fixture
def sample() -> Callable[[str], bytes]:
    """The bytes of a published sample, by its path under tests/data/bank-samples/."""
    return lambda name: (SAMPLES / name).read_bytes()
