"""Any byte string either parses or raises BankFileError: never another exception, never a hang."""

from __future__ import annotations

import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from o2c.formats import BankFileError, parse

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "bank-samples"
SEEDS = [p.read_bytes() for p in sorted(SAMPLES.glob("*/*")) if p.suffix != ".json"]
PREFIXES = [b"", b"01,", b"<?xml version='1.0'?><Document>", b":20:X\n:25:A\n", b"\x01",
            b"account,date,amount,currency,counterparty,remittance,reference\n"]  # fmt: skip
# O2C_FUZZ_EXAMPLES=5000 for a longer campaign; the default keeps the unit run fast
EXAMPLES = int(os.environ.get("O2C_FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=1000, database=None,
                suppress_health_check=[HealthCheck.too_slow])


def parses_or_rejects(data: bytes) -> None:
    for verify in (True, False):
        try:
            for _ in parse(data, verify=verify):
                pass
        except BankFileError as error:
            assert "file cannot be read (" not in str(error), error  # the parser's last resort


@FUZZ
@given(st.sampled_from(PREFIXES), st.binary(max_size=400))
def test_random_bytes(prefix: bytes, tail: bytes) -> None:
    parses_or_rejects(prefix + tail)


@FUZZ
@given(st.sampled_from(SEEDS), st.lists(st.tuples(st.integers(0, 10**6), st.binary(max_size=4)),
                                        min_size=1, max_size=6))  # fmt: skip
def test_mutated_samples(seed: bytes, edits: list[tuple[int, bytes]]) -> None:
    data = bytearray(seed)
    for position, replacement in edits:
        at = position % (len(data) + 1)
        data[at : at + len(replacement) or at + 1] = replacement
    parses_or_rejects(bytes(data))


@FUZZ
@given(st.sampled_from(SEEDS), st.integers(0, 10**6), st.integers(0, 10**6))
def test_truncated_and_spliced_samples(seed: bytes, cut: int, other: int) -> None:
    cut %= len(seed) + 1
    parses_or_rejects(seed[:cut])
    donor = SEEDS[other % len(SEEDS)]
    parses_or_rejects(seed[:cut] + donor[cut % (len(donor) + 1) :])
