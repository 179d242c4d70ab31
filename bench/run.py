"""Benchmark the registry on SQLite and PostgreSQL: ``python -m bench.run [--smoke]``.

For each backend and size it makes a throwaway database, migrates it, loads
the scale data set (``registry.scale``) and times in-process figures against
their SQL floor (``bench.inproc``); at the largest size it serves the app
with gunicorn (2 workers) and loads it with wrk, against a bare Flask
endpoint served the same way in the same run (``bench.load``). Writes a
table to the terminal and ``bench/results/<timestamp>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench import inproc, load

RESULTS = Path(__file__).with_name("results")
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
SECRET = "bench-only-not-secret"  # noqa: S105 - a throwaway server on loopback
FULL = {"sizes": (2_000, 200_000), "members": (100, 500, 120), "duration": 10, "connections": 4, "repeat": 7}
SMOKE = {"sizes": (200, 2_000), "members": (5, 20, 24), "duration": 1, "connections": 2, "repeat": 3}
TARGETS = (  # (name, figure, comparison, limit): issue 6, and issue 11 (growth, the hand-written list)
    ("list throughput vs hand-written", "list_vs_handwritten", ">=", 0.50),
    ("summary at large vs small", "summary_growth", "<=", 3.0),
    ("summary vs SQL floor", "summary_vs_floor", "<=", 2.0),
    ("usage at large vs small", "usage_growth", "<=", 3.0),
    ("usage vs SQL floor", "usage_vs_floor", "<=", 2.0),
    ("approval at large vs small", "approval_growth", "<=", 2.0),
    ("worker peak RSS (MB)", "worker_peak_rss_mb", "<", 200.0),
)


def app_overrides(url: str) -> dict[str, Any]:
    return {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET, "RATELIMIT_STORAGE_URI": "memory://"}


@contextlib.contextmanager
def throwaway_database(backend: str, workdir: Path) -> Iterator[str]:
    """A new empty database on ``backend``, dropped afterwards."""
    if backend == "sqlite":
        path = workdir / f"bench-{uuid.uuid4().hex[:8]}.sqlite3"
        try:
            yield f"sqlite:///{path}"
        finally:
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    name = f"registry_bench_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def prepare(url: str, spec, repeat: int, want_http: bool) -> dict[str, Any]:
    """Migrate, seed and time the in-process figures; tokens and ids for the HTTP runs."""
    from flask_migrate import upgrade

    from registry import create_app, months
    from registry.auth.models import User
    from registry.auth.services import create_token
    from registry.caps.models import NATIONAL, OPERATING, Cap
    from registry.extensions import db
    from registry.members.models import Smelter
    from registry.scale import generate

    app = create_app("production", app_overrides(url))
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        generate(spec)
        db.session.commit()
        out: dict[str, Any] = {"seed_s": round(time.perf_counter() - started, 2)}
        out["inproc"] = inproc.measure(spec, repeat)
        if want_http:
            reviewer = db.session.scalar(sa.select(User).where(User.role == "reviewer").order_by(User.id))
            filer = db.session.scalar(sa.select(User).where(User.role == "filer").order_by(User.id))
            smelter = db.session.scalar(sa.select(Smelter).where(Smelter.enterprise_id == filer.enterprise_id))
            cap = db.session.scalar(sa.select(Cap).where(Cap.scope == NATIONAL, Cap.basis == OPERATING)
                                    .order_by(Cap.id))
            out["http_setup"] = {
                "reviewer_token": create_token(reviewer, "bench")[1], "filer_token": create_token(filer, "bench")[1],
                "usage_path": f"/api/v1/caps/{cap.id}/usage?from={months.add(cap.period_to, -11)}"
                              f"&to={cap.period_to}",
                "post_body": json.dumps({"smelter_id": smelter.id, "kind": "curtailment", "capacity_tpa": 1000,
                                         "effective_month": cap.period_to, "notes": "bench"}),
            }
            db.session.commit()
        db.session.remove()
        db.engine.dispose()
    return out


def warm(url: str, token: str | None = None, times: int = 10) -> None:
    """A few requests first, so each worker has imported and connected before it is timed."""
    for _ in range(times):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        request = urllib.request.Request(url, headers=headers)  # noqa: S310 - our own loopback server
        with contextlib.suppress(OSError), urllib.request.urlopen(request, timeout=30):  # noqa: S310
            pass


def http_figures(url: str, setup: dict[str, str], duration: int, connections: int) -> dict[str, Any]:
    """Bare before and after the product (the mean is the reference), then list, usage and POST."""
    out: dict[str, Any] = {}
    bare_runs = []

    def bare() -> None:
        with load.gunicorn("bench.bare:app", {}, "/bare") as server:
            warm(server.base + "/bare")
            bare_runs.append(load.wrk(server.base + "/bare", duration, connections))

    bare()
    env = {"REGISTRY_ENV": "production", "SECRET_KEY": SECRET, "DATABASE_URL": url,
           "RATELIMIT_STORAGE_URI": "memory://"}
    with load.gunicorn("wsgi:app", env, "/api/v1/openapi.json") as server:
        list_url = server.base + "/api/v1/filings?page_size=50"
        usage_url = server.base + setup["usage_path"]
        for name, target in (("list", list_url), ("usage", usage_url)):
            warm(target, setup["reviewer_token"])
            out[name] = load.wrk(target, duration, connections, setup["reviewer_token"])
        out["post"] = load.wrk(server.base + "/api/v1/filings", duration, connections, setup["filer_token"],
                               body=setup["post_body"])
        out["worker_peak_rss_mb"] = server.peak_rss_mb()
    with load.gunicorn("bench.handwritten:app", {"DATABASE_URL": url}, "/filings") as server:
        target = server.base + "/filings"
        warm(target, setup["reviewer_token"])
        out["handwritten_list"] = load.wrk(target, duration, connections, setup["reviewer_token"])
    bare()
    out["bare"] = {"runs": bare_runs, "rps": round(statistics.mean(r["rps"] for r in bare_runs), 1)}
    for name in ("list", "usage", "post", "handwritten_list"):
        out[name]["vs_bare"] = round(out[name]["rps"] / out["bare"]["rps"], 3)
    out["list"]["vs_handwritten"] = round(out["list"]["rps"] / out["handwritten_list"]["rps"], 3)
    return out


def derive(small: dict[str, Any], large: dict[str, Any], http: dict[str, Any]) -> dict[str, float]:
    """The figures the targets speak of."""
    def ratio(a: float, b: float) -> float:
        return round(a / b, 2) if b else float("inf")

    return {
        "list_vs_bare": http["list"]["vs_bare"], "usage_vs_bare": http["usage"]["vs_bare"],
        "list_vs_handwritten": http["list"]["vs_handwritten"],
        "post_vs_bare": http["post"]["vs_bare"],
        "summary_growth": ratio(large["summary_ms"], small["summary_ms"]),
        "summary_vs_floor": ratio(large["summary_ms"], large["summary_floor_ms"]),
        "usage_growth": ratio(large["usage_ms"], small["usage_ms"]),
        "usage_vs_floor": ratio(large["usage_ms"], large["usage_floor_ms"]),
        "approval_growth": ratio(large["approval_ms"], small["approval_ms"]),
        "worker_peak_rss_mb": max(http["worker_peak_rss_mb"] or [float("inf")]),
    }


def check_targets(derived: dict[str, float]) -> list[dict[str, Any]]:
    met = {">=": lambda v, t: v >= t, "<=": lambda v, t: v <= t, "<": lambda v, t: v < t}
    return [{"target": name, "figure": key, "value": derived[key], "limit": f"{op} {limit}",
             "met": met[op](derived[key], limit)} for name, key, op, limit in TARGETS]


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    memory = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    return {"nproc": os.cpu_count(), "cpu": cpu, "memory_gb": round(int(memory) / 1024 / 1024, 1),
            "python": platform.python_version(), "load_average": os.getloadavg()}


def run_backend(backend: str, mode: dict[str, Any], workdir: Path) -> dict[str, Any]:
    from registry.scale import ScaleSpec

    enterprises, smelters, month_count = mode["members"]
    out: dict[str, Any] = {"sizes": {}}
    for size in mode["sizes"]:
        spec = ScaleSpec(enterprises, smelters, month_count, size, seed=1)
        largest = size == mode["sizes"][-1]
        print(f"[{backend}] {size:,} filings: seeding and timing in process", flush=True)
        with throwaway_database(backend, workdir) as url:
            figures = prepare(url, spec, mode["repeat"], want_http=largest)
            if largest:
                print(f"[{backend}] {size:,} filings: HTTP load with wrk", flush=True)
                out["http"] = http_figures(url, figures.pop("http_setup"), mode["duration"], mode["connections"])
        out["sizes"][str(size)] = figures
    small, large = (out["sizes"][str(s)]["inproc"] for s in mode["sizes"])
    out["derived"] = derive(small, large, out["http"])
    out["targets"] = check_targets(out["derived"])
    return out


def print_table(results: dict[str, Any]) -> None:
    sizes = results["mode"]["sizes"]
    for backend, data in results["backends"].items():
        print(f"\n== {backend} ==")
        print(f"{'in process (median ms)':28}" + "".join(f"{s:>14,}" for s in sizes))
        for key in ("summary_ms", "summary_floor_ms", "usage_ms", "usage_floor_ms", "approval_ms"):
            print(f"{key:28}" + "".join(f"{data['sizes'][str(s)]['inproc'][key]:>14.2f}" for s in sizes))
        print(f"{'seed (s)':28}" + "".join(f"{data['sizes'][str(s)]['seed_s']:>14.2f}" for s in sizes))
        http = data["http"]
        print(f"\n{'HTTP at ' + format(sizes[-1], ',') + ' filings':28}{'req/s':>10}{'vs bare':>10}"
              f"{'p50 ms':>10}{'p99 ms':>10}{'failed':>8}")
        for name in ("bare", "handwritten_list", "list", "usage", "post"):
            row = http[name] if name != "bare" else {"rps": http["bare"]["rps"], "vs_bare": 1.0,
                                                     "p50_ms": http["bare"]["runs"][0]["p50_ms"],
                                                     "p99_ms": http["bare"]["runs"][0]["p99_ms"], "failed": 0}
            print(f"{name:28}{row['rps']:>10.1f}{row['vs_bare']:>10.3f}{row['p50_ms'] or 0:>10.2f}"
                  f"{row['p99_ms'] or 0:>10.2f}{row['failed']:>8}")
        print(f"worker peak RSS (MB): {http['worker_peak_rss_mb']}\n")
        for target in data["targets"]:
            print(f"  {'met   ' if target['met'] else 'MISSED'}  {target['target']:30} {target['value']:>8} "
                  f"(target {target['limit']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="tiny sizes and 1 s loads: checks the bench runs")
    parser.add_argument("--backends", default="sqlite,postgresql", help="comma-separated: sqlite,postgresql")
    parser.add_argument("--duration", type=int, help="seconds of wrk load per endpoint")
    parser.add_argument("--results-dir", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    load.require_wrk()
    mode = dict(SMOKE if args.smoke else FULL)
    if args.duration:
        mode["duration"] = args.duration
    started = dt.datetime.now(dt.UTC)
    results: dict[str, Any] = {"started_at": started.isoformat(), "machine": machine(),
                               "mode": {"name": "smoke" if args.smoke else "full", **mode}, "backends": {}}
    workdir = Path(tempfile.mkdtemp(prefix="registry-bench-"))
    try:
        for backend in args.backends.split(","):
            results["backends"][backend] = run_backend(backend.strip(), mode, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["finished_at"] = dt.datetime.now(dt.UTC).isoformat()
    args.results_dir.mkdir(parents=True, exist_ok=True)
    path = args.results_dir / f"{started:%Y%m%dT%H%M%SZ}.json"
    path.write_text(json.dumps(results, indent=2))
    print_table(results)
    missed = [f"{b}: {t['target']}" for b, d in results["backends"].items() for t in d["targets"] if not t["met"]]
    print(f"\nTargets met: {sum(len(d['targets']) for d in results['backends'].values()) - len(missed)}"
          f" of {sum(len(d['targets']) for d in results['backends'].values())}.")
    for item in missed:
        print(f"  missed: {item}")
    print(f"Results: {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
