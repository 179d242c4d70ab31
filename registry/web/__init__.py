"""Server-rendered pages: one blueprint, split into modules by area.

``registry.web.views`` imports every page module so their routes attach to
``bp``; the admin pages are a blueprint nested under it (``web.admin.*``).
"""

from flask import Blueprint

bp = Blueprint("web", __name__)
