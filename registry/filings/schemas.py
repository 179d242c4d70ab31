"""API shapes of filings, their transitions and list filters."""

import marshmallow as ma
from marshmallow import validate

from registry.filings.models import KINDS, MAX_CAPACITY_TPA, STATUSES
from registry.messages import Template
from registry.replacement.schemas import ReplacementIn, ReplacementOut
from registry.rest.fields import Id, Month, Province, Text, Timestamp, Tonnes, plain_text
from registry.rest.schema import REQUIRED, Schema

CELL_AMPERAGE = validate.Range(min=50, max=1500)
MAX_REPLACEMENTS = 100


AMENDMENT_CHANGES_NOTHING = Template("amendment_changes_nothing",
                                     "An amendment gives a new capacity_tpa and/or effective_month, or cancel: true.")
CANCEL_CHANGES_NOTHING = Template("cancel_alone", "A cancellation takes neither capacity_tpa nor effective_month.")
CANCEL_NEEDS_ORIGINAL = Template("cancel_needs_amends_id", "Only an amendment (amends_id) can cancel a filing.")
NEW_FILING_FIELDS = ("smelter_id", "kind", "capacity_tpa", "effective_month")


def _excused(schema: ma.Schema, partial) -> bool | tuple:
    """True when every field may be missing, else the names that may (marshmallow's ``partial``)."""
    partial = schema.partial if partial is None else partial
    if partial is True:
        return True
    return tuple(partial or ())


class FilingIn(Schema):
    """A new filing; or, with ``amends_id``, an amendment of an approved one (its smelter and kind)."""

    smelter_id = Id(metadata={"description": "Required, except in an amendment (the original's)."})
    kind = ma.fields.String(validate=validate.OneOf(KINDS),
                            metadata={"description": "Required, except in an amendment (the original's)."})
    capacity_tpa = Tonnes(MAX_CAPACITY_TPA, minimum=1,
                          metadata={"description": "Required, except in an amendment (default: the original's)."})
    effective_month = Month(metadata={"description": "Required, except in an amendment (default: the "
                                                     "original's)."})
    amends_id = Id(metadata={"description": "An approved filing of your enterprise that this one changes: "
                                            "postponed or brought forward, reduced or increased, or cancelled."})
    cancel = ma.fields.Boolean(load_default=False, metadata={
        "description": "With amends_id: cancel the original altogether (no capacity_tpa, no effective_month)."})
    notes = Text(load_default="")
    cell_count = ma.fields.Integer(strict=True, allow_none=True,
                                   validate=validate.Range(min=1, max=20_000))
    cell_amperage_ka = ma.fields.Integer(strict=True, allow_none=True, validate=CELL_AMPERAGE)
    replacements = ma.fields.List(
        ma.fields.Nested(ReplacementIn), validate=validate.Length(max=MAX_REPLACEMENTS),
        metadata={"description": "new_capacity only: your enterprise's indicators and the tonnes of each "
                                 "this filing uses; approval needs them to sum to capacity x the province's "
                                 "replacement ratio."})


    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _new_or_amendment(self, data, original, partial=None, **_kwargs):
        """A new filing names everything; an amendment names what changes (``partial``: fields excused).

        Checked beside the fields' own errors (as ``required`` would be), on what was sent.
        """
        excused = _excused(self, partial)
        if excused is True or not isinstance(original, dict):
            return
        sent = set(original)
        if data.get("amends_id") is None and "amends_id" not in sent:
            missing = {name: [REQUIRED()] for name in NEW_FILING_FIELDS if name not in sent and name not in excused}
            if data.get("cancel"):
                missing["cancel"] = [CANCEL_NEEDS_ORIGINAL()]
            if missing:
                raise ma.ValidationError(missing)
        elif data.get("cancel"):
            given = [name for name in ("capacity_tpa", "effective_month") if name in data]
            if given:
                raise ma.ValidationError({name: [CANCEL_CHANGES_NOTHING()] for name in given})
        elif "capacity_tpa" not in sent and "effective_month" not in sent:
            raise ma.ValidationError({"capacity_tpa": [AMENDMENT_CHANGES_NOTHING()]})


