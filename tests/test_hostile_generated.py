"""Generated hostile input over every write operation the served OpenAPI document lists.

The operations come from ``GET /api/v1/openapi.json``, so a new endpoint is
covered without touching this file. For each one, hypothesis builds bodies
from the request schema's field names with plausible values mixed with
hostile ones (C0 controls, DEL, lone surrogates, very long strings, numbers
beyond 64 bits or a double, nesting hundreds deep, wrong types, unknown
fields), hostile path segments and header values, and sends them as an admin
and as a filer. Every answer is below 500; a refusal is problem+json and
leaves the database as it was (a fingerprint of every table, taken before
each example: the database is not reset between examples).
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from registry.extensions import db
from registry.replacement.models import Indicator
from tests.api_helpers import PROBLEM_JSON

WRITE_METHODS = ("post", "put", "patch", "delete")
MAX_EXAMPLES = 25  # generated per operation and role, after the explicit sweep below
SETTINGS = settings(
    max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None, print_blob=False,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example,
                           HealthCheck.function_scoped_fixture],
)

# What a refused request may still leave behind: token bookkeeping, a refused approval's trace.
IGNORED_COLUMNS = {("api_tokens", "last_used_at")}
KEPT_ON_REFUSAL = {"audit_events": ("action", "approve_refused")}


class Raw(str):
    """JSON text sent as it is (nesting the encoder could not write, numbers no double holds)."""


def nested(depth: int, kind: str = "list") -> Raw:
    if kind == "list":
        return Raw("[" * depth + "]" * depth)
    return Raw('{"a": ' * depth + "1" + "}" * depth)


CONTROLS = [chr(c) for c in range(0x20)] + ["\x7f"]
ODD_CHARACTERS = [*CONTROLS, "\ud800", "\udbff", "\udfff", "\u0085", "\u2028", "\ufeff", "\u200b", "\uffff", "１"]
HOSTILE_STRINGS = [
    "", " ", "a\x00b", "a\x01b", "a\x1fb", "a\x7fb", "a\rb", "\ud800", "x\udfffy", "2016-11\n", "２０１６-１１",
    "99999999999999999999", "-1", "１２", "41\n", "x" * 5000, "字" * 70_000, "${jndi:x}", "'; DROP TABLE x; --",
]
HUGE_NUMBERS = [10**30, -(10**30), 2**63, 2**63 - 1, -(2**63) - 1, 2**64, 2**31, -1, 0, 1e308, -1e308, 5e-324, 0.5,
                1e16, -0.0]
# Python's decoder reads NaN and Infinity though JSON has neither, 1e400 as infinity, and refuses
# an integer of more than 4,300 digits with a ValueError.
RAW_NUMBERS = [Raw("1e400"), Raw("-1e400"), Raw("NaN"), Raw("-Infinity"), Raw("1" + "0" * 5000),
               Raw("1" + "0" * 400 + ".5")]
DEEP = [nested(300), nested(600, "dict"), nested(900), nested(2000)]
WRONG_TYPES = [None, True, False, [], {}, "1", 1, 1.5, [1], {"a": 1}, [None], ["x"] * 200]
SWEEP = ["a\x01b", "\ud800", "x" * 5000, 10**30, 1e308, Raw("1e400"), nested(600), None, {}, ["\ud800"]]
UNKNOWN_KEYS = ["extra", "", "\ud800", "a\x00b", "__proto__", "id", "status", "x" * 300]

HOSTILE_IDS = ["99999999999999999999", "9223372036854775808", "9223372036854775807", "0", "-1", "00001", "+1",
               "1.0", "1e3", "0x10", " 1", "%0A", "1%0A", quote("１２"), quote("٣"), "%ED%A0%80", "%00", "x" * 3000]
HOSTILE_SEGMENTS = ["41%0A", quote("４１"), "%ED%A0%80", "%00", "x" * 3000, "..", "%2E%2E", "2016-11%0A",
                    quote("２０１６-１１"), "99999999999999999999", "-1", "%20"]
HOSTILE_HEADERS = ["", "x" * 300, "garbage", "*", '"', 'W/"', '"a", W/"b"', "é" * 10, " " * 5, "\x7f"]


@dataclass
class Operation:
    method: str
    path: str
    path_params: dict[str, dict]
    header_params: dict[str, dict]
    body: dict | None

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Known:
    """Values that name existing rows, by parameter or field name."""

    values: dict[str, list[Any]] = field(default_factory=dict)

    def get(self, name: str) -> list[Any]:
        return self.values.get(name) or self.values.get(re.sub(r"^(to|from|origin)_", "", name), [])


def _resolve(doc: dict, schema: Any) -> Any:
    """The schema with every local ``$ref`` replaced by what it names."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            target: Any = doc
            for part in schema["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolve(doc, target)
        return {key: _resolve(doc, value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_resolve(doc, item) for item in schema]
    return schema


def write_operations(doc: dict) -> list[Operation]:
    """Every POST, PUT, PATCH and DELETE in the document, with its parameters and body schema."""
    operations = []
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method not in WRITE_METHODS:
                continue
            params = _resolve(doc, item.get("parameters", []) + operation.get("parameters", []))
            body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            operations.append(Operation(
                method.upper(), path,
                {p["name"]: p["schema"] for p in params if p["in"] == "path"},
                {p["name"]: p["schema"] for p in params if p["in"] == "header"},
                _resolve(doc, body) if body is not None else None,
            ))
    return operations


# Strategies ---------------------------------------------------------------------------------------

def odd_text() -> st.SearchStrategy[str]:
    """Short text with at least one control, surrogate or other odd character in it."""
    plain = st.text(alphabet=st.characters(codec="utf-8"), max_size=8)
    return st.tuples(plain, st.lists(st.sampled_from(ODD_CHARACTERS), min_size=1, max_size=4), plain).map(
        lambda parts: parts[0] + "".join(parts[1]) + parts[2])


def hostile_value(depth: int = 0) -> st.SearchStrategy[Any]:
    """A value no field should take: odd text, huge numbers, deep nesting, wrong types."""
    leaves = st.one_of(odd_text(), st.sampled_from(HOSTILE_STRINGS), st.sampled_from(HUGE_NUMBERS),
                       st.sampled_from(RAW_NUMBERS), st.sampled_from(DEEP), st.sampled_from(WRONG_TYPES))
    if depth > 0:
        return leaves
    return st.one_of(leaves, st.lists(hostile_value(1), max_size=3),
                     st.dictionaries(st.sampled_from(UNKNOWN_KEYS), hostile_value(1), max_size=2))


def plausible_value(name: str, schema: dict, known: Known) -> st.SearchStrategy[Any]:
    """A value the schema would accept (or nearly), so a hostile neighbour reaches the service."""
    options: list[st.SearchStrategy] = []
    if schema.get("nullable"):
        options.append(st.none())
    if "enum" in schema:
        return st.one_of(*options, st.sampled_from(schema["enum"]))
    kind = schema.get("type")
    if known.get(name):
        options.append(st.sampled_from(known.get(name)))
    if kind == "integer":
        low, high = schema.get("minimum", -(2**63)), schema.get("maximum", 2**63 - 1)
        options += [st.sampled_from([low, high]), st.integers(low, min(high, low + 2_000_000))]
    elif kind == "number":
        low, high = schema.get("minimum", -1e9), schema.get("maximum", 1e9)
        options += [st.sampled_from([low, high]), st.floats(low, high)]
    elif kind == "boolean":
        options.append(st.booleans())
    elif kind == "array":
        options.append(st.lists(plausible_value("", schema.get("items", {}), known), max_size=3))
    elif kind == "object" or "properties" in schema:
        options.append(body_strategy(schema, known))
    elif "example" in schema:
        options.append(st.just(schema["example"]))
    elif kind == "string":
        options.append(st.text(st.characters(codec="ascii", categories=["L", "N"]), min_size=1,
                               max_size=min(schema.get("maxLength", 20), 20)))
    return st.one_of(*options) if options else st.none()


def first_value(name: str, schema: dict, known: Known) -> Any:
    """One plausible value, chosen without hypothesis (for the explicit sweep)."""
    if "enum" in schema:
        return schema["enum"][0]
    if known.get(name):
        return known.get(name)[0]
    kind = schema.get("type")
    if kind in ("integer", "number"):
        return schema.get("minimum", 1)
    if kind == "boolean":
        return True
    if kind == "array":
        return []
    if kind == "object" or "properties" in schema:
        return {key: first_value(key, sub, known) for key, sub in schema.get("properties", {}).items()}
    return schema.get("example", "Plain")


def body_strategy(schema: dict, known: Known) -> st.SearchStrategy[Any]:
    """An object of the schema's fields, plausible but for one or two hostile ones, maybe unknown ones."""
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    plausible = st.fixed_dictionaries(
        {name: plausible_value(name, sub, known) for name, sub in properties.items() if name in required},
        optional={name: plausible_value(name, sub, known) for name, sub in properties.items()
                  if name not in required},
    )
    names = st.sampled_from(sorted(properties)) if properties else st.sampled_from(UNKNOWN_KEYS)
    hostile = st.dictionaries(names, hostile_value(), max_size=2)
    unknown = st.one_of(st.just({}), st.dictionaries(st.sampled_from(UNKNOWN_KEYS) | odd_text(), hostile_value(1),
                                                     min_size=1, max_size=2))
    return st.tuples(plausible, hostile, unknown).map(lambda parts: {**parts[2], **parts[0], **parts[1]})


def segment_strategy(name: str, schema: dict, known: Known) -> st.SearchStrategy[str]:
    """A path segment, already percent-encoded: an existing row's or a hostile one."""
    plain = [quote(str(v), safe="") for v in known.get(name)] or ["1"]
    hostile = HOSTILE_IDS if schema.get("type") == "integer" else HOSTILE_SEGMENTS
    existing = st.sampled_from(plain)
    return st.one_of(existing, existing, st.sampled_from(hostile))  # mostly a row that exists


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: Any  # a JSON value, or Raw text

    def __repr__(self) -> str:  # short enough to read in a failure report
        text = encode(self.body)
        return f"Request({self.path[:200]!r}, headers={self.headers!r}, body={text[:400]!r} [{len(text)} chars])"


def request_strategy(operation: Operation, known: Known) -> st.SearchStrategy[Request]:
    segments = st.fixed_dictionaries({name: segment_strategy(name, schema, known)
                                      for name, schema in operation.path_params.items()})
    headers = st.fixed_dictionaries({}, optional={
        name: st.sampled_from(HOSTILE_HEADERS) | st.text(st.characters(codec="ascii", min_codepoint=32,
                                                                       max_codepoint=126), max_size=40)
        for name in operation.header_params})
    if operation.body is None:
        bodies: st.SearchStrategy = st.one_of(st.none(), hostile_value())
    else:
        bodies = st.one_of(body_strategy(operation.body, known), body_strategy(operation.body, known),
                           hostile_value())  # mostly objects; sometimes no object at all
    return st.builds(lambda seg, head, body: Request(fill(operation.path, seg), head, body),
                     segments, headers, bodies)


def sweep(operation: Operation, known: Known) -> list[Request]:
    """Each field in turn given each of a few hostile values, the rest plausible; and each path hostile."""
    segments = {name: quote(str((known.get(name) or [1])[0]), safe="") for name in operation.path_params}
    path = fill(operation.path, segments)
    requests = []
    if operation.body is not None:
        base = first_value("", operation.body, known)
        for name in operation.body.get("properties", {}):
            requests += [Request(path, {}, {**base, name: value}) for value in SWEEP]
        requests += [Request(path, {}, {**base, "unexpected": "\ud800"}), Request(path, {}, nested(900)),
                     Request(path, {}, ["\ud800"]), Request(path, {}, "\x00")]
        base_body: Any = base
    else:
        base_body = None
        requests.append(Request(path, {}, {"unexpected": "\ud800"}))
    for name, schema in operation.path_params.items():
        hostile = HOSTILE_IDS if schema.get("type") == "integer" else HOSTILE_SEGMENTS
        requests += [Request(fill(operation.path, {**segments, name: value}), {}, base_body) for value in hostile]
    return requests


def fill(template: str, segments: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: segments[m.group(1)], template)


def encode(body: Any) -> str:
    """JSON text of ``body``, ``Raw`` parts inserted as they are (ASCII only, lone surrogates escaped)."""
    raws: dict[str, str] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, Raw):
            marker = f"@raw-{uuid.uuid4().hex}@"
            raws[f'"{marker}"'] = str(value)
            return marker
        if isinstance(value, dict):
            return {key: swap(inner) for key, inner in value.items()}
        if isinstance(value, list):
            return [swap(inner) for inner in value]
        return value

    text = json.dumps(swap(body), allow_nan=False)
    for marker, raw in raws.items():
        text = text.replace(marker, raw)
    return text


# The database's fingerprint ------------------------------------------------------------------------

def fingerprint(app) -> dict[str, tuple[int, str]]:
    """Row count and a digest of the rows of every table (less what a refusal may keep)."""
    out = {}
    with app.app_context():
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in IGNORED_COLUMNS]
            query = sa.select(*columns)
            if table.name in KEPT_ON_REFUSAL:
                column, value = KEPT_ON_REFUSAL[table.name]
                query = query.where(table.c[column] != value)
            rows = sorted(repr(tuple(row)) for row in db.session.execute(query))
            out[table.name] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        db.session.remove()
    return out


WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|TRUNCATE|ALTER|DROP|CREATE)\b", re.IGNORECASE)
BOOKKEEPING = re.compile(r"^\s*UPDATE\s+\"?api_tokens\b", re.IGNORECASE)


class Database:
    """The database's state across examples: its fingerprint, and whether a request wrote at all.

    The fingerprint is taken again only after a request that sent a write
    statement: one that sent none cannot have changed a row. That keeps a
    few thousand requests within the time budget on PostgreSQL.
    """

    def __init__(self, app) -> None:
        self.app = app
        self.known: dict | None = None
        self.wrote = False
        with app.app_context():
            self.engine = db.engine

    def _watch(self, _conn, _cursor, statement: str, *_args) -> None:
        if WRITE.match(statement) and not BOOKKEEPING.match(statement):
            self.wrote = True

    def __enter__(self) -> Database:
        sa.event.listen(self.engine, "before_cursor_execute", self._watch)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(self.engine, "before_cursor_execute", self._watch)

    def before(self) -> dict:
        """The fingerprint now (known since the last refusal, if nothing was accepted since)."""
        if self.known is None:
            self.known = fingerprint(self.app)
        self.wrote = False
        return self.known

    def after(self, refused: bool) -> dict | None:
        """After a refusal, the fingerprint now; after an accepted write, None (and taken again next time)."""
        if not self.wrote:
            return self.known
        self.known = fingerprint(self.app) if refused else None
        return self.known


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(name for name in before.keys() | after.keys() if before.get(name) != after.get(name))


