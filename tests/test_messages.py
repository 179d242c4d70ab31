"""Every refusal and validation message is coded, catalogued and rendered in the reader's language.

The checks go by code, not by a list of sentences: every template in
``registry.messages.CATALOGUE`` and every problem class is walked, so a new
rule written without a translation, or raised with plain text, fails here.
"""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import marshmallow as ma
import pytest

from registry import create_app
from registry.errors import handle_problem
from registry.messages import CATALOGUE, Message, Template
from registry.problems import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PreconditionFailed,
    Problem,
    RuleBroken,
    Unauthorized,
    UnsupportedMediaType,
)
from registry.rest.schema import Schema
from tests.api_helpers import assert_problem
from tests.web_helpers import sign_in, text

ROOT = Path(__file__).resolve().parent.parent
ZH = {"Accept-Language": "zh-CN"}
# Words that stay as they are in a Chinese sentence: protocol names, headers, parameters, units.
TECHNICAL = ("Authorization: Bearer", "application/json", "If-Match", "ETag", "GET", "--append", "HTTP", "JSON",
             "API", "USCC", "nan", "kA", "from", "I, O, Z, S, V", "GB/T", "GB", "3f2a")


def sample_figures(names: list[str]) -> dict:
    """A plausible value for each figure, by the same naming rule the formatter uses."""
    values: dict = {}
    for name in names:
        if name.endswith("_tpa"):
            values[name] = 125_000
        elif name.endswith("_t"):
            values[name] = 12_000
        elif name == "month" or name.endswith("_month"):
            values[name] = "2016-11"
        elif name == "province":
            values[name] = "41"
        elif name == "ratio":
            values[name] = 1.25
        elif name == "kind":
            values[name] = "new_capacity"
        elif name == "status":
            values[name] = "approved"
        elif name == "role":
            values[name] = "filer"
        elif name == "action":
            values[name] = "approve"
        elif name in ("cap_name", "names", "fields", "choices", "email", "uscc", "characters", "mimetype"):
            values[name] = "河南运行产能"
        else:
            values[name] = 7
    return values


def english_left(rendered: str, figures: list[str]) -> list[str]:
    """Runs of Latin words in ``rendered`` once figures and technical words are taken out."""
    for value in sorted(figures, key=len, reverse=True):
        rendered = rendered.replace(value, " ")
    for word in TECHNICAL:
        rendered = rendered.replace(word, " ")
    return re.findall(r"[A-Za-z]{2,}(?:[\s,.;:'’]+[A-Za-z]{2,})+", rendered)


@pytest.fixture(scope="module")
def bare_app():
    return create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})


def test_the_catalogue_holds_the_rules_and_the_validation_messages():
    assert {"cap_exceeded", "restart_exceeds_idle", "short_cover", "required", "invalid_integer",
            "no_such_filing", "invalid_transition"} <= set(CATALOGUE)


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_message_reads_in_chinese_with_its_figures(bare_app, code):
    template = CATALOGUE[code]
    figures = sample_figures(template.names)
    message = template(**figures)
    with bare_app.test_request_context("/api/v1/x", headers=ZH):
        chinese = message.render()
        from registry.formatting import figure

        shown = [figure(name, value) for name, value in figures.items()]
    with bare_app.test_request_context("/api/v1/x"):
        english = message.render()
    assert chinese != english, f"{code} has no Chinese translation"
    assert english_left(chinese, shown) == [], (code, chinese)
    for value in shown:
        assert value in chinese, (code, value, chinese)


def test_a_problem_refuses_plain_text():
    with pytest.raises(TypeError):
        NotFound("No such filing.")
    with pytest.raises(TypeError):
        InvalidInput("note", "Say why.")
    with pytest.raises(TypeError):
        Conflict(Template("test_fixed", "Fixed."), errors={"x": ["plain"]})


def _is_problem_call(node: ast.Call, names: set[str]) -> bool:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
    return name in names


def test_no_problem_or_validation_error_is_raised_with_literal_text():
    """A raise of a problem (or marshmallow's ValidationError) names a template, never an f-string or a literal."""
    problem_names = {cls.__name__ for cls in _all_subclasses(Problem)} | {"Problem", "ValidationError"}
    offences = []
    for path in (ROOT / "registry").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and _is_problem_call(
                    node.exc, problem_names):
                texts = list(node.exc.args)
                for keyword in node.exc.keywords:
                    if keyword.arg == "errors" and isinstance(keyword.value, ast.Dict):
                        for value in keyword.value.values:
                            texts += value.elts if isinstance(value, ast.List) else [value]
                for arg in texts:
                    if isinstance(arg, ast.JoinedStr) or (
                            isinstance(arg, ast.Constant) and isinstance(arg.value, str) and " " in arg.value):
                        offences.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offences == []


