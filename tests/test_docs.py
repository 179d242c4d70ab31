"""The documentation: the API reference matches the code, and every link in README and docs/ resolves."""

from __future__ import annotations

import importlib.util
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, RequestRedirect

from registry import create_app
from registry.extensions import db

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Sites a document may link to over http(s). The local demo server is the only one:
# everything else the reader needs is in the repository.
ALLOWED_HOSTS: frozenset[str] = frozenset({"127.0.0.1", "localhost"})

FENCE = re.compile(r"^ {0,3}(```|~~~).*?^ {0,3}\1[^\n]*$", re.MULTILINE | re.DOTALL)
INLINE_CODE = re.compile(r"(`+)(?!`).+?(?<!`)\1(?!`)", re.DOTALL)
INLINE_LINK = re.compile(r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
REFERENCE_LINK = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+\"[^\"]*\")?\s*$", re.MULTILINE)
BARE_URL = re.compile(r"(?<![(<\w])https?://[^\s)>\]]+")
HEADING = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$", re.MULTILINE)
HTML_ANCHOR = re.compile(r"<a\s+(?:id|name)=\"([^\"]+)\"")


def documents() -> list[Path]:
    """README.md and every markdown file under docs/."""
    return [ROOT / "README.md", *sorted(DOCS.rglob("*.md"))]


def _without_code(text: str) -> str:
    """The text with fenced blocks and inline code removed (links there are examples, not links)."""
    return INLINE_CODE.sub("", FENCE.sub("", text))


def links(text: str) -> list[str]:
    """Every link target outside code: inline links and images, reference definitions, bare URLs."""
    prose = _without_code(text)
    found = INLINE_LINK.findall(prose) + REFERENCE_LINK.findall(prose)
    stripped = INLINE_LINK.sub("", REFERENCE_LINK.sub("", prose))
    return found + BARE_URL.findall(stripped)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading: the rendered text, lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", heading)  # a link's text
    text = text.replace("`", "").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)  # \w keeps letters of any script, digits and "_"
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors a markdown file offers: its headings' slugs (repeats numbered as GitHub does)."""
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    seen: dict[str, int] = {}
    result = set(HTML_ANCHOR.findall(text))
    for _, heading in HEADING.findall(text):
        base = slug(heading)
        count = seen.get(base, 0)
        result.add(base if count == 0 else f"{base}-{count}")
        seen[base] = count + 1
    return result


def _git_ignored(path: Path, root: Path) -> bool:
    """True when git ignores the path (a clone would not have it); False when unknown."""
    try:
        done = subprocess.run(["git", "check-ignore", "-q", str(path)], cwd=root,  # noqa: S603, S607
                              capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _route_problem(path: str, url_map: Map) -> str | None:
    adapter = url_map.bind("localhost")
    try:
        adapter.match(path, method="GET")
    except RequestRedirect as redirect:
        return f"redirects to {redirect.new_url}: link to that instead"
    except MethodNotAllowed:
        return "is not a page one can open (no GET route)"
    except NotFound:
        return "is not a route of the app"
    return None


def link_problem(document: Path, target: str, root: Path, url_map: Map) -> str | None:
    """What is wrong with one link of a document, or None when it resolves."""
    parts = urlsplit(target)
    if parts.scheme in ("http", "https"):
        if parts.hostname not in ALLOWED_HOSTS:
            return f"links outside the repository to {parts.hostname} (allowed: {sorted(ALLOWED_HOSTS)})"
        return None
    if parts.scheme or parts.netloc:
        return f"uses the scheme {parts.scheme or '//'}: only repository files, app routes and the demo server"
    if target.startswith("/"):
        return _route_problem(unquote(parts.path), url_map)
    if not parts.path:  # "#anchor" in the same file
        resolved = document
    else:
        resolved = (document.parent / unquote(parts.path)).resolve()
        if not resolved.is_relative_to(root):
            return "leaves the repository"
        if not resolved.exists():
            return f"names {resolved.relative_to(root)}, which does not exist"
        if _git_ignored(resolved, root):
            return f"names {resolved.relative_to(root)}, which git ignores (a clone does not have it)"
    if parts.fragment:
        if resolved.suffix != ".md":
            return f"has the anchor #{parts.fragment} on a file that is not markdown"
        if parts.fragment not in anchors(resolved):
            return f"has the anchor #{parts.fragment}, which is no heading of {resolved.name}"
    return None


def problems(document: Path, root: Path, url_map: Map) -> Iterator[str]:
    """One line per broken link of the document."""
    for target in links(document.read_text(encoding="utf-8")):
        problem = link_problem(document, target, root, url_map)
        if problem:
            yield f"{document.relative_to(root)}: ({target}) {problem}"


@pytest.fixture(scope="module")
def app_routes() -> Iterator[Map]:
    app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    yield app.url_map
    with app.app_context():
        db.engine.dispose()


def _generator():
    spec = importlib.util.spec_from_file_location("generate_api_reference", DOCS / "generate_api_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_api_reference_is_generated_from_the_current_code():
    generated = _generator().render_reference()
    committed = (DOCS / "api-reference.md").read_text(encoding="utf-8")
    assert generated == committed, (
        "docs/api-reference.md is stale: regenerate it with "
        "`.venv/bin/python docs/generate_api_reference.py` and commit the result")


def test_the_api_reference_names_every_endpoint(app_routes):
    reference = (DOCS / "api-reference.md").read_text(encoding="utf-8")
    for rule in app_routes.iter_rules():
        if rule.rule.startswith("/api/v1/") and "docs" not in rule.rule and rule.rule != "/api/v1/openapi.json":
            documented = re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule.rule)
            assert f"{documented}`" in reference, f"{rule.rule} is missing from docs/api-reference.md"


@pytest.mark.parametrize("document", documents(), ids=lambda path: str(path.relative_to(ROOT)))
def test_every_link_resolves(document, app_routes):
    broken = list(problems(document, ROOT, app_routes))
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_readme_links_the_documentation():
    readme = links((ROOT / "README.md").read_text(encoding="utf-8"))
    for name in ("docs/clerk-guide.zh.md", "docs/clerk-guide.en.md", "docs/reviewer-guide.zh.md",
                 "docs/reviewer-guide.en.md", "docs/operator-guide.md", "docs/domain.md",
                 "docs/api-reference.md", "docs/glossary.md"):
        assert name in readme, f"README does not link {name}"
    assert not [target for target in readme if "../" in target]


def test_the_guides_embed_committed_screenshots():
    for guide in ("clerk-guide.zh.md", "clerk-guide.en.md", "reviewer-guide.zh.md", "reviewer-guide.en.md"):
        images = [t for t in links((DOCS / guide).read_text(encoding="utf-8")) if t.startswith("images/")]
        assert images, f"{guide} shows no screenshot"
        for image in images:
            assert (DOCS / image).is_file(), f"{guide} embeds {image}, missing from docs/images/"


def _avoided_words() -> list[str]:
    rows = []
    for line in (DOCS / "glossary.md").read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] not in ("English", "---"):
            rows.append(cells[3])
    return rows


