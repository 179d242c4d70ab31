"""Unknown or repeated query parameters under /api/ are a 422 naming them.

webargs drops parameters no schema declares, so a misspelt filter
(``?stauts=approved``) would silently list everything. The known names are
those of the endpoint's documented query schemas, the same ones that parse them.
"""

from __future__ import annotations

from flask import current_app, request

from registry.messages import Template
from registry.problems import Invalid
from registry.rest.api import is_api_request

UNKNOWN_PARAMETER = Template("unknown_query_parameter", "Unknown query parameter.")
REPEATED_PARAMETER = Template("repeated_query_parameter", "Given more than once.")
REPEATED_PARAMETERS = Template("repeated_query_parameters", "Query parameters given more than once: %(names)s.")
UNKNOWN_PARAMETERS = Template("unknown_query_parameters", "Unknown query parameters: %(names)s.")


def _handler(endpoint: str, method: str):
    view = current_app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    return getattr(view_class, method, None) or getattr(view_class, "get", None)


def _query_names(endpoint: str, method: str) -> frozenset[str] | None:
    """The query parameters the endpoint declares; None for views outside flask-smorest."""
    known = current_app.extensions.setdefault("registry.query_names", {})  # per app, filled lazily
    key = (endpoint, method)
    if key not in known:
        apidoc = getattr(_handler(endpoint, method), "_apidoc", None)
        if apidoc is None:
            known[key] = None
        else:
            names: set[str] = set()
            for parameter in apidoc.get("arguments", {}).get("parameters", []):
                if parameter.get("in") != "query":
                    continue
                schema = parameter["schema"]
                schema = schema() if isinstance(schema, type) else schema
                names |= {field.data_key or name for name, field in schema.fields.items()}
            known[key] = frozenset(names)
    return known[key]


def refuse_unknown_query_parameters() -> None:
    """before_request: 422 for a query parameter the API endpoint does not declare."""
    if not request.args or not is_api_request() or request.endpoint is None:
        return
    method = "get" if request.method == "HEAD" else request.method.lower()
    known = _query_names(request.endpoint, method)
    if known is None:
        return
    unknown = sorted(set(request.args) - known)
    if unknown:
        raise Invalid(UNKNOWN_PARAMETERS(names=", ".join(unknown)),
                      errors={name: [UNKNOWN_PARAMETER()] for name in unknown})
    _refuse_repeated()


def _refuse_repeated() -> None:
    """``?status=a&status=b``: webargs would take the first silently; none is a list, so refuse."""
    repeated = sorted(name for name, values in request.args.lists() if len(values) > 1)
    if repeated:
        raise Invalid(REPEATED_PARAMETERS(names=", ".join(repeated)),
                      errors={name: [REPEATED_PARAMETER()] for name in repeated})
