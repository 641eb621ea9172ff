"""Amounts in written texts keep the currency's ISO minor unit, whatever CLDR displays."""

from __future__ import annotations

import pytest

from shared.template_writer import LocaleText


@pytest.mark.parametrize(
    ("locale", "value", "currency", "written"),
    [
        ("de", "1234.56", "HUF", "1.234,56\xa0HUF"),
        ("en", "1500", "JPY", "¥1,500"),
        ("fr", "1234.567", "KWD", "1\u202f234,567\xa0KWD"),
        ("en", "1234.50", "USD", "$1,234.50"),
        ("de", "0.01", "EUR", "0,01\xa0€"),
    ],
)
def test_amounts_are_written_to_the_minor_unit(
    locale: str, value: str, currency: str, written: str
) -> None:
    assert LocaleText(locale).amount(value, currency) == written
