"""Operations of api.md: export and import-dump, downgrades that keep data, the start-up check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa

from registry.demo import load_demo
from registry.extensions import db
from registry.members.models import Enterprise
from registry.revision import head_revision
from tests.scratch import run_cli as _cli

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _upgraded(app, revision: str = "head"):
    result = _cli(app, "db", "upgrade", revision)
    assert result.exit_code == 0, result.output
    return app


def _with_demo(app):
    with app.app_context():
        load_demo()
        db.session.commit()
    return app


def _revision(app) -> str | None:
    with app.app_context():
        revision = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        db.session.remove()
    return revision


def _counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                  for t in db.metadata.sorted_tables}
        db.session.remove()
    return counts


def test_export_import_export_gives_the_same_document(scratch, tmp_path):
    source = _with_demo(_upgraded(scratch("source")))
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    assert _cli(source, "export", str(first)).exit_code == 0
    document = json.loads(first.read_text(encoding="utf-8"))
    assert document["revision"] == head_revision()
    assert all(document["tables"][name]["rows"] for name in ("filings", "audit_events", "indicators", "users"))

    target = _upgraded(scratch("target"))
    loaded = _cli(target, "import-dump", str(first))
    assert loaded.exit_code == 0, loaded.output
    assert _cli(target, "export", str(second)).exit_code == 0
    assert second.read_bytes() == first.read_bytes()
    assert _counts(target) == _counts(source)


def test_after_an_import_new_rows_take_new_ids(scratch, tmp_path):
    source = _with_demo(_upgraded(scratch("source")))
    dump = tmp_path / "dump.json"
    _cli(source, "export", str(dump))
    target = _upgraded(scratch("target"))
    assert _cli(target, "import-dump", str(dump)).exit_code == 0
    with target.app_context():
        highest = db.session.scalar(sa.select(sa.func.max(Enterprise.id)))
        enterprise = Enterprise(uscc="91110000MA00000000", name="新企业", province="11")
        db.session.add(enterprise)
        db.session.commit()
        assert enterprise.id == highest + 1
        db.session.remove()


def test_import_refuses_a_database_that_holds_data(scratch, tmp_path):
    source = _with_demo(_upgraded(scratch("source")))
    dump = tmp_path / "dump.json"
    _cli(source, "export", str(dump))
    before = _counts(source)
    refused = _cli(source, "import-dump", str(dump))
    assert refused.exit_code == 1
    assert "not empty" in refused.output
    assert _counts(source) == before


def test_import_refuses_a_dump_of_another_revision(scratch, tmp_path):
    source = _upgraded(scratch("source"))
    dump = tmp_path / "dump.json"
    _cli(source, "export", str(dump))
    document = json.loads(dump.read_text(encoding="utf-8"))
    document["revision"] = "0002"
    dump.write_text(json.dumps(document), encoding="utf-8")
    refused = _cli(source, "import-dump", str(dump))
    assert refused.exit_code == 1
    assert "revision 0002" in refused.output and head_revision() in refused.output


@pytest.mark.parametrize("damage", ["short_row", "dangling_reference", "not_json"])
def test_a_damaged_dump_writes_nothing(scratch, tmp_path, damage):
    source = _with_demo(_upgraded(scratch("source")))
    dump = tmp_path / "dump.json"
    _cli(source, "export", str(dump))
    document = json.loads(dump.read_text(encoding="utf-8"))
    if damage == "short_row":
        document["tables"]["filings"]["rows"][-1].pop()
    elif damage == "dangling_reference":
        smelter = document["tables"]["filings"]["columns"].index("smelter_id")
        document["tables"]["filings"]["rows"][-1][smelter] = 999_999
    text = "{not json" if damage == "not_json" else json.dumps(document)
    dump.write_text(text, encoding="utf-8")
    target = _upgraded(scratch("target"))
    before = _counts(target)
    refused = _cli(target, "import-dump", str(dump))
    assert refused.exit_code == 1, refused.output
    assert refused.output.startswith("Error:")
    assert _counts(target) == before  # the reference rows too: all or nothing


KEPT = ("enterprises", "smelters", "users", "filings", "audit_events", "monthly_returns", "indicators")


def _kept_counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {name: db.session.execute(sa.text(f"SELECT count(*) FROM {name}")).scalar_one()  # noqa: S608
                  for name in KEPT}
        db.session.remove()
    return counts


def _final_positions(app, sql: str) -> dict[int, tuple[int, int]]:
    with app.app_context():
        found = {sid: (int(b), int(o)) for sid, b, o in db.session.execute(sa.text(sql))}
        db.session.remove()
    return found


def test_a_downgrade_that_would_drop_data_is_refused_without_force(scratch, caplog):
    app = _with_demo(_upgraded(scratch("guarded")))
    before = _kept_counts(app)
    positions = _final_positions(app, "SELECT smelter_id, built_tpa, operating_tpa FROM smelter_months "
                                      "WHERE is_last")
    # The demo's proof of replacement (0013), awaiting filing (0009) and amendments (0007) are data:
    # going below them is refused...
    assert _cli(app, "db", "downgrade", "0006").exit_code == 1
    assert "would drop data: filing_notices" in caplog.text
    assert _kept_counts(app) == before
    # ...until forced: the superseded and cancelled originals then read as withdrawn, the ledger unchanged
    assert _cli(app, "db", "downgrade", "-x", "force", "0006").exit_code == 0
    caplog.clear()
    # 0004's projection and 0005's counts are derived from the filings: dropping them loses nothing,
    # and the fixed deltas 0004's downgrade brings back give the same final positions.
    assert _cli(app, "db", "downgrade", "0003").exit_code == 0
    assert _revision(app) == "0003"
    assert _final_positions(app, "SELECT s.id, s.baseline_built_tpa + COALESCE(SUM(f.built_delta_tpa), 0), "
                                 "s.baseline_operating_tpa + COALESCE(SUM(f.operating_delta_tpa), 0) "
                                 "FROM smelters s LEFT JOIN filings f ON f.smelter_id = s.id "
                                 "AND f.status = 'approved' GROUP BY s.id") == positions

    refused = _cli(app, "db", "downgrade")
    assert refused.exit_code == 1
    # Flask-Migrate logs the refusal rather than printing it
    assert "would drop data: users.session_version" in caplog.text and "-x force" in caplog.text
    assert (_revision(app), _kept_counts(app)) == ("0003", before)

    assert _cli(app, "db", "downgrade", "-x", "force").exit_code == 0
    assert _revision(app) == "0002"
    caplog.clear()
    refused = _cli(app, "db", "downgrade")  # the next step drops returns and indicators: refused in its turn
    assert refused.exit_code == 1 and "monthly_returns (" in caplog.text
    assert _revision(app) == "0002"

    assert _cli(app, "db", "downgrade", "-x", "force", "base").exit_code == 0
    assert _revision(app) is None
    assert _upgraded(app) and _revision(app) == head_revision()


def test_a_downgrade_of_an_empty_database_needs_no_force(scratch):
    app = _upgraded(scratch("empty"))
    assert _cli(app, "db", "downgrade", "base").exit_code == 0
    assert _revision(app) is None


def _serve(url: str, *command: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": url, "REGISTRY_ENV": "testing"}
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)  # noqa: S603


def test_the_server_refuses_a_database_behind_the_migrations(scratch):
    app = _upgraded(scratch("behind"), "0002")
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    # one worker: with two, the arbiter may stop the second mid-import, which prints its traceback
    served = _serve(url, str(GUNICORN), "-w", "1", "--no-control-socket", "-b", "127.0.0.1:0", "wsgi:app")
    assert served.returncode != 0
    assert f"is at revision 0002; this code needs revision {head_revision()}" in served.stderr
    assert "flask --app wsgi db upgrade" in served.stderr
    assert "Traceback" not in served.stderr

    # Commands other than serving still load: the upgrade the message asks for works.
    _upgraded(app)
    loaded = _serve(url, sys.executable, "-c", "import wsgi")
    assert loaded.returncode == 0, loaded.stderr


def test_the_server_refuses_a_database_with_no_schema(scratch):
    app = scratch("bare")
    served = _serve(app.config["SQLALCHEMY_DATABASE_URI"], sys.executable, "-c", "import wsgi")
    assert served.returncode == 3
    assert "has no schema" in served.stderr
