"""API shape of audit events and their filters."""

import marshmallow as ma
from marshmallow import validate

from registry.rest.fields import Id, Timestamp
from registry.rest.schema import Schema


class AuditEventOut(Schema):
    id = ma.fields.Integer()
    occurred_at = Timestamp()
    actor_id = ma.fields.Integer(allow_none=True)
    entity_type = ma.fields.String()
    entity_id = ma.fields.Integer()
    action = ma.fields.String()
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)


class AuditFilter(Schema):
    entity_type = ma.fields.String(validate=validate.OneOf(
        ("enterprise", "smelter", "filing", "cap", "user", "api_token")))
    entity_id = Id(strict=False)
    actor_id = Id(strict=False)
    action = ma.fields.String(validate=validate.Length(max=40))
