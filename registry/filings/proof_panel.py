"""What the filing page shows of a plan's proof of replacement, or a closure's dismantling, with its forms."""

from __future__ import annotations

from flask_login import current_user

from registry.evidence import services
from registry.evidence.rules import closures_behind
from registry.filings.forms import AnnouncementForm, DismantlingForm, NoticeForm, ObjectionForm, ResolutionForm
from registry.filings.models import CLOSURE, NEW_CAPACITY, OPEN, REJECTED, WITHDRAWN, Filing
from registry.roles import ADMIN, FILER, REVIEWER
from registry.ui.forms import ActionForm


def proof_of(filing: Filing, forms: dict | None = None) -> dict | None:
    """What the filing page shows of its proof, and the forms the user may post, or None for other kinds."""
    forms = forms or {}
    role = current_user.role
    if filing.kind == NEW_CAPACITY:
        notice = services.current_notice(filing.id)
        state = services.notice_state(notice)
        open_plan = filing.status in OPEN and not filing.cancel
        may_record = open_plan and role in (FILER, REVIEWER, ADMIN)
        may_object = open_plan and role in (REVIEWER, ADMIN) and notice is not None and notice.announced_on is None
        return {
            "kind": "plan", "notice": notice, "state": state, "closures": closures_behind(filing),
            "forms": {
                "notice": (forms.get("notice") or NoticeForm()) if may_record and state != services.ANNOUNCED
                else None,
                "announcement": (forms.get("announcement") or AnnouncementForm())
                if may_record and state in (services.ENDED, services.RUNNING) else None,
                "objection": (forms.get("objection") or ObjectionForm()) if may_object else None,
                "resolve": (forms.get("resolve") or ResolutionForm()) if may_object else None,
            },
        }
    if filing.kind == CLOSURE:
        row = services.dismantling_of(filing.id)
        live = filing.status not in (REJECTED, WITHDRAWN)
        return {
            "kind": "closure", "dismantling": row,
            "forms": {
                "dismantling": (forms.get("dismantling") or DismantlingForm())
                if live and role in (FILER, REVIEWER, ADMIN) else None,
                "confirm": ActionForm() if live and row is not None and row.confirmed_at is None
                and role in (REVIEWER, ADMIN) else None,
            },
        }
    return None
