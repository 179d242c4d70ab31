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
    N_("Only a new_capacity filing lists replacements."),
    N_("Only a new_capacity filing lists replacements; send an empty list to drop them."),
    N_("Name each indicator once."),
    N_("No such indicator."),
    N_("No such province."),
    N_("The indicator already belongs to this enterprise."),
)

TPA = r"-?[\d,]+"  # tonnes as the services write them: 125,000
MONTH = r"\d{4}-\d{2}"

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
    (re.compile(r"^Must be between (?P<min>-?\d+) and (?P<max>-?\d+)\.$"),
     lazy_gettext("Must be between %(min)s and %(max)s.")),
    # Refused approvals (RuleBroken): caps, positions (registry.ledger) and replacement cover.
    (re.compile(rf"^Approving this filing would take cap \u201c(?P<cap>.+)\u201d to (?P<resulting>{TPA}) t/a in "
                rf"(?P<month>{MONTH}), (?P<excess>{TPA}) t/a above its limit of (?P<limit>{TPA}) t/a\.$"),
     lazy_gettext("Approving this filing would take cap “%(cap)s” to %(resulting)s t/a in %(month)s, %(excess)s t/a "
                  "above its limit of %(limit)s t/a.")),
    (re.compile(rf"^A closure of (?P<capacity>{TPA}) t/a exceeds the (?P<built>{TPA}) t/a built in "
                rf"(?P<month>{MONTH})\.$"),
     lazy_gettext("A closure of %(capacity)s t/a exceeds the %(built)s t/a built in %(month)s.")),
    (re.compile(rf"^A curtailment of (?P<capacity>{TPA}) t/a exceeds the (?P<operating>{TPA}) t/a operating in "
                rf"(?P<month>{MONTH})\.$"),
     lazy_gettext("A curtailment of %(capacity)s t/a exceeds the %(operating)s t/a operating in %(month)s.")),
    (re.compile(rf"^This (?P<kind>[a-z ]+) of (?P<capacity>{TPA}) t/a would leave operating capacity above built "
                rf"capacity in (?P<month>{MONTH}): only (?P<idle>{TPA}) t/a is idle then\.$"),
     lazy_gettext("This %(kind)s of %(capacity)s t/a would leave operating capacity above built capacity in "
                  "%(month)s: only %(idle)s t/a is idle then.")),
    (re.compile(rf"^With this baseline the approved filings leave (?P<operating>{TPA}) t/a operating of "
                rf"(?P<built>{TPA}) t/a built in (?P<month>{MONTH})\.$"),
     lazy_gettext("With this baseline the approved filings leave %(operating)s t/a operating of %(built)s t/a "
                  "built in %(month)s.")),
    (re.compile(rf"^New capacity of (?P<capacity>{TPA}) t/a needs (?P<required>{TPA}) t/a of replacement indicators "
                rf"\(ratio (?P<ratio>[\d.]+) in province (?P<province>\d{{2}})\); the filing offers "
                rf"(?P<offered>{TPA}) t/a, (?P<shortfall>{TPA}) t/a short\.$"),
     lazy_gettext("New capacity of %(capacity)s t/a needs %(required)s t/a of replacement indicators (ratio "
                  "%(ratio)s in %(province)s); the filing offers %(offered)s t/a, %(shortfall)s t/a short.")),
    (re.compile(rf"^Indicator #(?P<id>\d+) has (?P<remaining>{TPA}) t/a left, less than the (?P<wanted>{TPA}) t/a "
                rf"this filing would use: (?P<short>{TPA}) t/a short\.$"),
     lazy_gettext("Indicator #%(id)s has %(remaining)s t/a left, less than the %(wanted)s t/a this filing would "
                  "use: %(short)s t/a short.")),
    # Naming indicators on a filing (registry.replacement.services.set_replacements) and transfers.
    (re.compile(rf"^Indicator #(?P<id>\d+) has (?P<remaining>{TPA}) t/a left, less than the (?P<wanted>{TPA}) t/a "
                rf"named\.$"),
     lazy_gettext("Indicator #%(id)s has %(remaining)s t/a left, less than the %(wanted)s t/a named.")),
    (re.compile(r"^No indicator #(?P<id>\d+) in your enterprise\.$"),
     lazy_gettext("No indicator #%(id)s in your enterprise.")),
    (re.compile(rf"^Indicator #(?P<id>\d+) has (?P<remaining>{TPA}) t/a left; (?P<requested>{TPA}) t/a cannot be "
                rf"transferred\.$"),
     lazy_gettext("Indicator #%(id)s has %(remaining)s t/a left; %(requested)s t/a cannot be transferred.")),
)

# registry.ledger adds this when the check failed in a later month than the filing's own.
LATER = re.compile(rf" \(approved filings already take effect by (?P<month>{MONTH})\)(?=\.$)")


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
    later = LATER.search(message)
    if later:
        base = message[:later.start()] + message[later.end():]
        translated = translate(base)
        if translated == base:  # English, or a text the catalogue does not know
            return message
        return translated + gettext("(Approved filings already take effect by %(month)s.)",
                                    month=later.group("month"))
    for pattern, template in PATTERNS:
        match = pattern.match(message)
        if match:
            values = {name: _number(value) for name, value in match.groupdict().items()}
            if "status" in values:
                from registry.web import labels

                values["status"] = labels.label(labels.STATUSES, values["status"])
            if "ratio" in values:  # 1 and 1.25 as the cover tables show them: 1.00, 1.25
                values["ratio"] = f"{float(values['ratio']):.2f}"
            if "province" in values:
                from registry.web.display import province

                values["province"] = province(values["province"])
            return str(template) % values
    return message
