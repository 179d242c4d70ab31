"""Uploads kept on the server between the preview and the confirmation, never in a hidden field.

Each upload lives in ``instance/imports/<token>/`` with who uploaded it; only
that user can read it back, it is removed once imported, and any left
behind is swept away after a day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from registry.messages import Template
from registry.problems import NotFound

NO_SUCH_UPLOAD = Template("import_no_such_upload", "This upload is gone (imported already, or older than a day): "
                                                   "upload the file again.")
TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
MAX_AGE = dt.timedelta(days=1)


@dataclass(frozen=True)
class Stashed:
    token: str
    sheet_name: str
    filename: str
    data: bytes


def _root() -> Path:
    return Path(current_app.instance_path) / "imports"


def sweep(now: float | None = None) -> None:
    """Remove uploads older than a day."""
    root = _root()
    if not root.is_dir():
        return
    cutoff = (now or time.time()) - MAX_AGE.total_seconds()
    for folder in root.iterdir():
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)
        except FileNotFoundError:  # another request swept it first
            continue


def keep(user, sheet_name: str, filename: str, data: bytes) -> str:
    """Store an upload for ``user``; its token names it in the preview's URL."""
    sweep()
    token = secrets.token_urlsafe(24)
    folder = _root() / token
    folder.mkdir(parents=True, mode=0o700)
    (folder / "upload").write_bytes(data)
    meta = {"user_id": user.id, "sheet": sheet_name, "filename": filename[:200]}
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return token


def load(user, token: str) -> Stashed:
    """``user``'s upload under ``token``; 404 for anyone else's, a malformed token or one swept away."""
    folder = _root() / token
    try:
        if not TOKEN.fullmatch(token):
            raise FileNotFoundError(token)
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta["user_id"] != user.id:
            raise FileNotFoundError(token)
        data = (folder / "upload").read_bytes()
    except (FileNotFoundError, ValueError, KeyError):
        raise NotFound(NO_SUCH_UPLOAD()) from None
    return Stashed(token, meta["sheet"], meta["filename"], data)


def discard(token: str) -> None:
    """Remove an upload once it has been imported."""
    if TOKEN.fullmatch(token):
        shutil.rmtree(_root() / token, ignore_errors=True)
