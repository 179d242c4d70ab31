"""The calendar's API documents."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from registry.rest.fields import Name
from registry.rest.schema import Schema

DAYS_PER_YEAR = 120  # far more holidays and make-up days than any arrangement has


class WorkingDaysArgs(Schema):
    from_ = ma.fields.Date(data_key="from", required=True, metadata={"example": "2016-09-26"})
    to = ma.fields.Date(required=True, metadata={"example": "2016-10-12"})


class YearIn(Schema):
    holidays = ma.fields.List(ma.fields.Date(), required=True, validate=validate.Length(max=DAYS_PER_YEAR),
                              metadata={"description": "Public holidays falling on weekdays (放假)."})
    workdays = ma.fields.List(ma.fields.Date(), required=True, validate=validate.Length(max=DAYS_PER_YEAR),
                              metadata={"description": "Saturdays and Sundays worked to make up (调休上班)."})
    source = Name(required=True, metadata={"example": "国务院办公厅关于2027年部分节假日安排的通知"})


class YearOut(Schema):
    year = ma.fields.Integer()
    source = ma.fields.String()
    holidays = ma.fields.List(ma.fields.Date())
    workdays = ma.fields.List(ma.fields.Date())
