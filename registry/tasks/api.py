"""REST endpoint: /api/v1/me/tasks."""

from __future__ import annotations

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user

from registry.messages import localize
from registry.rest.schema import Blueprint, Schema
from registry.tasks.services import tasks_for

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The signed-in user's own things.")


class TaskOut(Schema):
    code = ma.fields.String(metadata={"description": "task_return_overdue, task_return_due, task_filing_returned, "
                                                     "task_filing_to_review, task_filing_to_second_approval, "
                                                     "task_notice_to_record, task_notice_again, "
                                                     "task_announcement_to_record, task_dismantling_to_record or "
                                                     "task_dismantling_to_confirm"})
    message = ma.fields.Function(lambda task: localize(task["message"]),
                                 metadata={"description": "in the Accept-Language language"})
    href = ma.fields.String(metadata={"description": "the page or endpoint the task concerns"})
    month = ma.fields.String()
    due_on = ma.fields.String(metadata={"description": "YYYY-MM-DD"})
    overdue = ma.fields.Boolean()
    smelter_id = ma.fields.Integer()
    filing_id = ma.fields.Integer()


@blp.route("/tasks")
class Tasks(MethodView):
    @blp.response(200, TaskOut(many=True))
    def get(self):
        """What to do next: returns overdue and due, returned filings (filer); filings to review (staff)."""
        return tasks_for(current_user)
