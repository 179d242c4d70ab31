"""Copy the browser tests' screenshots that the guides embed into docs/images/, under stable names.

Run the browser tests first (they write PNGs to tests/screenshots/, and a few
to the system temporary folder's ``shots/``), then, from the repository root:

    .venv/bin/python docs/copy_screenshots.py

A required screenshot that is missing is an error (exit 1): a browser test
was renamed or did not run. An optional one is skipped with a note.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (ROOT / "tests" / "screenshots", Path(tempfile.gettempdir()) / "shots")
TARGET = ROOT / "docs" / "images"

# (screenshot written by tests/browser, name in docs/images, required)
IMAGES: tuple[tuple[str, str, bool], ...] = (
    ("zh-filer-dashboard.png", "filer-dashboard.zh.png", True),
    ("en-filer-dashboard.png", "filer-dashboard.en.png", True),
    ("zh-filer-filing-new.png", "filing-new.zh.png", True),
    ("en-filer-filing-new.png", "filing-new.en.png", True),
    ("zh-reviewer-refused-cover.png", "refusal-short-cover.zh.png", True),
    ("en-reviewer-refused-approval.png", "refusal-cap.en.png", True),
    ("returns-1-this-month-1280.png", "returns-month.zh.png", True),
    ("imports-preview-errors-390-zh.png", "import-errors.zh.png", True),
    ("imports-upload-1280-en.png", "import-upload.en.png", True),
    ("zh-staff-review.png", "review-queue.zh.png", True),
    ("en-staff-review.png", "review-queue.en.png", True),
    ("en-reviewer-plan-proof.png", "plan-proof.en.png", True),
    ("zh-staff-summary.png", "summary.zh.png", True),
    ("zh-admin-users.png", "users.zh.png", True),
    ("lists-zh-review-open-1280.png", "review-preview.zh.png", False),
    ("public_zh_1280.png", "public.zh.png", False),
)


def find(name: str) -> Path | None:
    """The screenshot in the first folder that has it."""
    for folder in SOURCES:
        if (folder / name).is_file():
            return folder / name
    return None


def main() -> int:
    TARGET.mkdir(parents=True, exist_ok=True)
    missing = []
    for source_name, target_name, required in IMAGES:
        source = find(source_name)
        if source is None:
            if required:
                missing.append(source_name)
            else:
                print(f"skipped {source_name} (optional, not found)")
            continue
        shutil.copyfile(source, TARGET / target_name)
        print(f"{source_name} -> docs/images/{target_name}")
    if missing:
        print("missing (run the browser tests first): " + ", ".join(missing), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
