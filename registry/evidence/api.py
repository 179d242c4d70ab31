"""``/api/v1/filings/{id}/notice``, ``.../announcement`` and ``.../dismantling``: the proof of replacement."""

from __future__ import annotations

from flask_login import current_user

from registry.evidence import services
from registry.evidence.schemas import (
    AnnouncementIn,
    DismantlingIn,
    DismantlingOut,
    NoticeIn,
    NoticeOut,
    ObjectionIn,
    ResolutionIn,
)
from registry.messages import Template
from registry.problems import NotFound
from registry.rest.schema import Blueprint

NO_NOTICE_YET = Template("notice_not_published", "No notice is recorded for this filing yet.")
NO_DISMANTLING_YET = Template("dismantling_not_recorded", "No dismantling is recorded for this closure yet.")

blp = Blueprint("replacement_proof", __name__, url_prefix="/api/v1/filings",
                description="Proof of replacement: a new-capacity plan's public notice (公示, 10 working days), "
                            "objections and announcement (公告); the dismantling (拆除到位) of closures.")


def _visible(filing_id: int) -> None:
    services.visible_filing(current_user, filing_id, lock=False)  # 404 for another member's filing


@blp.route("/<int:filing_id>/notice", methods=["GET"])
@blp.response(200, NoticeOut)
def notice(filing_id):
    """The plan's current notice with its objections and announcement."""
    _visible(filing_id)
    found = services.notice_document(services.current_notice(filing_id))
    if found is None:
        raise NotFound(NO_NOTICE_YET())
    return found


@blp.route("/<int:filing_id>/notice", methods=["PUT"])
@blp.arguments(NoticeIn)
@blp.response(200, NoticeOut)
def publish(data, filing_id):
    """Record the plan's publication (filer or staff); ``ends_on`` is its 10th working day. Publishing again
    replaces the notice, its objections and any announcement."""
    return services.notice_document(services.publish_notice(filing_id, data, current_user))


@blp.route("/<int:filing_id>/notice/objections", methods=["POST"])
@blp.arguments(ObjectionIn)
@blp.response(201, NoticeOut)
def objection(data, filing_id):
    """Record an objection to the current notice (staff)."""
    return services.notice_document(services.raise_objection(filing_id, data["note"], current_user))


@blp.route("/<int:filing_id>/notice/objections/<int:objection_id>/resolve", methods=["POST"])
@blp.arguments(ResolutionIn)
@blp.response(200, NoticeOut)
def resolve(data, filing_id, objection_id):
    """Resolve an objection (reviewer or admin); upheld means the plan must be published again."""
    return services.notice_document(
        services.resolve_objection(filing_id, objection_id, data["upheld"], data["note"], current_user))


@blp.route("/<int:filing_id>/announcement", methods=["PUT"])
@blp.arguments(AnnouncementIn)
@blp.response(200, NoticeOut)
def announcement(data, filing_id):
    """Record the announcement: 422 before the notice ends or with an objection open or upheld."""
    return services.notice_document(
        services.announce(filing_id, data["announced_on"], data["document_no"], current_user))


@blp.route("/<int:filing_id>/dismantling", methods=["GET"])
@blp.response(200, DismantlingOut)
def dismantling(filing_id):
    """A closure's recorded dismantling and whether staff confirmed it."""
    _visible(filing_id)
    found = services.dismantling_document(services.dismantling_of(filing_id))
    if found is None:
        raise NotFound(NO_DISMANTLING_YET())
    return found


@blp.route("/<int:filing_id>/dismantling", methods=["PUT"])
@blp.arguments(DismantlingIn)
@blp.response(200, DismantlingOut)
def record_dismantling(data, filing_id):
    """Record that a closure's cells are dismantled (its filer, or staff); it then awaits confirmation."""
    return services.dismantling_document(
        services.record_dismantling(filing_id, data["completed_on"], data["evidence"], current_user))


@blp.route("/<int:filing_id>/dismantling/confirm", methods=["POST"])
@blp.response(200, DismantlingOut)
def confirm(filing_id):
    """Confirm a recorded dismantling (reviewer or admin)."""
    return services.dismantling_document(services.confirm_dismantling(filing_id, current_user))
