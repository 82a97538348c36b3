"""Sizes in bytes: read "1.5 GiB" as a number of bytes, and write bytes for people to read.

An example worth keeping as a pattern: pure functions, typed, documented, and one exception type
that callers (the command line among them) catch to report a bad input.
"""

from __future__ import annotations

import re
from fractions import Fraction

__all__ = ["SizeError", "format_size", "parse_size"]

_DECIMAL_UNITS = ("B", "kB", "MB", "GB", "TB", "PB")
_BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB")
_FACTORS: dict[str, int] = {
    "": 1,
    **{unit.lower(): 1000**power for power, unit in enumerate(_DECIMAL_UNITS)},
    **{unit.lower(): 1024**power for power, unit in enumerate(_BINARY_UNITS)},
}
_SIZE = re.compile(
    r"\s*(?P<number>\d+(?:\.\d+)?|\.\d+)\s*(?P<unit>[a-z]*)\s*", re.ASCII | re.IGNORECASE
)


class SizeError(ValueError):
    """A text that is not a size, or a negative number given as one."""


def parse_size(text: str) -> int:
    """Return the number of bytes a size such as ``"1.5 GiB"`` stands for.

    A size is a number and an optional unit, in any letter case: decimal units (kB, MB, GB, TB,
    PB) are powers of 1000, binary units (KiB, MiB, GiB, TiB, PiB) powers of 1024, and a bare
    number or ``B`` counts bytes. A fraction of a byte is rounded to the nearest whole byte.

    Args:
        text: the size, e.g. ``"1536"``, ``"1.5KiB"`` or ``"2 MB"``.

    Returns:
        The size in bytes.

    Raises:
        SizeError: ``text`` is not a number followed by a known unit.

    Examples:
        >>> parse_size("1.5 KiB")
        1536
        >>> parse_size("2MB")
        2000000
    """
    match = _SIZE.fullmatch(text)
    if match is None:
        msg = f"not a size: {text!r} (expected a number and a unit, e.g. 1.5GiB)"
        raise SizeError(msg)
    number: str = match["number"]
    unit: str = match["unit"]
    if unit.lower() not in _FACTORS:
        known = ", ".join((*_DECIMAL_UNITS, *_BINARY_UNITS[1:]))
        msg = f"unknown unit {unit!r} in {text!r} (known units: {known})"
        raise SizeError(msg)
    return round(Fraction(number) * _FACTORS[unit.lower()])


def format_size(size: int, *, binary: bool = True, precision: int = 1) -> str:
    """Return ``size`` bytes as text for people, in the largest unit that keeps it at least 1.

    Args:
        size: a number of bytes, zero or more.
        binary: use binary units (KiB, MiB: powers of 1024); ``False`` for decimal ones
            (kB, MB: powers of 1000).
        precision: the most digits after the decimal point; trailing zeros are dropped.

    Returns:
        The size with its unit, e.g. ``"1.5 KiB"``.

    Raises:
        SizeError: ``size`` or ``precision`` is negative.

    Examples:
        >>> format_size(1536)
        '1.5 KiB'
        >>> format_size(2_000_000, binary=False)
        '2 MB'
    """
    if size < 0 or precision < 0:
        msg = f"size and precision cannot be negative: size={size}, precision={precision}"
        raise SizeError(msg)
    base, units = (1024, _BINARY_UNITS) if binary else (1000, _DECIMAL_UNITS)
    scale = 10**precision
    power, scaled = 0, size * scale
    while scaled >= base * scale and power < len(units) - 1:
        power += 1
        scaled = round(Fraction(size * scale, base**power))
    whole, fraction = divmod(scaled, scale)
    digits = f"{fraction:0{precision}d}".rstrip("0") if precision else ""
    number = f"{whole}.{digits}" if digits else f"{whole}"
    return f"{number} {units[power]}"
