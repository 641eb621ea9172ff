"""Money: exact decimal amounts, never floats.

Every amount in the ledger is a ``decimal.Decimal`` with at most as many decimals as its
currency's minor unit. Amounts arrive as decimal strings and leave as decimal strings with
exactly the minor unit's decimals (``"1234.50"``), so a figure is never rounded on the way in
and always printed the same way on the way out. The only rounding in the product happens in
``to_minor_unit``: when an open amount is converted to the accounting currency at its
transaction's own rate.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shared.currencies import minor_unit

ZERO = Decimal("0")

_QUANTUMS = {digits: Decimal(1).scaleb(-digits) for digits in range(5)}

_DECIMAL_STRING = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


class AmountError(ValueError):
    """An amount that cannot be money: not a decimal string, or too many decimals."""


def parse_amount(text: object, currency: str) -> Decimal:
    """Read a decimal string as an amount in ``currency``, refusing to round.

    Numbers in JSON are refused too: a float such as ``0.1`` has already lost the amount
    before it reaches us. Only plain decimal notation with ASCII digits is read: ``Decimal``
    would also take ``"1_000"``, ``"1e3"`` or Arabic-Indic digits, which no ledger writes and
    which hide typing mistakes. Trailing zeros beyond the minor unit (``"12.300"`` in euros)
    change nothing and are accepted.

    >>> parse_amount("12.30", "EUR")
    Decimal('12.30')
    """
    if not isinstance(text, str):
        raise AmountError('must be a decimal string such as "1234.50", not a JSON number.')
    if not _DECIMAL_STRING.fullmatch(text.strip()):
        raise AmountError(f'{text!r} is not a decimal number such as "1234.50".')
    value = Decimal(text.strip())

    digits = minor_unit(currency)
    try:
        exact = value.quantize(_QUANTUMS[digits], rounding=ROUND_HALF_UP)
    except InvalidOperation:
        # More digits than the decimal context holds: no ledger amount is that large.
        raise AmountError(f"{text!r} is too large to be an amount.") from None
    if exact != value:
        raise AmountError(
            f"{text!r} has more decimals than {currency} allows ({digits}); "
            "send the amount as it stands in the ledger, not rounded or converted."
        )

    # "-0.00" is zero; keep its sign from reaching a figure.
    return exact if not exact.is_zero() else abs(exact)


def to_minor_unit(value: Decimal, currency: str) -> Decimal:
    """Round ``value`` half up to ``currency``'s minor unit."""
    return value.quantize(_QUANTUMS[minor_unit(currency)], rounding=ROUND_HALF_UP)


def format_amount(value: Decimal, currency: str) -> str:
    """Write ``value`` as the wire format's decimal string with the minor unit's decimals.

    A figure reaches this point already exact in the minor unit; one that is not is a defect
    upstream, so it is refused rather than rounded a second time on the way out.

    >>> format_amount(Decimal("-0.00"), "EUR")
    '0.00'
    """
    try:
        exact = value.quantize(_QUANTUMS[minor_unit(currency)], rounding=ROUND_HALF_UP)
    except InvalidOperation:
        raise AmountError(f"{value} is too large to be written as {currency}.") from None
    if exact != value:
        raise AmountError(f"{value} has more decimals than {currency} allows; round it first.")

    # A settled amount can come out as Decimal("-0.00"); finance readers expect "0.00".
    return f"{abs(exact) if exact.is_zero() else exact:f}"
