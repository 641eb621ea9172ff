"""Aging buckets: open invoices grouped by days past due.

With the default periods 30, 60, 90, 120 the buckets are ``Not due`` (0 days past due or
fewer: an invoice due today is not overdue), ``1-30``, ``31-60``, ``61-90``, ``91-120`` and
``Over 120``. Periods are configurable (``COLLECTIONS_AGING_PERIODS``); they must be positive
and strictly increasing, so every day count falls in exactly one bucket.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass
from itertools import pairwise

DEFAULT_PERIODS = (30, 60, 90, 120)
NOT_DUE = "Not due"


class AgingPeriodsError(ValueError):
    """Aging periods that do not split the days past due into well-ordered buckets."""


@dataclass(frozen=True, slots=True)
class AgingPeriods:
    """The upper bounds, in days past due, of the overdue buckets but the last."""

    bounds: tuple[int, ...] = DEFAULT_PERIODS

    def __post_init__(self) -> None:
        if not self.bounds:
            raise AgingPeriodsError("Aging needs at least one period, such as 30.")
        if self.bounds[0] < 1 or any(b <= a for a, b in pairwise(self.bounds)):
            raise AgingPeriodsError(
                f"Aging periods must be positive and increasing, got {list(self.bounds)}."
            )

    @classmethod
    def parse(cls, text: str) -> AgingPeriods:
        """Read a comma-separated list of days such as ``"30,60,90,120"``.

        An empty item (``"30,,60"``) is refused rather than skipped: it is a typing mistake
        whose intended period nobody can guess.
        """
        parts = [part.strip() for part in text.split(",")]
        if not all(part.isascii() and part.isdigit() for part in parts):
            raise AgingPeriodsError(
                f"Aging periods must be whole days separated by commas, such as "
                f'"30,60,90,120"; got {text!r}.'
            )
        return cls(tuple(int(part) for part in parts))

    @property
    def labels(self) -> tuple[str, ...]:
        """The bucket names in order, from ``Not due`` to ``Over <last period>``."""
        names = [NOT_DUE]
        lower = 1
        for bound in self.bounds:
            names.append(f"{lower}-{bound}")
            lower = bound + 1
        names.append(f"Over {self.bounds[-1]}")
        return tuple(names)

    def bucket_index(self, days_past_due: int) -> int:
        """Return the position in ``labels`` of an invoice ``days_past_due`` late."""
        if days_past_due <= 0:
            return 0
        return 1 + bisect_left(self.bounds, days_past_due)
