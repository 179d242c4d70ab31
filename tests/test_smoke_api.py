"""The API answers a signed-in user and refuses an anonymous one."""


def test_anonymous_request_is_401_problem(client):
    response = client.get("/api/v1/filings")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_filer_creates_and_submits_a_filing(world, api_as):
    filer = api_as(world.filer_a)
    created = filer.post("/api/v1/filings", json={
        "smelter_id": world.smelter_a.id, "kind": "restart",
        "capacity_tpa": 50_000, "effective_month": "2016-11"})
    assert created.status_code == 201, created.json
    assert created.json["status"] == "draft"
    submitted = filer.post(f"/api/v1/filings/{created.json['id']}/submit")
    assert submitted.status_code == 200
    assert submitted.json["status"] == "submitted"
