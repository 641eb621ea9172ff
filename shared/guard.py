"""The guard: a generated text reaches an agent only if it says nothing the facts do not.

Checks, in order, on every text field of an answer:

- figures: every amount, date, percentage, count and invoice number in the text is one of
  the facts' values, whatever locale the model wrote it in (``1.234,50 €``, ``1 234,50 €``
  and ``€1,234.50`` are the same amount; ``31. März 2025`` and ``2025-03-31`` the same date).
  Percentages and averages may be rounded, but only correctly (66.67 % may read 67 %);
- the policy: no promise, threat, fee or deadline unless the task's policy allows it;
- length and language: within the task's limits, and written in the language asked for.

The result lists every problem as a sentence the model can act on in its one retry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from shared.facts import Facts


class PolicyTopic(StrEnum):
    """What a collections text may only say when the policy allows it."""

    PROMISE = "promise"
    THREAT = "threat"
    FEE = "fee"
    DEADLINE = "deadline"


@dataclass(frozen=True, slots=True)
class GuardPolicy:
    """What one task's texts may contain.

    ``allowed_topics`` are the policy topics the text may touch (none for a summary);
    ``max_words``/``min_words`` bound each field in ``text_fields``; ``required_amounts``
    names facts fields (``balance``, ``overdue``) whose amounts the text must state, so an
    answer cannot leave out the figure that matters most.
    """

    text_fields: tuple[str, ...] = ("text",)
    allowed_topics: frozenset[PolicyTopic] = frozenset()
    min_words: int = 10
    max_words: int = 160
    required_amounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GuardResult:
    """The outcome of one check: ``problems`` is empty exactly when the text passed."""

    problems: tuple[str, ...] = field(default_factory=tuple)

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def reason(self) -> str:
        """The problems as one paragraph, for the retry prompt and the audit record."""
        return " ".join(self.problems)

    def to_json(self) -> dict[str, object]:
        return {"passed": self.passed, "problems": list(self.problems)}


def check_text(
    fields: Mapping[str, str], facts: Facts, language: str, policy: GuardPolicy
) -> GuardResult:
    """Check the text ``fields`` of an answer against ``facts`` and ``policy``.

    ``language`` is the BCP 47 tag the text was asked in; the figures may be written in any
    supported locale.
    """
    raise NotImplementedError
