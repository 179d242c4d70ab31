"""Translated names for the codes the registry stores (kinds, statuses, scopes ...).

The words are those of domain.md, so the UI speaks the members' language:
复产, 新增产能, 减产, 关停; 草稿, 已提交, 已退回, 已批准, 已驳回, 已撤回.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

KINDS = {
    "restart": _l("Restart"),
    "new_capacity": _l("New capacity"),
    "curtailment": _l("Curtailment"),
    "closure": _l("Closure"),
}

STATUSES = {
    "draft": _l("Draft"),
    "submitted": _l("Submitted"),
    "returned": _l("Returned"),
    "approved": _l("Approved"),
    "rejected": _l("Rejected"),
    "withdrawn": _l("Withdrawn"),
    "superseded": _l("Superseded"),
    "cancelled": _l("Cancelled"),
    "awaiting_second_approval": _l("Awaiting second approval"),
}

# The buttons of the workflow (registry.filings.workflow.TRANSITIONS).
ACTIONS = {
    "submit": _l("Submit"),
    "withdraw": _l("Withdraw"),
    "approve": _l("Approve"),
    "reject": _l("Reject"),
    "return": _l("Return for changes"),
}

# What the audit trail says happened.
EVENTS = {
    "create": _l("Created"),
    "update": _l("Edited"),
    "submit": _l("Submitted"),
    "withdraw": _l("Withdrawn"),
    "approve": _l("Approved"),
    "reject": _l("Rejected"),
    "return": _l("Returned for changes"),
    "approve_refused": _l("Approval refused"),
    "supersede": _l("Superseded by an amendment"),
    "cancel": _l("Cancelled by an amendment"),
    "first_approve": _l("First approval (four eyes)"),
    "publish_notice": _l("Public notice recorded"),
    "raise_objection": _l("Objection raised"),
    "resolve_objection": _l("Objection resolved"),
    "announce": _l("Announcement recorded"),
    "record_dismantling": _l("Dismantling recorded"),
    "confirm_dismantling": _l("Dismantling confirmed"),
}

ROLES = {
    "admin": _l("Administrator"),
    "reviewer": _l("Reviewer"),
    "auditor": _l("Auditor"),
    "filer": _l("Filer"),
}

SCOPES = {
    "national": _l("National"),
    "province": _l("Province"),
    "enterprise": _l("Enterprise"),
}

BASES = {
    "operating_capacity": _l("Operating capacity"),
    "built_capacity": _l("Built capacity"),
    "monthly_additions": _l("Monthly additions"),
}

CAP_STATUSES = {
    "ok": _l("Within limit"),
    "warning": _l("Near limit"),
    "breach": _l("Above limit"),
}

POWER_SOURCES = {
    "captive_coal": _l("Captive coal power"),
    "grid": _l("Grid"),
    "hydro": _l("Hydropower"),
    "other": _l("Other"),
}

# How an indicator's tonnes changed hands (MIIT 2018 No. 12): 兼并重组, 集团内部调配, 指标交易.
ROUTES = {
    "merger": _l("Merger"),
    "intra_group": _l("Intra-group transfer"),
    "trade": _l("Indicator trade"),
}


def label(table: dict, code: str | None) -> str:
    """The translated name of ``code``, or the code itself when unknown."""
    if code is None:
        return ""
    return str(table.get(code, code))


NOTICE_STATES = {  # a replacement plan's public notice (registry.evidence.services)
    "in_notice": _l("In its notice period"),
    "notice_ended": _l("Notice ended, not yet announced"),
    "objection_open": _l("Objection open"),
    "renotice_required": _l("Objection upheld: publish again"),
    "announced": _l("Announced"),
}

SUMMARY_FIELDS = {  # a summary's figures, where a page names one (a closed month's amendments)
    "built_tpa": _l("Built capacity (t/a)"), "operating_tpa": _l("Operating capacity (t/a)"),
    "idle_tpa": _l("Idle capacity (t/a)"), "additions_tpa": _l("Additions this month (t/a)"),
    "reductions_tpa": _l("Reductions this month (t/a)"), "pending_additions_tpa": _l("Pending additions (t/a)"),
    "reported_operating_tpa": _l("Reported operating capacity (t/a)"), "production_t": _l("Production (t)"),
    "deviation_tpa": _l("Deviation (t/a)"), "smelters": _l("Number of smelters"), "returns_in": _l("Returns in"),
    "returns_missing": _l("Returns missing"), "usage_tpa": _l("Approved usage (t/a)"),
    "pending_tpa": _l("Usage with pending filings (t/a)"), "headroom_tpa": _l("Headroom (t/a)"),
    "limit_tpa": _l("Limit (t/a)"), "status": _l("Status"), "pending_status": _l("Status with pending filings"),
    "return": _l("Return"), "above_approved": _l("Above approved"),
}
