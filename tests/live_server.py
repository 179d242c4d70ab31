"""The app under gunicorn on a free loopback port, for tests that need real workers."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, workers: int = 2, extra_env: dict[str, str] | None = None,
             timeout: float = 30.0) -> Iterator[str]:
    """Serve ``wsgi:app`` on ``database_url``; yields the base URL, stops the server after."""
    port = free_port()
    env = {**os.environ, "REGISTRY_ENV": "testing", "DATABASE_URL": database_url, **(extra_env or {})}
    process = subprocess.Popen(
        [str(GUNICORN), "--workers", str(workers), "--no-control-socket", "--bind", f"127.0.0.1:{port}",
         "--timeout", "60", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, timeout)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(base: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"gunicorn exited with {process.returncode}:\n{output}")
        try:
            with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=2):  # noqa: S310 - loopback
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on {base} within {timeout} s")
