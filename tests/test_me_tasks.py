"""GET /api/v1/me/tasks: returns overdue and due, returned filings, filings to review."""

from __future__ import annotations

import pytest

from registry import create_app


@pytest.fixture
def story(database_url, factory, world):
    """The registry on 2016-12-05: November's return is due on 10 December, October's is overdue."""
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REGISTRY_TODAY": "2016-12-05"})
    client = app.test_client()

    def get(user, language="en"):
        headers = {"Authorization": f"Bearer {factory.token(user)}", "Accept-Language": language}
        response = client.get("/api/v1/me/tasks", headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    def file(user, smelter, month):
        body = {"smelter_id": smelter.id, "month": month, "operating_tpa": 300_000, "production_t": 20_000}
        response = client.post("/api/v1/monthly-returns", json=body,
                               headers={"Authorization": f"Bearer {factory.token(user)}"})
        assert response.status_code == 201, response.get_json()

    return get, file


def test_a_filer_sees_its_overdue_and_due_returns_oldest_first(story, world, factory):
    get, file = story
    file(world.filer_a, world.smelter_a, "2016-09")
    tasks = [(t["code"], t["month"], t["smelter_id"]) for t in get(world.filer_a) if "_return_" in t["code"]]
    months_overdue = [month for code, month, _ in tasks if code == "task_return_overdue"]
    assert "2016-09" not in months_overdue  # filed
    assert months_overdue == [f"2016-{m:02d}" for m in range(1, 9)] + ["2016-10"]
    assert tasks[-1] == ("task_return_due", "2016-11", world.smelter_a.id)
    assert {smelter for _, _, smelter in tasks} == {world.smelter_a.id}  # never another member's smelter


def test_task_messages_are_in_the_readers_language(story, world):
    get, _ = story
    due = next(t for t in get(world.filer_a) if t["code"] == "task_return_due")
    assert due["due_on"] == "2016-12-10" and due["overdue"] is False
    assert "Nov 2016" in due["message"] and "10, 2016" in due["message"]
    chinese = next(t for t in get(world.filer_a, "zh-CN") if t["code"] == "task_return_due")
    assert "2016年11月" in chinese["message"] and "2016年12月10日" in chinese["message"]


def test_returned_filings_for_the_filer_and_the_queue_for_reviewers(story, world, factory):
    get, _ = story
    returned = factory.filing(world.smelter_a, world.filer_a, status="returned")
    waiting = factory.filing(world.smelter_b, world.filer_b, status="submitted")
    mine = [t for t in get(world.filer_a) if t["code"] == "task_filing_returned"]
    assert [(t["filing_id"], t["href"]) for t in mine] == [(returned.id, f"/filings/{returned.id}")]
    assert "noted" in mine[0]["message"]  # the reviewer's note says what to fix
    assert [t["filing_id"] for t in get(world.filer_b) if "filing" in t["code"]] == []
    queue = get(world.reviewer)
    assert [(t["code"], t["filing_id"]) for t in queue] == [("task_filing_to_review", waiting.id)]
    assert get(world.auditor) == []


def test_the_dashboards_show_the_same_tasks(database_url, factory, world):
    from tests.web_helpers import sign_in

    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url, "REGISTRY_TODAY": "2016-12-05"})
    returned = factory.filing(world.smelter_a, world.filer_a, status="returned")
    client = app.test_client()
    sign_in(client, world.filer_a)
    page = client.get("/", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert "待办事项" in page
    assert f'href="/filings/{returned.id}"' in page  # the returned filing comes first
    assert "2016年1月月报已于2016年2月10日到期" in page.replace(" ", "") and "逾期" in page
    assert "另有 4 项" in page  # 12 tasks (1 filing, 10 overdue, 1 due), 8 shown
    reviewer = app.test_client()
    sign_in(reviewer, world.reviewer)
    factory.filing(world.smelter_b, world.filer_b, status="submitted")
    page = reviewer.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "To do" in page and "awaits review" in page