@pytest.mark.parametrize("guide", ["clerk-guide.zh.md", "reviewer-guide.zh.md"])
def test_the_chinese_guides_use_the_glossary_terms(guide):
    text = (DOCS / guide).read_text(encoding="utf-8")
    used = [word for word in _avoided_words() if word in text]
    assert not used, f"{guide} uses words the glossary avoids: {used}"


# The checker itself -------------------------------------------------------------------------------

def _doc(tmp_path: Path, text: str) -> Path:
    (tmp_path / "docs").mkdir(exist_ok=True)
    (tmp_path / "docs" / "other.md").write_text("# Other page\n\n## 备案与审核 (filings)\n", encoding="utf-8")
    document = tmp_path / "docs" / "page.md"
    document.write_text(text, encoding="utf-8")
    return document


def test_the_checker_passes_links_that_resolve(tmp_path, app_routes):
    document = _doc(tmp_path, "# Page\n\n## A section\n\n"
                              "[other](other.md) [its heading](other.md#备案与审核-filings) [here](#a-section) "
                              "[dir](.) [a filing](/filings/1) [the API](/api/v1/filings?status=submitted) "
                              "[demo](http://127.0.0.1:5000/)\n\n"
                              "```\n[in a block](missing.md)\n```\n\nand `[inline](missing.md)` code.\n")
    assert list(problems(document, tmp_path, app_routes)) == []


@pytest.mark.parametrize(("link", "complaint"), [
    ("missing.md", "does not exist"),
    ("other.md#no-such-heading", "no heading"),
    ("#nowhere", "no heading"),
    ("../../outside.md", "leaves the repository"),
    ("https://example.com/page", "outside the repository"),
    ("/no-such-page", "not a route"),
    ("/filings/1/approve", "no GET route"),
    ("/admin", "redirects"),
    ("mailto:someone@example.com", "scheme"),
])
def test_the_checker_reports_a_broken_link(tmp_path, app_routes, link, complaint):
    document = _doc(tmp_path, f"# Page\n\nSee [this]({link}).\n")
    found = list(problems(document, tmp_path, app_routes))
    assert len(found) == 1 and complaint in found[0], found


def test_the_checker_reports_a_bare_url(tmp_path, app_routes):
    document = _doc(tmp_path, "# Page\n\nRead https://example.org/x for more.\n")
    assert ["example.org" in line for line in problems(document, tmp_path, app_routes)] == [True]
