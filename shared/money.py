"""Money: exact decimal amounts, never floats.

Every amount in the ledger is a ``decimal.Decimal`` with at most as many decimals as its
currency's minor unit. Amounts arrive as decimal strings and leave as decimal strings with
exactly the minor unit's decimals (``"1234.50"``), so a figure is never rounded on the way in
and always printed the same way on the way out. The only rounding in the product happens in
``to_minor_unit``: when an open amount is converted to the accounting currency at its
transaction's own rate.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shared.currencies import minor_unit

ZERO = Decimal("0")

_QUANTUMS = {digits: Decimal(1).scaleb(-digits) for digits in range(5)}


class AmountError(ValueError):
    """An amount that cannot be money: not a decimal string, or too many decimals."""


def parse_amount(text: object, currency: str) -> Decimal:
    """Read a decimal string as an amount in ``currency``, refusing to round.

    Numbers in JSON are refused too: a float such as ``0.1`` has already lost the amount
    before it reaches us.

    >>> parse_amount("12.30", "EUR")
    Decimal('12.30')
    """
    if not isinstance(text, str):
        raise AmountError('must be a decimal string such as "1234.50", not a JSON number.')
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise AmountError(f"{text!r} is not a decimal number.") from None
    if not value.is_finite():
        raise AmountError(f"{text!r} is not a finite amount.")

    digits = minor_unit(currency)
    exponent = value.as_tuple().exponent
    assert isinstance(exponent, int)
    if -exponent > digits and value != value.quantize(_QUANTUMS[digits]):
        raise AmountError(
            f"{text!r} has more decimals than {currency} allows ({digits}); "
            "send the amount as it stands in the ledger, not rounded or converted."
        )
    return value.quantize(_QUANTUMS[digits])


def to_minor_unit(value: Decimal, currency: str) -> Decimal:
    """Round ``value`` half up to ``currency``'s minor unit."""
    return value.quantize(_QUANTUMS[minor_unit(currency)], rounding=ROUND_HALF_UP)


def format_amount(value: Decimal, currency: str) -> str:
    """Write ``value`` as the wire format's decimal string with the minor unit's decimals."""
    rounded = value.quantize(_QUANTUMS[minor_unit(currency)])
    # A settled amount can come out as Decimal("-0.00"); finance readers expect "0.00".
    return f"{abs(rounded) if rounded.is_zero() else rounded:f}"