class FilingPatch(FilingIn):
    """A draft or returned filing's editable fields; the smelter, the original and cancel stay."""

    class Meta:
        exclude = ("smelter_id", "amends_id", "cancel")

    @ma.validates_schema(skip_on_field_errors=False, pass_original=True)
    def _new_or_amendment(self, data, original, partial=None, **_kwargs):
        """The web form sends every field (not partial); the API's PATCH only what changes."""
        excused = _excused(self, partial)
        if excused is True or not isinstance(original, dict):
            return
        missing = {name: [REQUIRED()] for name in NEW_FILING_FIELDS[1:] if name not in original
                   and name not in excused}
        if missing:
            raise ma.ValidationError(missing)


class ApprovalOut(Schema):
    by = ma.fields.Integer(metadata={"description": "The reviewer or admin who approved."})
    at = Timestamp()


class FilingOut(Schema):
    id = ma.fields.Integer()
    smelter_id = ma.fields.Integer()
    enterprise_id = ma.fields.Integer(attribute="smelter.enterprise_id")
    province = ma.fields.String(attribute="smelter.province")
    kind = ma.fields.String()
    capacity_tpa = ma.fields.Integer()
    effective_month = ma.fields.String()
    status = ma.fields.String()
    notes = ma.fields.String()
    decision_note = ma.fields.String(allow_none=True)
    cell_count = ma.fields.Integer(allow_none=True)
    cell_amperage_ka = ma.fields.Integer(allow_none=True)
    replacements = ma.fields.List(ma.fields.Nested(ReplacementOut))
    submitted_at = Timestamp(allow_none=True)
    decided_at = Timestamp(allow_none=True)
    decided_by = ma.fields.Integer(allow_none=True)
    created_by = ma.fields.Integer()
    created_at = Timestamp()
    version = ma.fields.Integer()
    amends_id = ma.fields.Integer(allow_none=True, metadata={"description": "The approved filing this amends."})
    cancel = ma.fields.Boolean(metadata={"description": "An amendment that cancels its original."})
    superseded_by = ma.fields.Integer(allow_none=True, metadata={
        "description": "The approved amendment that replaced or cancelled this filing."})
    approvals = ma.fields.List(ma.fields.Nested(ApprovalOut), metadata={
        "description": "Who approved and when: two different people from FOUR_EYES_THRESHOLD_TPA on (the first "
                       "moves the filing to awaiting_second_approval)."})


class CapPreviewOut(Schema):
    cap_id = ma.fields.Integer()
    name = ma.fields.String()
    scope = ma.fields.String()
    scope_ref = ma.fields.String(allow_none=True)
    basis = ma.fields.String()
    affected = ma.fields.Boolean(metadata={"description": "Whether the filing changes a month of the cap's period."})
    month = ma.fields.String(allow_none=True, metadata={"description": "The affected month where the cap ends "
                                                                      "highest."})
    delta_tpa = ma.fields.Integer()
    usage_tpa = ma.fields.Integer(allow_none=True)
    resulting_tpa = ma.fields.Integer(allow_none=True)
    limit_tpa = ma.fields.Integer()
    excess_tpa = ma.fields.Integer()
    status = ma.fields.String(allow_none=True)
    refused = ma.fields.Boolean()


class ChecksOut(Schema):
    filing_id = ma.fields.Integer()
    status = ma.fields.String()
    checked = ma.fields.Boolean(metadata={"description": "False once the filing is decided: nothing is left to "
                                                         "check."})
    would_pass = ma.fields.Boolean(metadata={"description": "Whether an approval now would pass every rule."})
    refusals = ma.fields.List(ma.fields.Dict(), metadata={
        "description": "What an approval now would refuse, each as the 409 problem the approval would answer "
                       "(code, detail in the request's language, the figures)."})
    caps = ma.fields.List(ma.fields.Nested(CapPreviewOut), metadata={
        "description": "Each covering cap at its worst affected month, before and after approval."})


class TransitionIn(Schema):
    note = Text(load_default=None, allow_none=True)


class DecisionIn(Schema):
    """Reject and return say why."""

    note = ma.fields.String(required=True, validate=[validate.Length(min=1, max=4000), plain_text])


class FilingFilter(Schema):
    status = ma.fields.String(validate=validate.OneOf(STATUSES))
    kind = ma.fields.String(validate=validate.OneOf(KINDS))
    smelter_id = Id(strict=False)
    enterprise_id = Id(strict=False)
    province = Province()
    effective_from = Month()
    effective_to = Month()
