"""Fixtures for dunning tests: the packaged policy and the entities' calendars."""

from __future__ import annotations

import pytest

from o2c.domain.calendar import HolidayCalendar
from o2c.dunning import load_policy


@pytest.fixture(scope="session")
def calendars():
    return {"DE01": HolidayCalendar("DE"), "US01": HolidayCalendar("US"),
            "GB01": HolidayCalendar("GB")}


@pytest.fixture(scope="session")
def policy():
    return load_policy()


@pytest.fixture(scope="session")
def calendar_policy(policy):
    """The packaged ladder counted in calendar days, so offsets can be checked by hand."""
    return policy.model_copy(update={"day_count": "calendar"})
