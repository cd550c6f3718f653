"""Every published sample behaves as its row in tests/data/bank-samples/SOURCES.md says."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path

import pytest

from o2c.formats import BankFileError, parse, sniff_format

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "bank-samples"


def sample(name: str) -> bytes:
    return (SAMPLES / name).read_bytes()

# file -> (format, blob id, [(credits n, sum, debits n, sum) per statement], records)
RECONCILING = {
    "bai2/nwb_example.bai2": ("bai2", "0bfcf9ec924131a613f1222f42d15cfc24b4b96e",
                              [(1, "0.89", 4, "27.65")], 5),
    "bai2/svb_us_example.bai2": ("bai2", "c04f50c0dd602025bb9faa48da6060f2abad0ebb",
                                 [(1, "4901.96", 0, "0"), (1, "9058.00", 0, "0")], 2),
    "bai2/moov_sample1.txt": ("bai2", "5b73a7dd6e4cdb1b5dda243dabb56a1c44951b93",
                              [(3, "2085.00", 8, "2085.00"), (2, "1115.00", 4, "1115.00")], 17),
    "camt/camt053.v2.multi.statement.xml": ("camt.053", "d14341db929e7e4a4de2effb3618b1bd3ff83508",
                                            [(1, "8.85", 0, "0"), (0, "0", 1, "7.00")], 2),
    "mt940/mbank_mt942.sta": ("mt942", "2a989dbe02153b1c56108cf157fbaf05ec5e4900",
                              [(3, "0.03", 0, "0")], 3),
}  # fmt: skip

# file -> (format, blob id, the discrepancy the rejection names, per-statement tallies, records)
NOT_RECONCILING = {
    "camt/camt053.v2.minimal.xml": (
        "camt.053", "6f4b9e1d24d381b18a6e8294b70306fbd83132f7",
        "balance CLBD is in SEK, but the account is in EUR", [(1, "8.85", 0, "0")], 1),
    "camt/camt053.v8.xml": (
        "camt.053", "2ed4912beb6b48a88c451b9be92912e354447526",
        "balance CLBD is in SEK, but the account is in EUR", [(1, "8.85", 0, "0")], 1),
    "camt/camt054.v8.xml": (
        "camt.054", "8e163dd118c25ab9510e8baedfa1b31c73868ccd",
        "batch says 2 transactions (NbOfTxs), but the entry holds 3 TxDtls",
        [(0, "0", 1, "200000.00")], 3),
    "mt940/jejik_abnamro.sta": (
        "mt940", "e29dfedceff159d1ca9d9ed30339c9d316e2ba57",
        "= 2,914.84, but closing (:62F:) says 876.84",
        [(0, "0", 8, "321.44"), (0, "0", 2, "24.49")], 10),
    "mt940/jejik_ing.sta": (
        "mt940", "e323e3903ef81876d294c5c9b672f8e72162c3ed",
        "= -45.59, but closing (:62F:) says 3.47", [(2, "4.68", 5, "50.27")], 7),
}


def tallies(statements: list) -> list[tuple[int, str, int, str]]:
    return [(s.summary.n_credits, str(s.summary.sum_credits), s.summary.n_debits,
             str(s.summary.sum_debits)) for s in statements]  # fmt: skip


def norm(rows: list[tuple[int, str, int, str]]) -> list[tuple[int, Decimal, int, Decimal]]:
    return [(a, Decimal(b), c, Decimal(d)) for a, b, c, d in rows]


@pytest.mark.parametrize("name", sorted(RECONCILING | NOT_RECONCILING))
def test_sample_is_the_published_blob(name: str) -> None:
    data = sample(name)
    blob = hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
    assert blob == (RECONCILING | NOT_RECONCILING)[name][1]


@pytest.mark.parametrize("name", sorted(RECONCILING))
def test_reconciling_sample_parses_with_its_counts_and_sums(name: str) -> None:
    kind, _, expected, records = RECONCILING[name]
    data = sample(name)
    statements = list(parse(data))
    assert sniff_format(data) == kind
    assert norm(tallies(statements)) == norm(expected)
    assert sum(len(s.transactions) for s in statements) == records


@pytest.mark.parametrize("name", sorted(NOT_RECONCILING))
def test_non_reconciling_sample_is_rejected_naming_the_discrepancy(name: str) -> None:
    _, _, discrepancy, _, _ = NOT_RECONCILING[name]
    with pytest.raises(BankFileError) as caught:
        list(parse(sample(name)))
    assert discrepancy in str(caught.value)
    assert caught.value.line is not None and str(caught.value).startswith("line ")


@pytest.mark.parametrize("name", sorted(NOT_RECONCILING))
def test_non_reconciling_sample_parses_without_verify(name: str) -> None:
    kind, _, discrepancy, expected, records = NOT_RECONCILING[name]
    warnings: list[BankFileError] = []
    statements = list(parse(sample(name), verify=False, on_discrepancy=warnings.append))
    assert norm(tallies(statements)) == norm(expected)
    assert sum(len(s.transactions) for s in statements) == records
    assert any(discrepancy in str(w) for w in warnings)


def test_moov_sample3_sections_match_sources() -> None:
    statements = list(parse(sample("bai2/moov_sample3.txt")))
    assert len(statements) == 15
    with_details = [(s.summary.account, *t) for s, t in zip(statements, tallies(statements),
                    strict=True) if s.transactions]  # fmt: skip
    assert norm([row[1:] for row in with_details]) == norm([
        (3, "31.00", 3, "32.00"), (0, "0", 2, "307.03"), (3, "37.00", 3, "186.51"),
        (2, "3.20", 2, "59.44"), (5, "325.93", 3, "9.20")])  # fmt: skip
    assert [s.summary.closing for s in statements if s.transactions] == [
        Decimal("-36.00"), Decimal("-864.06"), Decimal("6103.15"), Decimal("-787.59"),
        Decimal("275.95")]  # fmt: skip
    credits = sum(s.summary.sum_credits for s in statements)
    debits = sum(s.summary.sum_debits for s in statements)
    assert (credits, debits) == (Decimal("397.13"), Decimal("594.18"))


def test_nwb_remittance_joins_88_continuations() -> None:
    [statement] = parse(sample("bai2/nwb_example.bai2"))
    last = statement.transactions[-1]
    assert (last.remittance or "").endswith("INTERNATIONAL-5373 CLIENT SECCY AC TFR")
    summary = statement.summary
    assert (summary.opening, summary.closing) == (Decimal("365.21"), Decimal("338.45"))
    assert last.raw.count("\n") == 2 and last.source_line == 13


def test_camt054_batch_yields_one_record_per_detail_with_its_own_bank_ref() -> None:
    [statement] = parse(sample("camt/camt054.v8.xml"), verify=False)
    refs = [t.bank_ref for t in statement.transactions]
    assert refs == ["ACSR160617103200001#1", "ACSR160617103200001#2", "ACSR160617103200001#3"]
    assert {t.entry_ref for t in statement.transactions} == {"ACSR160617103200001"}
    assert [str(t.amount) for t in statement.transactions] == ["3.10", "3.20", "3.20"]
    assert statement.transactions[0].structured_ref == "ISR ref number V1"
    assert statement.transactions[2].remittance.count("\n") == 3


def test_camt053_multi_fields() -> None:
    first, second = parse(sample("camt/camt053.v2.multi.statement.xml"))
    txn = first.transactions[0]
    assert (txn.account, txn.end_to_end_id, txn.remittance, txn.bank_code) == (
        "NL26VAYB8060476890", "000000001", "Transaction Description 1", "544")
    assert second.transactions[0].direction == "debit"
    assert (second.summary.opening, second.summary.closing) == (Decimal("27.00"), Decimal("20.00"))


def test_mt942_fields() -> None:
    [statement] = parse(sample("mt940/mbank_mt942.sta"))
    txn = statement.transactions[0]
    assert (txn.account, txn.currency, txn.bank_ref) == (
        "PL29114010810000267002001002", "PLN", "MB170119012058")
    assert "TNR: 179171073864111.010001" in (txn.remittance or "")


def test_licences_and_sources_travel_with_the_samples() -> None:
    assert (SAMPLES / "SOURCES.md").is_file()
    assert len(list((SAMPLES / "LICENSES").iterdir())) == 5
