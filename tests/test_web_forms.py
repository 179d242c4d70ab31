"""Web forms call the same services as the API; messages land beside fields, input is kept."""

from __future__ import annotations

import sqlalchemy as sa

from registry.audit.models import AuditEvent
from registry.extensions import db
from registry.filings.models import Filing
from tests.web_helpers import sign_in, text


def _filing_status(app, filing_id: int) -> str:
    with app.app_context():
        return db.session.get(Filing, filing_id).status


def test_new_filing_with_bad_values_keeps_input_and_names_fields(client, world, app):
    sign_in(client, world.filer_a)
    response = client.post("/filings/new", data={
        "smelter_id": str(world.smelter_a.id), "kind": "restart", "capacity_tpa": "12,000,000",
        "effective_month": "2016-13", "notes": "Restart of line 2", "cell_count": "abc"})
    page = text(response)
    assert response.status_code == 422
    assert 'id="capacity_tpa-err"' in page and "Must be between 1 and 10,000,000." in page
    assert 'id="effective_month-err"' in page and "Enter a month between 1990-01 and 2100-12" in page
    assert 'id="cell_count-err"' in page
    assert 'value="12,000,000"' in page and 'value="2016-13"' in page and "Restart of line 2" in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Filing)) == 0


def test_new_filing_runs_the_service_rules(client, world, app):
    sign_in(client, world.filer_a)
    response = client.post("/filings/new", data={
        "smelter_id": str(world.smelter_a.id), "kind": "restart", "capacity_tpa": "120 000",
        "effective_month": "2015-06"})
    assert response.status_code == 422
    assert "Must not be before the smelter&#39;s baseline month Jan 2016." in text(response)
    response = client.post("/filings/new", data={
        "smelter_id": str(world.smelter_a.id), "kind": "restart", "capacity_tpa": "120,000",
        "effective_month": "2016-11"})
    assert response.status_code == 302
    with app.app_context():
        filing = db.session.scalars(sa.select(Filing)).one()
        assert (filing.capacity_tpa, filing.status, filing.created_by) == (120_000, "draft", world.filer_a.id)


def test_another_enterprises_smelter_is_not_a_choice(client, world):
    sign_in(client, world.filer_a)
    response = client.post("/filings/new", data={
        "smelter_id": str(world.smelter_b.id), "kind": "restart", "capacity_tpa": "1000",
        "effective_month": "2016-11"})
    assert response.status_code == 422
    assert 'id="smelter_id-err"' in text(response)


def test_edit_a_returned_filing_then_submit(client, factory, world, app):
    filing = factory.filing(world.smelter_a, world.filer_a, status="returned")
    sign_in(client, world.filer_a)
    response = client.post(f"/filings/{filing.id}/edit", data={
        "kind": "restart", "capacity_tpa": "90000", "effective_month": "2016-12", "notes": "Smaller"})
    assert response.status_code == 302
    assert client.post(f"/filings/{filing.id}/submit").status_code == 302
    with app.app_context():
        row = db.session.get(Filing, filing.id)
        assert (row.capacity_tpa, row.effective_month, row.status) == (90_000, "2016-12", "submitted")


def test_reject_needs_a_note(client, factory, world, app):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    sign_in(client, world.reviewer)
    response = client.post(f"/filings/{filing.id}/reject", data={"note": "  "})
    assert response.status_code == 422
    assert 'id="note-reject-err"' in text(response)
    assert _filing_status(app, filing.id) == "submitted"
    response = client.post(f"/filings/{filing.id}/reject", data={"note": "No replacement plan."})
    assert response.status_code == 302
    assert _filing_status(app, filing.id) == "rejected"


def test_refused_approval_shows_rule_month_figures_and_keeps_its_audit_event(client, factory, world, app):
    cap = factory.cap(name="Henan operating", scope="province", scope_ref="41", limit_tpa=350_000)
    filing = factory.filing(world.smelter_a, world.filer_a, capacity_tpa=100_000, effective_month="2016-11",
                            status="submitted")
    sign_in(client, world.reviewer)
    queue = text(client.get("/review"))
    assert "Would be refused: 50,000 t/a over" in queue
    response = client.post(f"/filings/{filing.id}/approve", data={"next": "review"})
    page = text(response)
    assert response.status_code == 409
    assert "Approval refused: Cap exceeded" in page
    assert "Henan operating" in page and "Nov 2016" in page
    for figure in ("400,000", "350,000", "50,000"):
        assert figure in page
    assert _filing_status(app, filing.id) == "submitted"
    with app.app_context():
        event = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "approve_refused")).one()
        assert event.after["cap_id"] == cap.id and event.after["excess_tpa"] == 50_000


