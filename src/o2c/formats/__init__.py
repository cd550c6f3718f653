"""Bank statement parsers: bytes in, typed records out (pure; no I/O beyond the stream given).

Formats, detected from content (`detect_format`): BAI2, ISO 20022 camt.052/053/054, SWIFT
MT940/MT942 and a documented bank CSV layout (`o2c.formats.bankcsv`). Every format yields the
same records: `Statement` (a `StatementSummary` and its `BankTransaction`s).

The streaming contract of `parse(data, verify=True)`:

* It yields one `Statement` at a time, after that statement's own control totals have been
  checked (BAI2 49 trailer and 03 summaries, camt balances and batches, MT940 :60:/:62:,
  MT942 :90D:/:90C:, CSV balances). Memory is bounded by the largest statement, not the file.
* Some controls can only be checked later (BAI2 98 group and 99 file trailers, the end of the
  XML document). A failure there is raised by the iterator after earlier statements were
  yielded. So: stage each statement as it comes, and commit only when the iterator is
  exhausted without error. Any `BankFileError` means the file is rejected whole.
* Errors are `BankFileError` (`str()` names the line and the expected vs found figure); no
  other exception escapes for any input bytes.
* `verify=False` (inspection only, never for loading) hands each failed control total to
  `on_discrepancy` instead of raising; a malformed file raises either way.

Writers for every format are in `o2c.formats.writers`.
"""

from o2c.formats.currency import minor_units
from o2c.formats.detect import FORMATS, detect_format
from o2c.formats.parser import parse, sniff_format
from o2c.formats.records import (
    CREDIT,
    DEBIT,
    BankFileError,
    BankTransaction,
    Direction,
    Statement,
    StatementSummary,
)

__all__ = [
    "CREDIT",
    "DEBIT",
    "FORMATS",
    "BankFileError",
    "BankTransaction",
    "Direction",
    "Statement",
    "StatementSummary",
    "detect_format",
    "minor_units",
    "parse",
    "sniff_format",
]
