"""Translated names for the codes the registry stores (kinds, statuses, scopes ...).

The words are those of domain.md, so the UI speaks the members' language:
复产, 新增产能, 减产, 淘汰; 草稿, 已提交, 已退回, 已批准, 已驳回, 已撤回.
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

def label(table: dict, code: str | None) -> str:
    """The translated name of ``code``, or the code itself when unknown."""
    if code is None:
        return ""
    return str(table.get(code, code))
