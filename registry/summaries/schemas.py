"""API shapes of summaries (documentation of the JSON, which the services build)."""

import marshmallow as ma
from marshmallow import validate

from registry.rest.fields import NOTE_LENGTH, Timestamp, plain_text
from registry.rest.schema import Schema

Int = ma.fields.Integer
Str = ma.fields.String


class CorrectionIn(Schema):
    note = Str(required=True, validate=[validate.Length(min=1, max=NOTE_LENGTH), plain_text],
               metadata={"description": "What the correction corrects (shown beside the revision)."})


class TotalsOut(Schema):
    """Figures summed over smelters. A filer's copy has null for each national figure that fails the
    disclosure rule (fewer than 3 enterprises, or one above 75 %): its own rows are given in full."""

    built_tpa = Int(allow_none=True)
    operating_tpa = Int(allow_none=True)
    idle_tpa = Int(allow_none=True)
    additions_tpa = Int(allow_none=True, metadata={
        "description": "Approved restarts and new capacity effective this month."})
    reductions_tpa = Int(allow_none=True, metadata={
        "description": "Approved curtailments and closures effective this month."})
    pending_additions_tpa = Int(allow_none=True, metadata={
        "description": "Restarts and new capacity effective this month in submitted filings not yet decided."})
    reported_operating_tpa = Int(allow_none=True, metadata={"description": "Sum over smelters whose return is in."})
    production_t = Int(allow_none=True)
    deviation_tpa = Int(allow_none=True, metadata={
        "description": "Reported minus approved operating, over returns in."})
    smelters = Int()
    returns_in = Int()
    returns_missing = Int()


class CapRowOut(Schema):
    cap_id = Int()
    name = Str()
    scope = Str()
    scope_ref = Str(allow_none=True)
    basis = Str()
    limit_tpa = Int()
    usage_tpa = Int(allow_none=True)
    pending_tpa = Int(allow_none=True)
    headroom_tpa = Int(allow_none=True)
    status = Str(metadata={"enum": ["ok", "warning", "breach"]})
    pending_status = Str(metadata={"enum": ["ok", "warning", "breach"]})


class SmelterRowOut(Schema):
    smelter_id = Int()
    name = Str()
    province = Str()
    enterprise_id = Int()
    enterprise_name = Str()
    uscc = Str()
    built_tpa = Int(metadata={"description": "Approved position at the end of the month."})
    operating_tpa = Int()
    idle_tpa = Int()
    additions_tpa = Int()
    reductions_tpa = Int()
    pending_additions_tpa = Int()
    reported_operating_tpa = Int(allow_none=True)
    production_t = Int(allow_none=True)
    deviation_tpa = Int(allow_none=True, metadata={"description": "Reported minus approved operating."})
    above_approved = ma.fields.Boolean()
    return_ = Str(data_key="return", metadata={
        "enum": ["in", "missing", "not_due", "not_required"],
        "description": "missing only after the due date; not_required for inactive members "
                       "and smelters with nothing built."})
    return_revision = Int(allow_none=True)
    return_late = ma.fields.Boolean(allow_none=True)


class AggregateRowOut(TotalsOut):
    enterprise_id = Int()
    name = Str()
    uscc = Str()


class ProvinceRowOut(TotalsOut):
    province = Str()


class ExceptionOut(Schema):
    """Cap exceptions carry the cap's figures; smelter exceptions the smelter's.

    ``production_implausible``: a return's production above its reported
    operating capacity x days in the month / 365 by more than 5 %, or above
    its approved built capacity at the month's end x days / 365 (domain.md).
    One per smelter and month (kind and smelter_id identify it in amendments).
    """

    kind = Str(metadata={"enum": ["cap_breach", "cap_warning", "operating_above_approved",
                                  "production_implausible", "missing_return"]})
    cap_id = Int()
    cap_name = Str()
    usage_tpa = Int(allow_none=True)
    limit_tpa = Int()
    smelter_id = Int()
    smelter_name = Str()
    enterprise_id = Int()
    reported_operating_tpa = Int()
    approved_operating_tpa = Int()
    excess_tpa = Int(metadata={"description": "How far above its limit, as everywhere excess_tpa is: reported above "
                                              "approved operating capacity (a row's deviation_tpa is the signed "
                                              "difference, so equal here)."})
    production_t = Int(metadata={"description": "production_implausible: the tonnes the return reports."})
    built_tpa = Int(metadata={"description": "production_implausible: the approved built position at the "
                                             "month's end."})
    max_from_operating_t = Int(metadata={
        "description": "production_implausible: the most tonnes the reported operating capacity gives in the "
                       "month with the 5 % tolerance (operating x days x 105 / 36,500, rounded down)."})
    max_from_built_t = Int(metadata={
        "description": "production_implausible: the most tonnes the built capacity gives in the month "
                       "(built x days / 365, rounded down). Either bound exceeded makes the exception."})
    detail = Str(allow_none=True, metadata={"description": "The exception in English, with its figures."})


class UtilisationOut(Schema):
    target = ma.fields.Float(metadata={"description": "Document No. 42's target (UTILISATION_TARGET)."})
    approved = ma.fields.Float(allow_none=True, metadata={"description": "Operating over built, approved."})
    reported = ma.fields.Float(allow_none=True, metadata={
        "description": "Reported operating over built, of smelters whose return is in."})
    meets_target = ma.fields.Boolean(allow_none=True)


class SummaryOut(Schema):
    month = Str()
    closed = ma.fields.Boolean()
    sha256 = Str(allow_none=True, metadata={"description": "SHA-256 of the frozen canonical JSON; null while open."})
    revision = Int(allow_none=True)
    closed_at = Timestamp(allow_none=True)
    closed_by = Int(allow_none=True)
    note = Str(allow_none=True)
    audit_head = ma.fields.Dict(allow_none=True, metadata={
        "description": "Once closed: the audit chain's head {seq, hash} (as /audit-events/head gives it) when the "
                       "month was closed, part of the "
                       "frozen body (so of its sha256); null while open, absent from revisions frozen before "
                       "the chain."})
    scope = ma.fields.Dict(allow_none=True, metadata={
        "description": "For a filer: {enterprise_id}; the rows are then that enterprise's only."})
    returns_due_on = ma.fields.Date()
    totals = ma.fields.Nested(TotalsOut)
    utilisation = ma.fields.Nested(UtilisationOut)
    caps = ma.fields.List(ma.fields.Nested(CapRowOut))
    exceptions = ma.fields.List(ma.fields.Nested(ExceptionOut))
    enterprises = ma.fields.List(ma.fields.Nested(AggregateRowOut))
    provinces = ma.fields.List(ma.fields.Nested(ProvinceRowOut))
    smelters = ma.fields.List(ma.fields.Nested(SmelterRowOut))
    amendments = ma.fields.Dict(allow_none=True, metadata={
        "description": "Once closed: what later approvals and returns changed, live against frozen: "
                       "{changed, totals: {field: {frozen, live, delta}}, smelters/enterprises/caps: "
                       "[{id, name, changes}], exceptions_added, exceptions_resolved}."})


class RevisionOut(Schema):
    month = Str()
    revision = Int()
    sha256 = Str()
    closed_at = Timestamp()
    closed_by = Int()
    note = Str()
