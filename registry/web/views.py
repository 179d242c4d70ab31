"""The web blueprint with every page module attached (imported for their routes)."""

from registry.web import (  # noqa: F401  (each module adds its routes to bp)
    account,
    auth_views,
    bp,
    caps_views,
    dashboard,
    display,
    filings_views,
    review,
    smelters_views,
)
from registry.web.admin import admin_bp

bp.register_blueprint(admin_bp)

__all__ = ["bp"]
