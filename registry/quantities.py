"""Tonnages as people write them: 100000, 100,000, 10万, 10.5万吨, full-width digits.

For web forms and imported sheets only: the API takes a JSON integer.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

TEN_THOUSAND = 10_000
# Dropped before reading: thousands separators and spaces (NFKC has made "，" a ",").
SEPARATORS = str.maketrans("", "", ", \u00a0\u2009\u202f'_")
NUMBER = re.compile(r"([+-]?)([0-9]{1,30}(?:\.[0-9]{0,12})?|\.[0-9]{1,12})", re.ASCII)
# A unit after the figure; only 万 changes it.
UNIT = re.compile(r"(万)?(?:吨(?:/年)?|t(?:/a)?|tpa)?", re.IGNORECASE)


def parse_tonnes(text: object, *, ten_thousands: bool = True) -> int | None:
    """Whole tonnes from a text such as "100,000", "10万" or "10.5万吨", or None when it is not one.

    A fraction of a tonne is not a whole number (None); with ``ten_thousands``
    false (a count of cells), 万 is not read either.
    """
    if not isinstance(text, str) or len(text) > 60:
        return None
    compact = unicodedata.normalize("NFKC", text).translate(SEPARATORS)
    number = NUMBER.match(compact)
    if not number:
        return None
    unit = UNIT.fullmatch(compact[number.end():])
    if not unit or (unit.group(1) and not ten_thousands):
        return None
    try:
        value = Decimal(number.group(2))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    if unit.group(1):
        value *= TEN_THOUSAND
    if value != value.to_integral_value():
        return None
    whole = int(value)
    return -whole if number.group(1) == "-" else whole
