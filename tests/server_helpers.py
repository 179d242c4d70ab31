"""Run the app under gunicorn on a free localhost port, for tests that need real concurrency."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    """A port the OS says is free on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int = 3, log_path: Path | None = None) -> Iterator[str]:
    """The app in testing mode under gunicorn; yields its base URL and stops it afterwards.

    The server's output goes to ``log_path`` (a temporary file if not given),
    so a test can check that it logged no traceback.
    """
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REGISTRY_ENV": "testing"}
    with contextlib.ExitStack() as stack:
        if log_path is None:
            log_path = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "gunicorn.log"
        log = stack.enter_context(log_path.open("w"))
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn, fixed arguments
            [str(GUNICORN), "-w", str(workers), "--no-control-socket", "-b", f"127.0.0.1:{port}",
             "--chdir", str(ROOT), "--timeout", "60", "--log-level", "warning", "wsgi:app"],
            env=env, stdout=log, stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait_until_answering(base, process, log_path)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_until_answering(base: str, process: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited: " + log_path.read_text()[-3000:])
        try:
            urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=5).close()  # noqa: S310
            return
        except OSError:  # refused, reset, or no worker booted yet (timeout)
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within {timeout} s: "
                                   + log_path.read_text()[-3000:]) from None
            time.sleep(0.2)


def request(method: str, url: str, token: str, body: dict | None = None,
            headers: dict | None = None) -> tuple[int, dict]:
    """One JSON request; returns (status, parsed body)."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={  # noqa: S310
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as response:  # noqa: S310
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


SERVER_WORKERS = 4


@pytest.fixture(scope="module")
def gunicorn_workers(database_url, tmp_path_factory):
    """gunicorn with four workers on this backend's test database: (base URL, log file)."""
    log_path = tmp_path_factory.mktemp("gunicorn") / "gunicorn.log"
    with gunicorn(database_url, workers=SERVER_WORKERS, log_path=log_path) as base:
        yield base, log_path


@pytest.fixture
def server(app, gunicorn_workers):
    """The running server's base URL, on this test's emptied tables; fails on any traceback it logs."""
    base, log_path = gunicorn_workers
    start = log_path.stat().st_size
    yield base
    with log_path.open() as log:
        log.seek(start)
        logged = log.read()
    assert "Traceback" not in logged, logged[-5000:]
