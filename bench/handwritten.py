"""The hand-written list: the filings list's job with nothing around it, the reference for the product's.

Token by hash (one query), one page query, one count, one query for the
page's replacement lines, JSON with the same fields: no Flask extension, no
ORM, no marshmallow. Served by gunicorn exactly like the product.
"""

from __future__ import annotations

import hashlib
import json
import os

import sqlalchemy as sa
from flask import Flask, Response, request

app = Flask(__name__)
engine = sa.create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)

TOKEN = sa.text("SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id "
                "WHERE t.token_hash = :digest AND t.revoked_at IS NULL AND u.active")
PAGE = sa.text("SELECT f.id, f.smelter_id, s.enterprise_id, s.province, f.kind, f.capacity_tpa, f.effective_month, "
               "f.status, f.notes, f.decision_note, f.cell_count, f.cell_amperage_ka, f.submitted_at, f.decided_at, "
               "f.decided_by, f.created_by, f.created_at, f.version "
               "FROM filings f JOIN smelters s ON s.id = f.smelter_id ORDER BY f.id LIMIT :size OFFSET :offset")
COUNT = sa.text("SELECT count(*) FROM filings")
LINES = sa.text("SELECT filing_id, indicator_id, tonnes_tpa FROM filing_replacements WHERE filing_id IN :ids "
                "ORDER BY id").bindparams(sa.bindparam("ids", expanding=True))
STAMPS = ("submitted_at", "decided_at", "created_at")


def _stamp(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite returns text
        return value.replace(" ", "T")[:19] + "Z"
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@app.get("/filings")
def filings() -> Response:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    size, page = 50, int(request.args.get("page", 1))
    with engine.connect() as conn:
        if scheme.lower() != "bearer" or conn.execute(TOKEN, {"digest": digest}).first() is None:
            return Response('{"status": 401}', 401, mimetype="application/problem+json")
        rows = [dict(row) for row in conn.execute(PAGE, {"size": size, "offset": (page - 1) * size}).mappings()]
        total = conn.execute(COUNT).scalar_one()
        lines: dict[int, list] = {}
        if rows:
            for filing_id, indicator_id, tonnes in conn.execute(LINES, {"ids": [r["id"] for r in rows]}):
                lines.setdefault(filing_id, []).append({"indicator_id": indicator_id, "tonnes_tpa": tonnes})
    for row in rows:
        for name in STAMPS:
            row[name] = _stamp(row[name])
        row["replacements"] = lines.get(row["id"], [])
    meta = {"total": total, "total_pages": (total + size - 1) // size, "page": page, "page_size": size}
    return Response(json.dumps(rows), mimetype="application/json", headers={"X-Pagination": json.dumps(meta)})
