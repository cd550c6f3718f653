from __future__ import annotations

from datetime import date

import pytest

from o2c.synth import Company, generate_company

AS_OF = date(2026, 3, 31)  # test_synth_company.py uses the same


@pytest.fixture(scope="session")
def company() -> Company:
    return generate_company(customers=200, seed=11, as_of=AS_OF)


@pytest.fixture(scope="session")
def frames(company: Company) -> dict:
    """Every table as a pandas frame of Python objects (money stays a string)."""
    return {name: t.to_pandas() for name, t in {**company.erp, **company.truth}.items()}
