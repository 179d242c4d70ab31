"""HTTP load: gunicorn with 2 workers on a free loopback port, loaded by wrk in a separate process."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")
POST_SCRIPT = Path(__file__).with_name("post_filing.lua")


def require_wrk() -> str:
    """The wrk binary, or a clear error saying how to install it."""
    path = shutil.which("wrk")
    if path is None:
        raise SystemExit("bench needs wrk (Debian package): apt-get install -y wrk  (or: make bench-deps)")
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    base: str
    process: subprocess.Popen

    def worker_pids(self) -> list[int]:
        """The gunicorn workers: the master's children, found through /proc."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.process.pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def peak_rss_mb(self) -> list[float]:
        """Each worker's peak resident set size (VmHWM) so far, in MB."""
        peaks = []
        for pid in self.worker_pids():
            with contextlib.suppress(OSError):
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peaks.append(round(int(line.split()[1]) / 1024, 1))
        return peaks


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], probe: str, workers: int = 2) -> Iterator[Server]:
    """Serve ``app`` (``module:variable``) until the block ends; waits until ``probe`` answers."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own fixed command line
        [str(GUNICORN), "--workers", str(workers), "--no-control-socket", "--bind", f"127.0.0.1:{port}",
         "--timeout", "120", "--log-level", "warning", app],
        cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    try:
        _wait_until_up(server.base + probe, process)
        yield server
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}: {process.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(url, timeout=5):  # noqa: S310 - our own loopback server
                return
        except urllib.error.HTTPError:
            return  # it answers (an error status is fine here)
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {url} within {timeout} s")


def wrk(url: str, duration: int, connections: int, token: str | None = None,
        body: str | None = None) -> dict[str, float | int]:
    """Load ``url`` with wrk (1 thread); requests/s, latency percentiles and the failed count."""
    command = [require_wrk(), "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    env = dict(os.environ)
    if body is not None:
        command += ["-s", str(POST_SCRIPT)]
        env.update(BENCH_TOKEN=token or "", BENCH_BODY=body)
    elif token is not None:
        command += ["-H", f"Authorization: Bearer {token}"]
    result = subprocess.run([*command, url], capture_output=True, text=True, env=env, check=True)  # noqa: S603
    return parse_wrk(result.stdout)


def parse_wrk(output: str) -> dict[str, float | int]:
    """The figures of wrk's report."""
    def number(pattern: str, default: float = 0.0) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else default

    def ms(label: str) -> float | None:
        match = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return None
        return round(float(match.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[match.group(2)], 3)

    requests = int(number(r"(\d+) requests in"))
    if requests == 0 or "Requests/sec" not in output:
        raise RuntimeError(f"wrk made no requests:\n{output}")
    errors = int(number(r"Non-2xx or 3xx responses: (\d+)"))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(x) for x in socket_errors.groups()[2:])  # write and timeout; reads are closes
    return {"rps": round(number(r"Requests/sec:\s+([\d.]+)"), 1), "requests": requests, "failed": errors,
            "p50_ms": ms("50%"), "p99_ms": ms("99%")}
