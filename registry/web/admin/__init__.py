"""Administration pages (admin role only): enterprises, smelters, users, caps.

Each page calls the same service as the API's POST and PATCH endpoints.
"""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import current_user

from registry.auth.permissions import require_role
from registry.auth.roles import ADMIN

admin_bp = Blueprint("admin", __name__, url_prefix="/admin")


@admin_bp.before_request
def admin_only() -> None:
    """403 for every role but admin, on every admin page."""
    require_role(current_user, ADMIN)


@admin_bp.route("/")
def home():
    return render_template("admin/home.html")


from registry.web.admin import caps, enterprises, smelters, users  # noqa: E402, F401  (routes)
