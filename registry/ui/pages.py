"""The pages blueprint (``web``) and the admin blueprint nested in it (``web.admin``).

Features attach their routes to these; the factory imports each feature's
views before it registers ``bp``, so every ``url_for("web....")`` resolves.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from registry.permissions import require_role
from registry.roles import ADMIN

bp = Blueprint("web", __name__)
admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@admin_bp.before_request
def admin_only() -> None:
    """403 for every role but admin, on every admin page."""
    require_role(current_user, ADMIN)


@admin_bp.route("/")
def home():
    return render_template("admin/home.html")


bp.register_blueprint(admin_bp)
