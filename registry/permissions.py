"""Who may do what: role decorators and the one enterprise-isolation rule.

A filer sees only its own enterprise; another enterprise's resource is 404
to it (existence is not revealed). A role that may never take an action
gets 403.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from operator import attrgetter

from flask_login import current_user

from registry.extensions import db
from registry.messages import Template
from registry.problems import Forbidden, NotFound

NOT_FOUND = Template("not_found", "No such record, or it is not visible to you.")


def roles_required(*roles: str) -> Callable:
    """Refuse (403) users whose role is not one of ``roles``."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            require_role(current_user, *roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def require_role(user, *roles: str) -> None:
    """Raise Forbidden unless ``user`` has one of ``roles``."""
    if user.role not in roles:
        raise Forbidden(role=user.role)


def enterprise_scope(user) -> int | None:
    """The only enterprise ``user`` may see, or None for association staff."""
    return None if user.is_staff else user.enterprise_id


def get_visible(user, model, object_id: int, missing: Template = NOT_FOUND,
                enterprise_of: Callable = attrgetter("enterprise_id"), *, for_update: bool = False):
    """The ``model`` row with this id if ``user`` may see it, else 404 saying ``missing``.

    ``for_update``: this row alone (not those its eager joins read) locked FOR UPDATE and read afresh,
    for a change that must see the committed row.
    """
    obj = (db.session.get(model, object_id, with_for_update={"of": model}, populate_existing=True) if for_update
           else db.session.get(model, object_id))
    if obj is None:
        raise NotFound(missing())
    ensure_visible(user, enterprise_of(obj), missing)
    return obj


def ensure_visible(user, enterprise_id: int, missing: Template = NOT_FOUND) -> None:
    """404 for a filer looking at another enterprise's record (the same 404 as a missing one)."""
    scope = enterprise_scope(user)
    if scope is not None and scope != enterprise_id:
        raise NotFound(missing())
