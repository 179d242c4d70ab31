"""Strong ETags from a resource's JSON, and the If-Match check for PATCH."""

from __future__ import annotations

import hashlib
import json
import re

from flask import Response, jsonify, request

from registry.messages import Template
from registry.problems import PreconditionFailed, Problem

MALFORMED_IF_MATCH = Template("malformed_if_match",
                              'If-Match must be "*" or entity tags as sent in ETag, e.g. "3f2a...".')
MALFORMED_TAG = Template("malformed_entity_tag", "Malformed entity tag.")

ETAG_HEADER = {"ETag": {"description": "Entity tag of the resource.", "schema": {"type": "string"}}}
IF_MATCH = {
    "name": "If-Match",
    "in": "header",
    "required": False,
    "description": "The ETag you last read; a stale one is refused with 412.",
    "schema": {"type": "string", "minLength": 1},
}
# An entity tag as RFC 9110 writes it: "opaque" or W/"opaque".
ENTITY_TAG = re.compile(r'^(W/)?"[\x21\x23-\x7e]*"$')


def etag_of(data: dict) -> str:
    """A quoted strong ETag of the JSON representation."""
    digest = hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()
    return f'"{digest[:32]}"'


def check_if_match(current: dict) -> None:
    """412 when the client's If-Match does not name the current representation."""
    wanted = request.headers.get("If-Match")
    if wanted is None:
        return
    tags = {tag.strip() for tag in wanted.split(",")}
    if tags == {"*"}:
        return
    if not all(ENTITY_TAG.match(tag) for tag in tags):
        raise Problem(MALFORMED_IF_MATCH(), errors={"If-Match": [MALFORMED_TAG()]}, code="malformed_header")
    tags |= {tag[2:] for tag in tags if tag.startswith("W/")}
    if etag_of(current) not in tags:
        raise PreconditionFailed()


def with_etag(schema, obj, status: int = 200) -> Response:
    """The resource as JSON with its ETag (the response schema then only documents it)."""
    data = schema.dump(obj)
    response = jsonify(data)
    response.status_code = status
    response.headers["ETag"] = etag_of(data)
    return response
