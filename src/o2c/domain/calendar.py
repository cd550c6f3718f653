"""Business days per entity: weekends and public holidays (from the `holidays` data package)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

import holidays


class BusinessCalendar(Protocol):
    def is_business_day(self, day: date) -> bool: ...


@dataclass
class HolidayCalendar:
    """Monday to Friday except the public holidays of `country` (and `subdivision`, if given)."""

    country: str
    subdivision: str | None = None
    extra_holidays: frozenset[date] = frozenset()
    weekend: frozenset[int] = frozenset({5, 6})
    _holidays: holidays.HolidayBase = field(init=False, repr=False)

    def __post_init__(self) -> None:
        try:
            self._holidays = holidays.country_holidays(self.country, subdiv=self.subdivision)
        except NotImplementedError:
            raise ValueError(f"no holiday calendar for country {self.country!r}; use an ISO "
                             "3166 code the `holidays` package knows (DE, US, GB, ...)") from None

    def is_business_day(self, day: date) -> bool:
        return (day.weekday() not in self.weekend and day not in self._holidays
                and day not in self.extra_holidays)

    def holiday_name(self, day: date) -> str | None:
        return self._holidays.get(day)


def next_business_day(calendar: BusinessCalendar, day: date) -> date:
    """`day` itself if it is a business day, else the first business day after it."""
    while not calendar.is_business_day(day):
        day += timedelta(days=1)
    return day


def business_days_between(calendar: BusinessCalendar, start: date, end: date) -> int:
    """Business days in (start, end]; negative (business days in (end, start]) if end < start."""
    if end == start:
        return 0
    sign, lo, hi = (1, start, end) if end > start else (-1, end, start)
    count = sum(calendar.is_business_day(lo + timedelta(days=i))
                for i in range(1, (hi - lo).days + 1))
    return sign * count
