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
    seq = ma.fields.Integer(metadata={"description": "The event's place in the chain: 1, 2, 3, ... with no gap."})
    prev_hash = ma.fields.String(metadata={"description": "The previous event's hash; 64 zeros for event 1."})
    hash = ma.fields.String(metadata={"description": (
        "SHA-256 (hex) of the UTF-8 canonical JSON of {seq, occurred_at (as shown here, "
        "YYYY-MM-DDTHH:MM:SSZ), actor_id, entity_type, entity_id, action, before, after, prev_hash}: "
        "sorted keys, separators ',' and ':', non-ASCII unescaped.")})


class ChainHeadOut(Schema):
    seq = ma.fields.Integer(metadata={"description": "The last event's seq; 0 while the trail is empty."})
    hash = ma.fields.String(metadata={"description": "The last event's hash; 64 zeros while the trail is empty."})


class AuditFilter(Schema):
    entity_type = ma.fields.String(validate=validate.OneOf(
        ("enterprise", "smelter", "filing", "cap", "user", "api_token", "calendar_year")))
    entity_id = Id(strict=False)
    actor_id = Id(strict=False)
    action = ma.fields.String(validate=validate.Length(max=40))