# The registry the requests run against --------------------------------------------------------------

def build_registry(factory, world) -> Known:
    """The world plus a filing in each state, an indicator and caps, named by their parameters."""
    draft = factory.filing(world.smelter_a, world.filer_a, notes="draft")
    submitted = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    returned = factory.filing(world.smelter_a, world.filer_a, status="returned")
    approved = factory.filing(world.smelter_a, world.filer_a, "closure", 50_000, status="approved")
    other = factory.filing(world.smelter_b, world.filer_b)
    enterprise_cap = factory.cap(scope="enterprise", scope_ref=str(world.ent_a.id))
    national_cap = factory.cap()
    with factory.app.app_context():
        indicators = list(db.session.scalars(sa.select(Indicator.id).order_by(Indicator.id)))
        db.session.remove()
    assert indicators, "the approved closure made no indicator"
    return Known({
        "enterprise_id": [world.ent_a.id, world.ent_b.id],
        "smelter_id": [world.smelter_a.id, world.smelter_b.id],
        "filing_id": [draft.id, submitted.id, returned.id, approved.id, other.id],
        "cap_id": [enterprise_cap.id, national_cap.id],
        "indicator_id": indicators,
        "province": ["41", "65"],
        "month": ["2016-11", "2016-12"],
        "scope_ref": [str(world.ent_a.id), "41"],
    })


