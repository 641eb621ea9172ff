"""A batch's candidates hold every entry of the exact top lists, even where floats collide."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shared.workspace_lists import (
    COMPANY_SCOPE,
    LIST_LENGTH,
    CustomerEntry,
    candidates,
    highest_balances,
    most_overdue,
)

# Amounts near 2**53 cents, where neighbouring cents round to the same float, and small ones.
AMOUNTS = st.one_of(
    st.integers(9_007_199_254_740_950, 9_007_199_254_741_000),
    st.integers(-500, 5_000),
).map(lambda cents: str(Decimal(cents).scaleb(-2)))


def entry(account: int, agent: str | None, balance: str, overdue: str) -> CustomerEntry:
    return CustomerEntry(
        f"C-{account:05d}", f"Customer {account}", agent, balance, overdue,
        None, None, False, 1, "2025-06-30", None, (),
    )  # fmt: skip


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.sampled_from([None, "ana", "ben"]), AMOUNTS, AMOUNTS),
        min_size=LIST_LENGTH,
        max_size=2 * LIST_LENGTH + 50,
    )
)
def test_the_candidates_hold_the_exact_top_lists(
    rows: list[tuple[str | None, str, str]],
) -> None:
    entries = [entry(i, *row) for i, row in enumerate(rows)]

    partial = candidates(entries)

    agents = {e.agent for e in entries if e.agent is not None}
    assert set(partial) == {COMPANY_SCOPE, *agents}
    for scope, chosen in partial.items():
        members = [e for e in entries if scope == COMPANY_SCOPE or e.agent == scope]
        assert chosen == sorted(chosen, key=lambda e: e.account)
        for exact in (highest_balances, most_overdue):
            assert exact(chosen, LIST_LENGTH) == exact(members, LIST_LENGTH)
