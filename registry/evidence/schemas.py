"""The API documents of notices, objections, announcements and dismantling."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from registry.rest.fields import NOTE_LENGTH, Boolean, Name, Text, Timestamp, plain_line, plain_text
from registry.rest.schema import Schema

URL_LENGTH = 500


class NoticeIn(Schema):
    authority = Name(required=True, metadata={"example": "山东省工业和信息化厅"})
    published_on = ma.fields.Date(required=True, metadata={"example": "2016-09-26"})
    url = ma.fields.URL(required=True, schemes={"http", "https"}, validate=validate.Length(max=URL_LENGTH),
                        metadata={"example": "https://gxt.shandong.gov.cn/art/2016/9/26/art_1.html"})


class ObjectionIn(Schema):
    note = ma.fields.String(required=True, validate=[validate.Length(min=1, max=NOTE_LENGTH), plain_text])


class ResolutionIn(Schema):
    upheld = Boolean(required=True)
    note = Text(required=True)


class AnnouncementIn(Schema):
    announced_on = ma.fields.Date(required=True, metadata={"example": "2016-10-13"})
    document_no = ma.fields.String(required=True, validate=[validate.Length(min=1, max=100), plain_line],
                                   metadata={"example": "鲁工信原〔2016〕123号"})


class ObjectionOut(Schema):
    id = ma.fields.Integer()
    note = ma.fields.String()
    raised_by = ma.fields.Integer()
    raised_at = Timestamp()
    upheld = ma.fields.Boolean(allow_none=True)
    resolution_note = ma.fields.String(allow_none=True)
    resolved_by = ma.fields.Integer(allow_none=True)
    resolved_at = Timestamp(allow_none=True)


class NoticeOut(Schema):
    authority = ma.fields.String()
    published_on = ma.fields.Date()
    url = ma.fields.String()
    ends_on = ma.fields.Date(metadata={"description": "The 10th working day, the publication day included."})
    announced_on = ma.fields.Date(allow_none=True)
    document_no = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"enum": ["in_notice", "notice_ended", "objection_open",
                                                 "renotice_required", "announced"]})
    objections = ma.fields.List(ma.fields.Nested(ObjectionOut))


class DismantlingIn(Schema):
    completed_on = ma.fields.Date(required=True, metadata={"example": "2016-10-20"})
    evidence = ma.fields.String(required=True, validate=[validate.Length(min=1, max=NOTE_LENGTH), plain_text],
                                metadata={"example": "县工信局验收意见，拆除现场照片 12 张"})


class DismantlingOut(Schema):
    completed_on = ma.fields.Date()
    evidence = ma.fields.String()
    recorded_by = ma.fields.Integer()
    recorded_at = Timestamp()
    confirmed = ma.fields.Boolean()
    confirmed_by = ma.fields.Integer(allow_none=True)
    confirmed_at = Timestamp(allow_none=True)