def test_approval_from_the_queue(client, factory, world, app):
    filing = factory.filing(world.smelter_a, world.filer_a, status="submitted")
    sign_in(client, world.reviewer)
    response = client.post(f"/filings/{filing.id}/approve", data={"next": "review"})
    assert response.status_code == 302 and response.headers["Location"] == "/review"
    assert _filing_status(app, filing.id) == "approved"


def test_api_token_is_shown_once_and_can_be_revoked(client, world):
    sign_in(client, world.filer_a)
    page = text(client.post("/account/tokens", data={"name": "ERP export"}))
    token = page.split('id="new-token"')[1].split('value="')[1].split('"')[0]
    assert token.startswith("cr_")
    assert client.get("/api/v1/filings", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    account = text(client.get("/account"))
    assert "ERP export" in account and token not in account
    token_id = account.split("/account/tokens/")[1].split("/revoke")[0]
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert client.get("/api/v1/filings", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_change_password(client, world):
    sign_in(client, world.filer_a)
    response = client.post("/account/password", data={"current_password": "wrong-one-here",
                                                       "new_password": "a-new-long-password"})
    assert response.status_code == 422 and "The current password is not correct." in text(response)
    response = client.post("/account/password", data={"current_password": world.filer_a.password,
                                                       "new_password": "short"})
    assert "Use at least 10 characters." in text(response)
    response = client.post("/account/password", data={"current_password": world.filer_a.password,
                                                       "new_password": "a-new-long-password"})
    assert response.status_code == 302
    client.post("/logout")
    world.filer_a.password = "a-new-long-password"
    sign_in(client, world.filer_a)


def test_admin_registers_an_enterprise_through_the_service(client, world, app):
    sign_in(client, world.admin)
    response = client.post("/admin/enterprises/new", data={"uscc": "91410000MA40A1B2C0", "name": "新铝业",
                                                           "province": "41", "active": "y"})
    assert response.status_code == 422
    assert 'id="uscc-err"' in text(response) and "does not verify" in text(response)
    response = client.post("/admin/enterprises/new", data={"uscc": world.ent_a.uscc, "name": "重复",
                                                           "province": "41", "active": "y"})
    assert response.status_code == 422 and "Already registered." in text(response)


def test_admin_creates_and_deactivates_a_user(client, world, app):
    sign_in(client, world.admin)
    response = client.post("/admin/users/new", data={"email": "new@member.example", "role": "filer",
                                                      "enterprise_id": "", "password": "long-enough-pw"})
    assert response.status_code == 422 and "A filer needs an enterprise." in text(response)
    response = client.post("/admin/users/new", data={"email": "new@member.example", "role": "filer",
                                                      "enterprise_id": str(world.ent_a.id),
                                                      "password": "long-enough-pw"})
    assert response.status_code == 302
    from registry.auth.models import User

    with app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.email == "new@member.example"))
    assert client.post(f"/admin/users/{user_id}/deactivate").status_code == 302
    client.post("/logout")
    response = client.post("/login", data={"email": "new@member.example", "password": "long-enough-pw"})
    assert response.status_code == 200 and "Wrong e-mail or password." in text(response)


def test_admin_cap_form_reports_scope_errors(client, world):
    sign_in(client, world.admin)
    response = client.post("/admin/caps/new", data={
        "name": "Henan", "scope": "province", "scope_ref": "99", "basis": "operating_capacity",
        "limit_tpa": "5,000,000", "period_from": "2017-01", "period_to": "2016-12", "active": "y"})
    assert response.status_code == 422
    page = text(response)
    assert 'id="scope_ref-err"' in page or 'id="period_to-err"' in page
    assert 'value="5,000,000"' in page
