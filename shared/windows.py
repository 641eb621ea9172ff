"""Calendar windows that end on an as-of date.

"The six months ending on the as-of date" holds the dates after the as-of date moved back six
calendar months and up to the as-of date itself. Moving back clamps the day to the month's
last day, so the window ending on 2024-08-31 starts after 2024-02-29, and the one ending on
2025-02-28 twelve months back starts after 2024-02-28 (not on a day that does not exist).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date


def shift_months(day: date, months: int) -> date:
    """Move ``day`` by whole calendar months, clamping the day to the target month's end."""
    year, month_index = divmod(day.year * 12 + day.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(day.day, last_day))


@dataclass(frozen=True, slots=True)
class Window:
    """The dates ``d`` with ``after < d <= through``."""

    after: date
    through: date

    @classmethod
    def months_ending(cls, as_of: date, months: int) -> Window:
        return cls(after=shift_months(as_of, -months), through=as_of)

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.after < day <= self.through


def whole_months_between(start: date, end: date) -> int:
    """Count the whole calendar months from ``start`` to ``end`` (0 when ``end`` is earlier).

    A month counts once ``start`` moved forward by it, clamped like ``shift_months``, is on or
    before ``end``: from 2024-01-31 to 2024-02-29 is one whole month.
    """
    if end < start:
        return 0
    months = (end.year - start.year) * 12 + end.month - start.month
    if shift_months(start, months) > end:
        months -= 1
    return months