def _all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_all_subclasses(sub)]
    return out


def test_every_schema_field_speaks_in_codes(bare_app):
    """marshmallow's own English is replaced in every schema the API (and the web forms) load through."""
    schemas = [cls for cls in _all_subclasses(Schema) if cls.__module__.startswith("registry.")]
    assert len(schemas) > 20
    for cls in schemas:
        for name, field in cls().fields.items():
            fields = [field] + [f for f in (getattr(field, "inner", None), getattr(field, "value_field", None))
                                if isinstance(f, ma.fields.Field)]
            for each in fields:
                plain = {key: msg for key, msg in each.error_messages.items() if not isinstance(msg, Message)}
                assert plain == {}, (cls.__name__, name, plain)


def _instances() -> list[Problem]:
    """One of every problem a service can raise: each rule with its figures, and the generic ones."""
    rules = []
    for cls in RuleBroken.__subclasses__():
        names = set(cls.template.names) | set(cls.later.names if cls.later else [])
        figures = sample_figures(sorted(names | {"effective_month"}))
        rules.append(cls(**figures))
        if cls.later is not None:
            rules.append(cls(**{**figures, "month": "2017-01", "effective_month": "2016-11"}))
    short = next(cls for cls in RuleBroken.__subclasses__() if cls.code == "short_cover")
    rules.append(short(**sample_figures(short.template.names), indicator_id=3, indicator_remaining_tpa=10_000,
                       indicator_wanted_tpa=20_000))
    note = CATALOGUE["note_required"]
    return [*rules, Forbidden(role="auditor"), Unauthorized(), PreconditionFailed(),
            UnsupportedMediaType(mimetype="text/plain"), NotFound(CATALOGUE["no_such_filing"]()),
            InvalidInput("note", note())]


@pytest.mark.parametrize("problem", _instances(), ids=lambda p: p.code)
def test_every_refusal_in_both_languages_on_both_surfaces(bare_app, problem):
    with bare_app.test_request_context("/api/v1/filings/1/approve", method="POST", headers=ZH):
        response = handle_problem(problem)
        body = response.get_json()
    assert body["code"] == problem.code
    assert english_left(body["detail"], []) == [] or problem.code in ("unauthorized", "unsupported_media_type")
    with bare_app.test_request_context("/api/v1/filings/1/approve", method="POST"):
        english = handle_problem(problem).get_json()
    assert english["detail"] != body["detail"]
    with bare_app.test_request_context("/filings/1", headers=ZH):
        from flask import render_template

        page = render_template("filings/_refusal.html", refusal=problem) if isinstance(problem, RuleBroken) \
            else handle_problem(problem)[0]
    assert body["detail"] in html.unescape(page)
    assert english["detail"] not in page


def test_api_validation_errors_follow_accept_language(world, api_as):
    filer = api_as(world.filer_a)
    english = assert_problem(filer.post("/api/v1/filings", json={"kind": "restart"}), 422, "smelter_id")
    chinese = assert_problem(filer.post("/api/v1/filings", json={"kind": "restart", "capacity_tpa": "x"},
                                        headers=ZH), 422, "smelter_id")
    assert english["code"] == chinese["code"] == "validation"
    assert english["errors"]["smelter_id"] == ["Choose the smelter."]
    assert chinese["errors"]["smelter_id"] != english["errors"]["smelter_id"]
    for messages in chinese["errors"].values():
        assert all(english_left(m, []) == [] for m in messages), chinese
    assert english_left(chinese["detail"], ["smelter_id", "capacity_tpa", "effective_month"]) == []


def test_a_cap_refusal_through_the_api_in_chinese(world, api_as, factory):
    factory.cap(name="河南运行产能", scope="province", scope_ref="41", limit_tpa=350_000)
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, status="submitted")
    body = assert_problem(api_as(world.reviewer).post(f"/api/v1/filings/{filing.id}/approve", headers=ZH), 409)
    assert body["code"] == body["rule"] == "cap_exceeded"
    assert body["month"] == "2016-11" and body["limit_tpa"] == 350_000
    assert "2016年11月" in body["detail"] and "河南运行产能" in body["detail"] and "吨/年" in body["detail"]


def test_admin_refusals_read_in_chinese_on_the_page(client, world):
    sign_in(client, world.admin)
    client.post("/language/zh_CN")
    own = client.post(f"/admin/users/{world.admin.id}/deactivate", follow_redirects=True)
    assert "不能停用自己的账户" in text(own)
    missing = client.post("/admin/users/999999/deactivate")
    assert missing.status_code == 404
    assert "You cannot" not in text(own) and "No such" not in text(missing)
