"""Swagger UI's files, served by the app itself (users may be offline)."""

from __future__ import annotations

from flask import Blueprint, send_from_directory
from swagger_ui_bundle import swagger_ui_path

docs_assets = Blueprint("docs_assets", __name__, url_prefix="/api/v1/docs/assets")


@docs_assets.route("/<path:filename>")
def asset(filename: str):
    """A Swagger UI asset from the swagger-ui-bundle package."""
    return send_from_directory(swagger_ui_path, filename, max_age=86400)


@docs_assets.route("/init.js")
def init_js():
    """Swagger UI's start-up, as a file so the page needs no inline script."""
    body = (
        "window.onload = function () {\n"
        "  window.ui = SwaggerUIBundle({url: '/api/v1/openapi.json', dom_id: '#swagger-ui',\n"
        "    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],\n"
        "    layout: 'BaseLayout', deepLinking: true});\n"
        "};\n"
    )
    return body, 200, {"Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "max-age=3600"}
