"""What the admin forms share: choices, and the create-or-edit round trip."""

from __future__ import annotations

from collections.abc import Callable

import marshmallow as ma
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm

from registry.extensions import db
from registry.members.services import enterprises_for
from registry.problems import Problem
from registry.reference.provinces import PROVINCES
from registry.web.display import is_chinese
from registry.web.formkit import load, show_problem, submitted


def province_choices(blank: str | None = None) -> list[tuple]:
    head = [("", blank)] if blank else []
    return head + [(code, f"{code} · {zh if is_chinese() else en}") for code, zh, en in PROVINCES]


def enterprise_choices(user, blank: str | None = None) -> list[tuple]:
    head = [("", blank)] if blank else []
    return head + [(e.id, e.name) for e in db.session.scalars(enterprises_for(user))]


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
                db.session.commit()
                flash(done or _("Saved."), "info")
                return redirect(url_for(back))
    status = 422 if request.method == "POST" else 200
    return render_template("admin/form.html", form=form, title=title, back=back), status
