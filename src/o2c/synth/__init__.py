"""A realistic synthetic company with ground truth: ERP extracts for the demo, tests and
benchmarks, and the bank's view of every customer payment."""

from o2c.synth.cli import GenerateSummary, generate
from o2c.synth.company import TRUTH_TABLES, Company, generate_company
from o2c.synth.writers import write_company

__all__ = [
    "TRUTH_TABLES",
    "Company",
    "GenerateSummary",
    "generate",
    "generate_company",
    "write_company",
]
