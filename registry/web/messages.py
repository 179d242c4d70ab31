"""The services' and schemas' English messages in the reader's language.

Services raise Problems with English text (the API's language). The web
shows the same messages translated: fixed texts through the catalogue,
texts with figures through the patterns below. Unknown texts stay English
rather than disappear.
"""

from __future__ import annotations

import re

from flask_babel import gettext, lazy_gettext


def N_(text: str) -> str:  # noqa: N802  (gettext's "mark for extraction" convention)
    """Mark a message for the catalogue without translating it yet."""
    return text


FIXED = (
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Not a valid integer."),
    N_("Not a valid string."),
    N_("Not a valid boolean."),
    N_("Must be a month YYYY-MM between 1990-01 and 2100-12."),
    N_("Must not contain NUL characters."),
    N_("A USCC has 18 characters."),
    N_("Characters 3 to 8 of a USCC are the administrative division code (digits)."),
    N_("The check character of this USCC does not verify (GB 32100-2015)."),
    N_("No such smelter in your enterprise."),
    N_("No such enterprise."),
    N_("No such smelter."),
    N_("No such filing."),
    N_("No such cap."),
    N_("No such token."),
    N_("Already registered."),
    N_("The current password is not correct."),
    N_("Operating capacity cannot exceed built capacity."),
    N_("A filer needs an enterprise."),
    N_("A province cap needs a GB/T 2260 province code."),
    N_("An enterprise cap needs an existing enterprise id."),
    N_("A national cap has no scope_ref."),
    N_("Must not be before period_from."),
)

PATTERNS: tuple[tuple[re.Pattern, object], ...] = (
    (re.compile(r"^Must be greater than or equal to (?P<min>-?\d+) and less than or equal to (?P<max>-?\d+)\.$"),
     lazy_gettext("Must be between %(min)s and %(max)s.")),
    (re.compile(r"^Must be greater than or equal to (?P<min>-?\d+)\.$"),
     lazy_gettext("Must be at least %(min)s.")),
    (re.compile(r"^Longer than maximum length (?P<max>\d+)\.$"),
     lazy_gettext("At most %(max)s characters.")),
    (re.compile(r"^Length must be between (?P<min>\d+) and (?P<max>\d+)\.$"),
     lazy_gettext("Between %(min)s and %(max)s characters.")),
    (re.compile(r"^Shorter than minimum length (?P<min>\d+)\.$"),
     lazy_gettext("At least %(min)s characters.")),
    (re.compile(r"^Must be one of: .*\.$"), lazy_gettext("Choose one of the listed values.")),
    (re.compile(r"^Use at least (?P<min>\d+) characters\.$"), lazy_gettext("Use at least %(min)s characters.")),
    (re.compile(r"^Must not be before the smelter's baseline month (?P<month>\d{4}-\d{2})\.$"),
     lazy_gettext("Must not be before the smelter's baseline month %(month)s.")),
    (re.compile(r"^(?P<cells>[\d,]+) cells of (?P<ka>\d+) kA can make at most (?P<max>[\d,]+) t/a at 96 % "
                r"current efficiency\.$"),
     lazy_gettext("%(cells)s cells of %(ka)s kA can make at most %(max)s t/a at 96 %% current efficiency.")),
    (re.compile(r"^Only a draft or returned filing can be edited; this one is (?P<status>\w+)\.$"),
     lazy_gettext("Only a draft or returned filing can be edited; this one is %(status)s.")),
    (re.compile(r"^Cannot (?P<action>\w+) a filing that is (?P<status>\w+);.*$"),
     lazy_gettext("This action is not possible: the filing is now %(status)s.")),
    (re.compile(r"^Say why you (?P<action>\w+) this filing\.$"),
     lazy_gettext("Say why, in a note for the filer.")),
    (re.compile(r"^A user with e-mail (?P<email>\S+) already exists\.$"),
     lazy_gettext("A user with e-mail %(email)s already exists.")),
    (re.compile(r"^An enterprise with USCC (?P<uscc>\w+) is already registered\.$"),
     lazy_gettext("An enterprise with USCC %(uscc)s is already registered.")),
    (re.compile(r"^The (?P<role>\w+) role may not .*$"),
     lazy_gettext("Your role may not do this.")),
    (re.compile(r"^This smelter has filings from (?P<month>\d{4}-\d{2}); the baseline must not be later\.$"),
     lazy_gettext("This smelter has filings from %(month)s; the baseline must not be later.")),
)


def _number(value: str) -> str:
    """Long plain numbers get the locale's thousands separators (10000000 -> 10,000,000)."""
    if value and value.lstrip("-").isdigit() and len(value.lstrip("-")) > 4:
        from flask_babel import format_decimal

        return format_decimal(int(value))
    return value


def translate(message: str) -> str:
    """``message`` in the page's language when the catalogue knows it."""
    if message in FIXED:
        return gettext(message)
    for pattern, template in PATTERNS:
        match = pattern.match(message)
        if match:
            values = {name: _number(value) for name, value in match.groupdict().items()}
            if "status" in values:
                from registry.web import labels

                values["status"] = labels.label(labels.STATUSES, values["status"])
            return str(template) % values
    return message
