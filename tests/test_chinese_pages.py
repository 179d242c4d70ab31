"""No English word on a Chinese page or in a Chinese export: every page a role can open is read, in Chinese.

The pages are found from the URL map (every GET page without arguments, and
each page with an id for the records the test makes), so a page added later is
read too. What a reader sees is checked: text and the attributes read aloud or
shown on hover (title, aria-label, alt, placeholder), not URLs, class names or
scripts. Data is named in Chinese, as members name their smelters.
"""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl
import pytest

from tests.web_helpers import sign_in

ZH = {"Accept-Language": "zh-CN"}
# Words a Chinese reader reads as they are: units, formats, products and the API's own name.
ALLOWED = {"kA", "API", "CSV", "Excel", "XLSX", "SVG", "JSON", "ID", "URL", "UTC", "GB", "MB", "OpenAPI", "USCC",
           "CNIA", "MIIT", "PDF", "SMTP", "t", "kWh", "ERP", "UTF-", "csv", "xlsx",
           "English"}  # the language's own name, where a user picks it
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
# Scripts, styles, comments, and what is marked as another language (the switcher's "English").
HIDDEN = re.compile(r'<(script|style)\b.*?</\1>|<!--.*?-->|<(\w+)\b[^>]*\slang="en"[^>]*>.*?</\2>', re.S)
SHOWN_ATTRIBUTES = re.compile(r'\s(?:title|aria-label|alt|placeholder)="([^"]*)"')
TAG = re.compile(r"<[^>]+>")


def english_words(text: str) -> set[str]:
    """The English words of ``text``, e-mail addresses and the allowed words left out."""
    text = re.sub(r"[\w.+-]+@[\w.-]+", " ", text)  # e-mail addresses
    text = re.sub(r"\S*/api/\S*", " ", text)  # the API's addresses, shown as what to type
    text = re.sub(r"\b[0-9A-Z]{18}\b", " ", text)  # unified social credit codes (USCC)
    return {w for w in WORD.findall(text) if w not in ALLOWED}


def page_words(body: str) -> set[str]:
    body = HIDDEN.sub(" ", body)
    shown = " ".join(html.unescape(a) for a in SHOWN_ATTRIBUTES.findall(body))
    return english_words(html.unescape(TAG.sub(" ", body)) + " " + shown)


@pytest.fixture
def chinese_world(factory):
    """Members named in Chinese with filings in every state a page shows."""
    ent_a = factory.enterprise(name="中原铝业有限公司", name_en=None, province="41")
    ent_b = factory.enterprise(name="新疆铝电有限公司", name_en=None, province="65")
    smelter_a = factory.smelter(ent_a, name="中原第一电解铝厂")
    smelter_b = factory.smelter(ent_b, name="准东电解铝厂")
    users = {role: factory.user(role, name="王工") for role in ("admin", "reviewer", "auditor")}
    filer_a = factory.user("filer", ent_a, name="李会计")
    filer_b = factory.user("filer", ent_b, name="张会计")
    factory.cap(name="全国运行产能总量控制", limit_tpa=700_000, source="中国有色金属工业协会自律公约")
    filings = [
        factory.filing(smelter_a, filer_a, capacity_tpa=100_000, status="submitted", notes="二期复产"),
        factory.filing(smelter_a, filer_a, kind="closure", capacity_tpa=50_000, status="approved",
                       reviewer=users["reviewer"]),
        factory.filing(smelter_b, filer_b, kind="curtailment", capacity_tpa=40_000, status="returned",
                       reviewer=users["reviewer"]),
        factory.filing(smelter_b, filer_b, capacity_tpa=20_000, status="draft"),
    ]
    return {"users": users, "filers": (filer_a, filer_b), "smelters": (smelter_a, smelter_b),
            "enterprises": (ent_a, ent_b), "filings": filings}


def _pages(app, ids: dict[str, int]) -> list[str]:
    """Every GET page of the web blueprints: those without arguments, and those whose one id argument is known."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.rule.startswith(("/api/", "/static")) or rule.endpoint == "static":
            continue
        if rule.rule.endswith((".svg", ".csv", ".xlsx", ".json")) or "logout" in rule.rule:
            continue
        arguments = set(rule.arguments)
        if not arguments:
            urls.append(rule.rule)
        elif len(arguments) == 1 and (name := next(iter(arguments))) in ids:
            urls.append(rule.rule.replace(f"<int:{name}>", str(ids[name])).replace(f"<{name}>", str(ids[name])))
    return sorted(set(urls))


@pytest.mark.parametrize("role", ["admin", "reviewer", "filer"])
def test_no_english_word_on_any_chinese_page(app, client, chinese_world, role):
    user = chinese_world["filers"][0] if role == "filer" else chinese_world["users"][role]
    sign_in(client, user)
    client.post("/language/zh_CN")
    ids = {"filing_id": chinese_world["filings"][0].id, "smelter_id": chinese_world["smelters"][0].id,
           "enterprise_id": chinese_world["enterprises"][0].id, "user_id": user.id}
    found = {}
    read = 0
    for url in _pages(app, ids):
        response = client.get(url, headers=ZH)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        read += 1
        words = page_words(response.get_data(as_text=True))
        if words:
            found[url] = sorted(words)[:12]
    assert read >= (12 if role == "admin" else 6)
    assert not found, found


def _cells(workbook) -> set[str]:
    return {str(cell.value) for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row
            if isinstance(cell.value, str) and not cell.value.startswith("=")}


@pytest.mark.parametrize("url", ["/filings.xlsx", "/review.xlsx", "/filings.csv", "/review.csv"])
def test_no_english_word_in_a_chinese_export(client, chinese_world, url):
    sign_in(client, chinese_world["users"]["reviewer"])
    client.post("/language/zh_CN")
    response = client.get(url, headers=ZH)
    assert response.status_code == 200
    if url.endswith(".xlsx"):
        texts = _cells(openpyxl.load_workbook(io.BytesIO(response.data)))
    else:
        texts = {cell for row in csv.reader(io.StringIO(response.data.decode("utf-8-sig"))) for cell in row}
    words = {text: english_words(text) for text in texts}
    assert not {text: w for text, w in words.items() if w}
