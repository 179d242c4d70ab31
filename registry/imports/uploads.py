"""The upload's size: the import endpoints alone take IMPORT_MAX_BYTES, every other one MAX_CONTENT_LENGTH."""

from __future__ import annotations

from flask import current_app, request
from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import RequestEntityTooLarge

from registry.messages import Template
from registry.problems import Invalid

NOT_A_FILE = Template("import_not_a_file", "Choose a file to upload (.xlsx or .csv).")
FORM_ENVELOPE = 64 * 1024  # the multipart boundaries, headers and the form's other fields around the file


def allow_upload_size(endpoints: frozenset[str]):
    """A url_value_preprocessor letting ``endpoints`` read a body of IMPORT_MAX_BYTES and its envelope.

    A url_value_preprocessor, not a before_request: those of the app run
    first, and CSRF protection parses a page's form in one of them.
    """

    def preprocess(endpoint: str | None, _values: dict | None) -> None:
        if endpoint in endpoints and request.method == "POST":
            request.max_content_length = current_app.config["IMPORT_MAX_BYTES"] + FORM_ENVELOPE

    return preprocess


def upload_bytes(upload: object) -> bytes:
    """The uploaded file's bytes: 413 beyond IMPORT_MAX_BYTES, 422 naming ``file`` when it is no file."""
    if not isinstance(upload, FileStorage):
        raise Invalid(NOT_A_FILE(), errors={"file": [NOT_A_FILE()]})
    limit = current_app.config["IMPORT_MAX_BYTES"]
    data = upload.stream.read(limit + 1)
    if len(data) > limit:
        raise RequestEntityTooLarge()
    return data
