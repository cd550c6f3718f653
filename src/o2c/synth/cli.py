"""What `o2c generate` does: generate a company and write it to a folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from o2c.synth.company import generate_company
from o2c.synth.writers import FORMATS, write_company


@dataclass(frozen=True)
class GenerateSummary:
    out: Path
    fmt: str
    seed: int
    as_of: date
    rows: dict[str, int]  # per dataset, per truth table as 'truth/<name>', per bank file
    files: dict[str, Path]

    def lines(self) -> list[str]:
        """One line per file: rows and path, for the command to print."""
        return [f"{self.rows[name]:>10,}  {path}" for name, path in self.files.items()]


def generate(customers: int, seed: int, out: Path, fmt: str = "csv", as_of: date | None = None,
             invoices_per_customer: float | None = None) -> GenerateSummary:
    """Generate `customers` customers' ERP extracts and ground truth under `out`.

    `as_of` defaults to today in the company time zone (settings); pass it for reproducible files.
    """
    if fmt not in FORMATS:
        raise ValueError(f"--format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if as_of is None:
        from o2c.settings import Settings

        as_of = Settings().today()
    company = generate_company(customers, seed, as_of,
                               invoices_per_customer=invoices_per_customer)
    files = write_company(company, Path(out), fmt)
    counts = company.row_counts()
    rows = {name: counts[name.removeprefix("truth/")] for name in files}
    return GenerateSummary(out=Path(out), fmt=fmt, seed=seed, as_of=as_of, rows=rows, files=files)
