"""REST endpoints: /api/v1/filings and their transitions."""

from __future__ import annotations

import json

import sqlalchemy as sa
from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user

from registry.extensions import db
from registry.filings import services, workflow
from registry.filings.listing import filings_page
from registry.filings.schemas import (
    ChecksOut,
    DecisionIn,
    FilingFilter,
    FilingIn,
    FilingOut,
    FilingPatch,
    TransitionIn,
)
from registry.messages import Template
from registry.problems import InvalidInput
from registry.rest.etag import ETAG_HEADER, IF_MATCH, check_if_match, with_etag
from registry.rest.paging import PAGINATION_HEADER, PageArgs, pagination_header
from registry.rest.schema import Blueprint

KEY_LENGTH = Template("key_length", "Must be %(min)s to %(max)s characters.")

blp = Blueprint("filings", __name__, url_prefix="/api/v1/filings",
                description="Filings and their review workflow.")

IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key", "in": "header", "required": False,
    "description": "Retry-safe creation: the same key and body return the same filing; "
                   "the same key with another body is 422.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 200},
}


@blp.route("")
class Filings(MethodView):
    @blp.arguments(FilingFilter, location="query")
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, FilingOut(many=True), headers=PAGINATION_HEADER)
    def get(self, filters, paging):
        """List filings (a filer sees its own enterprise's), with filters and paging."""
        rows, total = filings_page(current_user, filters, **paging)
        response = current_app.response_class(json.dumps(rows), mimetype="application/json")
        response.headers["X-Pagination"] = pagination_header(total, **paging)
        return response

    @blp.doc(parameters=[IDEMPOTENCY_KEY])
    @blp.arguments(FilingIn)
    @blp.response(201, FilingOut, headers=ETAG_HEADER)
    def post(self, data):
        """Create a draft filing (filer of the smelter's enterprise)."""
        key = request.headers.get("Idempotency-Key")
        if key is None:
            filing = services.create_filing(data, current_user)
            return with_etag(FilingOut(), filing, 201)
        if not 1 <= len(key) <= 200 or "\x00" in key:
            raise InvalidInput("Idempotency-Key", KEY_LENGTH(min=1, max=200))
        earlier = services.find_idempotent(current_user, key, data)
        if earlier is not None:
            return with_etag(FilingOut(), earlier, 201)
        try:
            filing = services.create_filing(data, current_user)
            # On PostgreSQL a concurrent retry's key blocks this flush until it commits,
            # then this flush (not the commit) fails on the unique key.
            services.remember_idempotent(current_user, key, data, filing)
        except sa.exc.IntegrityError:
            # A concurrent retry with the same key committed first: answer with its filing.
            db.session.rollback()
            earlier = services.find_idempotent(current_user, key, data)
            if earlier is None:
                raise
            return with_etag(FilingOut(), earlier, 201)
        return with_etag(FilingOut(), filing, 201)


@blp.route("/<int:filing_id>")
class FilingItem(MethodView):
    @blp.response(200, FilingOut, headers=ETAG_HEADER)
    def get(self, filing_id):
        """One filing."""
        return with_etag(FilingOut(), services.get_filing(current_user, filing_id))

    @blp.doc(parameters=[IF_MATCH])
    @blp.arguments(FilingPatch(partial=True))
    @blp.response(200, FilingOut, headers=ETAG_HEADER)
    def patch(self, data, filing_id):
        """Edit a draft or returned filing (filer); honours If-Match, else 409 for other statuses."""
        filing = services.get_filing(current_user, filing_id, for_update=True)
        check_if_match(FilingOut().dump(filing))
        services.update_filing(filing, data, current_user)
        return with_etag(FilingOut(), filing)


@blp.route("/<int:filing_id>/checks")
@blp.response(200, ChecksOut)
def filing_checks(filing_id):
    """What an approval now would meet: every rule's refusal, and the effect on each covering cap.

    The same rules the approval checks (positions in every later month, covering
    caps, replacement cover), read without locks, so a filer sees before submitting
    what the reviewer will see. Locks and changes nothing.
    """
    return services.checks(services.get_filing(current_user, filing_id))


def _transition_view(action: str):
    def view(data, filing_id):
        filing = workflow.transition(filing_id, action, current_user, data.get("note"))
        return with_etag(FilingOut(), filing)

    view.__name__ = f"{action}_filing"
    view.__doc__ = {
        "submit": "Submit a draft or returned filing for review (filer).",
        "withdraw": "Withdraw a draft, submitted, awaiting or returned filing (filer).",
        "approve": "Approve a submitted filing (reviewer, admin). Checks positions, caps and cover; "
                   "a breach is 409 naming the rule, the month and the figures. From FOUR_EYES_THRESHOLD_TPA "
                   "(default 500,000 t/a) the first approval moves it to awaiting_second_approval and a "
                   "different reviewer's approval, checking every rule again, approves it; the same person "
                   "twice is 409 second_approver_required.",
        "reject": "Reject a submitted or awaiting filing (reviewer, admin); note required.",
        "return": "Return a submitted or awaiting filing for changes (reviewer, admin); note required.",
    }[action]
    return view


for _action in workflow.TRANSITIONS:
    blp.route(f"/<int:filing_id>/{_action}", methods=["POST"], endpoint=_action)(
        blp.arguments(DecisionIn if workflow.TRANSITIONS[_action].note_required else TransitionIn,
                      required=workflow.TRANSITIONS[_action].note_required)(
            blp.response(200, FilingOut, headers=ETAG_HEADER)(_transition_view(_action))
        )
    )
