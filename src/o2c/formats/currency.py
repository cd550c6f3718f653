"""ISO 4217 minor units, and turning amounts into `Decimal`s with the right number of places."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from o2c.domain.money import MINOR_UNITS_NOT_2 as _MINOR_UNITS


class CurrencyError(ValueError):
    """An amount that does not fit its currency (bad code, too many decimals, not a number)."""


def minor_units(currency: str) -> int:
    """Decimal places of `currency`: 0, 2, 3 (or 4); 2 for every code not listed otherwise."""
    if len(currency) != 3 or not currency.isascii() or not currency.isalpha():
        raise CurrencyError(f"{currency!r} is not an ISO 4217 currency code")
    return _MINOR_UNITS.get(currency.upper(), 2)


def exponent(currency: str) -> Decimal:
    """The quantum of `currency`, e.g. Decimal('0.01') for EUR, Decimal('1') for JPY."""
    return Decimal(1).scaleb(-minor_units(currency))


def to_amount(text: str, currency: str) -> Decimal:
    """Parse a decimal amount (`.` or `,` as separator) and fit it to the currency's places.

    Trailing zeros beyond the minor unit are fine (`3.100` CHF); non-zero digits beyond it
    are an error (`1.5` JPY), as is anything that is not a plain number.
    """
    clean = text.strip().replace(",", ".")
    digits = clean.lstrip("+-").replace(".", "")
    if not clean or clean.count(".") > 1 or not (digits.isascii() and digits.isdigit()):
        raise CurrencyError(f"{text!r} is not an amount")
    try:
        value = Decimal(clean)
    except InvalidOperation as exc:  # pragma: no cover - guarded above
        raise CurrencyError(f"{text!r} is not an amount") from exc
    quantum = exponent(currency)
    fitted = value.quantize(quantum)
    if fitted != value:
        raise CurrencyError(
            f"{text!r} has more decimals than {currency} allows ({minor_units(currency)})"
        )
    return fitted


def from_minor(units: int, currency: str) -> Decimal:
    """An integer in minor units (BAI2's implied decimals) as a Decimal in major units."""
    return Decimal(units).scaleb(-minor_units(currency)).quantize(exponent(currency))


def to_minor(amount: Decimal, currency: str) -> int:
    """The inverse of `from_minor`: a Decimal in major units as an integer of minor units."""
    return int(amount.scaleb(minor_units(currency)).to_integral_value())


def format_amount(amount: Decimal, currency: str) -> str:
    """`amount` written with exactly the currency's decimals, `.` as separator, no sign."""
    return f"{abs(amount).quantize(exponent(currency)):f}"
