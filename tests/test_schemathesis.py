"""schemathesis against the served OpenAPI document, on each database.

It generates requests from the document (valid and invalid) for every
operation, as an admin with the demo data loaded, and fails on any 5xx or
any response the document does not describe (status, content type, headers,
body schema), and on schema-violating requests that are accepted. The
positive-data check is left out on purpose: a schema cannot express the
domain rules (a USCC check character, operating <= built, a month after the
baseline), so schema-valid requests are rightly refused with 409 or 422.

The stateful phase chains operations along links schemathesis infers from
the response schemas (a created filing's ``id`` into ``{filing_id}``, and so
on), so the document declares none. It runs for the admin and again, alone
and longer, for a filer: only a filer creates filings and returns, so only
its scenarios reach create, change, submit and withdraw.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from registry.auth.models import User
from registry.demo import load_demo
from registry.extensions import db
from tests.server_helpers import gunicorn

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
CHECKS = ",".join((
    "not_a_server_error", "status_code_conformance", "content_type_conformance",
    "response_headers_conformance", "response_schema_conformance", "negative_data_rejection",
    "missing_required_header", "unsupported_method", "ignored_auth",
))
CONFIG = """
[phases.stateful]
max-steps = 12  # long enough for create, change, submit, withdraw and the reads between

[checks.negative_data_rejection]
# schemathesis' list, with the app's refusals of an oversized body, URL or header block (registry.security).
expected-statuses = ["400", "401", "403", "404", "405", "406", "409", "413", "414", "415", "422", "428",
                     "429", "431"]
"""
# (role, phases, examples per operation or, for the stateful phase, scenarios); --max-examples
# on the command line overrides a per-phase count in the file, so the stateful runs are their own.
RUNS = (("admin", "examples,coverage,fuzzing", 15), ("admin", "stateful", 60), ("filer", "stateful", 80))


def run_schemathesis(base: str, token: str, workdir: Path, phases: str, max_examples: int) -> None:
    """One run, which must pass; a stateful one must have run scenarios along links."""
    config = workdir / "schemathesis.toml"
    config.write_text(CONFIG)
    result = subprocess.run(  # noqa: S603 - our own venv's schemathesis, fixed arguments
        [str(SCHEMATHESIS), "--config-file", str(config), "run", f"{base}/api/v1/openapi.json",
         "--phases", phases,
         # One worker: CPython 3.11.7's ast.parse is not thread-safe (gh-106905), and
         # hypothesis parses lambdas while describing strategies ("AST constructor
         # recursion depth mismatch" under --workers 2).
         "--max-examples", str(max_examples), "--seed", "1", "--workers", "1",
         "--header", f"Authorization: Bearer {token}",
         "--checks", CHECKS, "--request-timeout", "20", "--no-color"],
        cwd=workdir, capture_output=True, text=True, timeout=900,
    )
    output = result.stdout[-12000:] + result.stderr[-3000:]
    assert result.returncode == 0, output
    if "stateful" not in phases:
        return
    stateful = re.search(r"Stateful \(in .*?\n\s+Scenarios:\s+(\d+)\n\s+API Links:\s+(\d+) covered", result.stdout)
    assert stateful, "no stateful phase in the output:\n" + output
    assert int(stateful[1]) > 0 and int(stateful[2]) > 0, output


@pytest.mark.server
def test_schemathesis_finds_no_server_error_and_no_broken_response(app, factory, database_url, tmp_path):
    with app.app_context():
        load_demo()
        db.session.commit()
        filer_id = db.session.scalar(sa.select(User.id).where(User.role == "filer").order_by(User.id))
        db.session.remove()
    tokens = {"admin": factory.token(factory.user("admin")), "filer": factory.token(SimpleNamespace(id=filer_id))}
    with gunicorn(database_url, workers=2) as base:
        for number, (role, phases, examples) in enumerate(RUNS):
            workdir = tmp_path / f"{number}-{role}"
            workdir.mkdir()
            run_schemathesis(base, tokens[role], workdir, phases, examples)
