"""The upload form and the confirmation of an import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField

WHAT = [("filings", _l("Filings")), ("monthly_returns", _l("Monthly returns"))]


class UploadForm(FlaskForm):
    what = RadioField(_l("What the file holds"), choices=WHAT, default="filings")
    file = FileField(_l("File (.xlsx or .csv)"), render_kw={"accept": ".xlsx,.csv,text/csv,application/vnd."
                                                                        "openxmlformats-officedocument."
                                                                        "spreadsheetml.sheet"})


class ConfirmForm(FlaskForm):
    submit_for_review = BooleanField(_l("Also submit the filings for review"))