@pytest.fixture
def operations(client) -> list[Operation]:
    """The write operations of the served document."""
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    found = write_operations(response.get_json())
    names = {operation.name for operation in found}
    assert found and "POST /api/v1/filings" in names, names
    return found


def test_the_document_lists_the_write_operations(operations):
    names = {operation.name for operation in operations}
    assert {"POST /api/v1/filings", "PATCH /api/v1/filings/{filing_id}", "POST /api/v1/caps",
            "PUT /api/v1/replacement-ratios/{province}", "POST /api/v1/monthly-returns"} <= names
    assert all(op.body is None or "properties" in op.body for op in operations)


@pytest.mark.parametrize("role", ["admin", "filer"])
def test_hostile_requests_are_refused_cleanly(app, client, factory, world, operations, subtests, role):
    known = build_registry(factory, world)
    user = world.admin if role == "admin" else world.filer_a
    headers = {"Authorization": f"Bearer {factory.token(user)}", "Content-Type": "application/json"}
    with Database(app) as database:
        for operation in operations:
            with subtests.test(operation=operation.name):
                check_operation(client, operation, known, headers, database)


def check_operation(client, operation: Operation, known: Known, auth: dict, database: Database) -> None:
    """The sweep, then generated requests, each answered below 500 and refused without a trace."""

    def check(request: Request) -> None:
        before = database.before()
        response = client.open(request.path, method=operation.method, data=encode(request.body).encode(),
                               headers={**auth, **request.headers})
        text = response.get_data(as_text=True)
        assert response.status_code < 500, (operation.name, response.status_code, text[:800])
        refused = response.status_code >= 300
        after = database.after(refused)
        if refused:
            assert response.mimetype == PROBLEM_JSON, (operation.name, response.status_code, response.mimetype)
            assert response.get_json()["status"] == response.status_code
            assert after == before, (operation.name, response.status_code, "changed", changed_tables(before, after))

    test = given(request=request_strategy(operation, known))(check)
    for request in sweep(operation, known):
        test = example(request=request)(test)
    SETTINGS(test)()
