"""Money on the wire: exact decimal strings in, minor-unit decimal strings out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from shared.currencies import is_known_currency, minor_unit
from shared.money import AmountError, format_amount, parse_amount, to_minor_unit


@pytest.mark.parametrize(
    ("text", "currency", "expected"),
    [
        ("1234.50", "EUR", "1234.50"),
        ("1234.5", "EUR", "1234.50"),
        ("7", "EUR", "7.00"),
        ("0.01", "EUR", "0.01"),
        ("1500", "JPY", "1500"),
        ("12.345", "KWD", "12.345"),
        ("12.3", "KWD", "12.300"),
        ("12.300", "EUR", "12.30"),  # trailing zeros round nothing
        ("-0.00", "EUR", "0.00"),
    ],
)
def test_a_decimal_string_is_read_exactly(text: str, currency: str, expected: str) -> None:
    value = parse_amount(text, currency)

    assert value == Decimal(expected)
    assert str(value) == expected


@pytest.mark.parametrize(
    ("text", "currency"),
    [
        ("12.345", "EUR"),
        ("0.001", "EUR"),
        ("1500.5", "JPY"),
        ("12.3456", "KWD"),
        ("12.00001", "USD"),
    ],
)
def test_too_many_decimals_are_refused_not_rounded(text: str, currency: str) -> None:
    with pytest.raises(AmountError, match="more decimals"):
        parse_amount(text, currency)


@pytest.mark.parametrize("number", [12.5, 12, 0.1, True, None, Decimal("12.50")])
def test_anything_but_a_string_is_refused(number: object) -> None:
    with pytest.raises(AmountError, match="decimal string"):
        parse_amount(number, "EUR")


@pytest.mark.parametrize(
    "text", ["", "abc", "12,50", "1e3", "1_000.00", "NaN", "Infinity", "١٢.٣٠", "12.5.0"]
)
def test_what_is_not_plain_decimal_notation_is_refused(text: str) -> None:
    with pytest.raises(AmountError, match="not a decimal number"):
        parse_amount(text, "EUR")


def test_an_amount_beyond_the_decimal_context_is_refused_as_an_amount() -> None:
    with pytest.raises(AmountError, match="too large"):
        parse_amount("9" * 40, "EUR")


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("1234.5", "EUR", "1234.50"),
        ("5", "EUR", "5.00"),
        ("1E+3", "EUR", "1000.00"),
        ("-100.00", "EUR", "-100.00"),
        ("-0.00", "EUR", "0.00"),
        ("-0", "JPY", "0"),
        ("-0.000", "KWD", "0.000"),
        ("5418", "JPY", "5418"),
        ("0.5", "KWD", "0.500"),
    ],
)
def test_amounts_are_written_with_the_minor_unit_and_never_as_minus_zero(
    value: str, currency: str, expected: str
) -> None:
    assert format_amount(Decimal(value), currency) == expected


def test_writing_refuses_to_round_a_figure_that_is_not_exact() -> None:
    with pytest.raises(AmountError, match="more decimals"):
        format_amount(Decimal("0.005"), "EUR")
    with pytest.raises(AmountError, match="more decimals"):
        format_amount(Decimal("0.5"), "JPY")


@pytest.mark.parametrize(
    ("value", "currency", "expected"),
    [
        ("0.005", "EUR", "0.01"),
        ("0.015", "EUR", "0.02"),
        ("0.0049", "EUR", "0.00"),
        ("2.5", "JPY", "3"),
        ("0.0005", "KWD", "0.001"),
        ("-0.005", "EUR", "-0.01"),
    ],
)
def test_the_one_rounding_is_half_up(value: str, currency: str, expected: str) -> None:
    rounded = to_minor_unit(Decimal(value), currency)

    assert str(rounded) == expected


def test_minor_units_follow_iso_4217() -> None:
    assert [minor_unit(code) for code in ("JPY", "EUR", "USD", "KWD", "BHD", "CLF")] == [
        0,
        2,
        2,
        3,
        3,
        4,
    ]
    assert is_known_currency("HUF")
    assert not is_known_currency("XXX")
    with pytest.raises(KeyError):
        minor_unit("ABC")
