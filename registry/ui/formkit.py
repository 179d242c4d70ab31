"""Glue between Flask-WTF forms, the API's schemas and the services' Problems.

A form only parses and renders; the API's marshmallow schema checks the
shape (so the web and the API accept exactly the same input) and the
service checks the rules. Their messages land beside the fields they name.

``save_form`` is the admin pages' create-or-edit round trip."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from registry.errors import settle_refusal
from registry.messages import localize
from registry.problems import Problem

# Problems a form answers in place; 403 and 404 go to the error pages.
FORM_STATUSES = (409, 412, 422)


def _add_error(form: FlaskForm, name: str, message: str) -> bool:
    """Put ``message`` beside field ``name``; False when the form has no such field."""
    field = form._fields.get(name)
    if field is None:
        return False
    field.errors = [*field.errors, localize(message)]
    return True


def _place(form: FlaskForm, name: str, messages: Any) -> None:
    """A schema's messages for ``name`` beside its field; a list's per-row messages beside each row's fields.

    What no field of the form shows goes to the top of the page, so no message is lost.
    """
    if isinstance(messages, dict):
        entries = getattr(form._fields.get(name), "entries", None)
        for key, inner in messages.items():
            entry = entries[key] if entries is not None and isinstance(key, int) and key < len(entries) else None
            subform = getattr(entry, "form", None)
            if subform is not None and isinstance(inner, dict):
                for inner_name, inner_messages in inner.items():
                    _place(subform, inner_name, inner_messages)
            else:
                _place(form, name, inner)
        return
    for message in messages if isinstance(messages, list) else [messages]:
        if not _add_error(form, name, message):
            flash(localize(message), "error")


def form_values(form: FlaskForm, names: tuple[str, ...]) -> dict[str, Any]:
    """The fields' parsed values, leaving out the empty ones (the schema decides on them)."""
    values = {}
    for name in names:
        value = form[name].data
        if isinstance(value, str):
            value = value.strip()
        if value not in (None, ""):
            values[name] = value
    return values


def submitted(form: FlaskForm) -> bool:
    """Whether the form was posted; runs the fields' own parsing so load() can see their errors.

    CSRF is checked before any view runs (CSRFProtect), so a posted form here is genuine.
    """
    if not form.is_submitted():
        return False
    form.validate()
    return True


def load(form: FlaskForm, schema: ma.Schema, names: tuple[str, ...], **extra: Any) -> dict | None:
    """The form's data through the API's schema, or None with every message on the form.

    Fields that did not parse (text in a number) keep their own message and
    are not reported again as missing; the others are checked all at once.
    """
    unparsed = tuple(name for name in names if form[name].errors)
    data = {name: value for name, value in form_values(form, names).items() if name not in unparsed}
    data.update(extra)
    try:
        result = schema.load(data, partial=unparsed)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
        for name, field_messages in messages.items():
            _place(form, name, field_messages)
        return None
    return None if unparsed else result


def show_problem(form: FlaskForm | None, problem: Problem, field: str | None = None) -> None:
    """A service's refusal on the page: errors beside fields, the detail as a message.

    Whatever the request changed is rolled back; an audit event the refusal
    carries (a refused approval) is kept, as the API does. A problem without
    field errors goes beside ``field`` when given, else to the top of the page.
    """
    if problem.status not in FORM_STATUSES:
        raise problem
    settle_refusal(problem)
    placed = False
    for name, messages in (problem.errors or {}).items():
        for message in messages:
            placed = (form is not None and _add_error(form, name, message)) or placed
    if not placed and form is not None and field is not None:
        placed = _add_error(form, field, problem.message)
    if not placed:
        flash(localize(problem.message), "error")


def save_form(form: FlaskForm, schema: ma.Schema, fields: tuple[str, ...], save: Callable[[dict], object],
              *, title: str, back: str, nullable: tuple[str, ...] = (), done: str | None = None):
    """Validate through the API's schema, call the service, commit once; else re-render with messages."""
    if submitted(form):
        cleared = {name: None for name in nullable if form[name].data in (None, "")}
        data = load(form, schema, fields)
        if data is not None:
            try:
                save({**cleared, **data})
            except Problem as problem:
                show_problem(form, problem)
            else:
                flash(done or _("Saved."), "info")
                return redirect(url_for(back))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/form.html", form=form, title=title, back=back), status
