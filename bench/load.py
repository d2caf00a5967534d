"""Load test of the web application as it would be deployed: gunicorn with several workers,
PostgreSQL, the demo municipality, and many signed-in users at once, all on 127.0.0.1.

Starts a private PostgreSQL cluster in a temporary folder (or uses HELHETSBILD_BENCH_POSTGRES_URL,
whose public schema is dropped), builds the demo data into it, starts gunicorn with production
settings (DEBUG off, ALLOWED_HOSTS 127.0.0.1, static files collected and served by WhiteNoise)
and the task worker beside it, warms the workers, and then for each number of users runs a
fixed-duration mix of sessions (bench/load_users.py): one caseworker importing a small file
through the upload page every few seconds (each import queues a rebuild of the analysis store
for the task worker, as in production), analysts on the journey
page and readers on the start, overview and indicator pages, each with a random pause between
pages. Optionally, a saturation run without pauses. Prints per page and overall the requests,
throughput, 50th/95th/99th percentile of the response time and the errors; stops the server and
the cluster and removes the folders whatever happens.

    python bench/load.py [--users 20,100] [--duration 60] [--saturation 30] [--workers 4]
                         [--persons 5000] [--write docs/benchmarks.md]
"""

import argparse
import contextlib
import datetime as dt
import http.client
import importlib.metadata
import os
import random
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from load_users import (
    PAGES,
    TIMEOUT_S,
    VISITS,
    Browser,
    Recorder,
    Sample,
    Site,
    discover,
    log_in,
)
from run import machine

BIN = Path(sys.executable).parent
# Of the users besides the caseworker, this share are analysts and the rest readers.
ANALYST_SHARE = 0.3
# The goal of issue 5 at 20 users.
GOAL_P95_MS = 300.0


@dataclass(frozen=True)
class Level:
    users: int
    duration: float
    think: tuple[float, float]  # seconds between a reader's or an analyst's pages
    import_pause: float  # seconds between the caseworker's imports


@dataclass(frozen=True)
class Server:
    port: int
    pid: int  # gunicorn's master
    worker: int  # the task worker that rebuilds the analysis store


@dataclass
class User:
    role: str
    browser: Browser
    rng: random.Random


@dataclass
class Outcome:
    level: Level
    samples: list[Sample]
    elapsed: float
    load_before: str
    load_after: str
    cpu_percent: dict[str, float]  # process tree -> share of one core over the level
    builds: int  # analysis builds completed during the level


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", default="20,100", help="simultaneous users, one level each")
    parser.add_argument("--duration", type=float, default=60, help="seconds per level")
    parser.add_argument("--think", default="0.5,2", help="pause between pages, min,max seconds")
    parser.add_argument("--import-pause", type=float, default=5, help="seconds between imports")
    parser.add_argument(
        "--saturation", type=float, default=30, help="seconds of 20 users without pauses (0: none)"
    )
    parser.add_argument("--warmup", type=float, default=15, help="seconds of warm-up, not counted")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1, help="threads per worker (1: sync)")
    parser.add_argument("--persons", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", type=Path, help="append the results to this Markdown file")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))  # so that cleanup runs
    low, high = (float(v) for v in args.think.split(","))
    levels = [
        Level(int(n), args.duration, (low, high), args.import_pause) for n in args.users.split(",")
    ]
    if args.saturation:
        levels.append(Level(20, args.saturation, (0.0, 0.0), args.import_pause))
    command = "python bench/load.py " + shlex.join(sys.argv[1:])
    load_at_start = _load_average()
    with contextlib.ExitStack() as stack:
        work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="hb-load-")))
        url = os.environ.get("HELHETSBILD_BENCH_POSTGRES_URL")
        if url:
            _empty_database(url)
        else:
            url = stack.enter_context(private_postgres())
        env = _production_env(work / "data", url)
        _say(f"demo data, {args.persons} persons …")
        _manage(env, "demo", "--no-serve", "--persons", str(args.persons), "--seed", str(args.seed))
        _manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        server = stack.enter_context(deployment(env, work, args.workers, args.threads))
        outcomes, logins = _run(server, levels, url, work / "data", args)
        postgres = _postgres_version(url)
    report = _report(command, args, outcomes, logins, load_at_start, postgres)
    print(report)
    if args.write:
        with args.write.open("a", encoding="utf-8") as handle:
            handle.write("\n" + report)


def _run(
    server: Server, levels: list[Level], url: str, data: Path, args: argparse.Namespace
) -> tuple[list[Outcome], Recorder]:
    logins = Recorder()
    crowd = Crowd(server.port, args.seed, logins)
    setup = Recorder()
    site = discover(crowd.take("analyst", 1)[0].browser, setup, _episodes_file(data))
    _say(f"warm-up, {args.warmup:.0f} s …")
    warm = Level(2 * args.workers, args.warmup, (0.0, 0.0), args.import_pause)
    run_level(
        warm,
        crowd.take("reader", warm.users // 2) + crowd.take("analyst", warm.users // 2),
        site,
        Recorder(),
    )
    outcomes = []
    for level in levels:
        users = [*crowd.take("caseworker", 1), *_mix(crowd, level.users - 1)]
        _say(f"{level.users} users, {level.duration:.0f} s …")
        outcomes.append(_measure(level, users, site, server, url))
    return outcomes, logins


def _mix(crowd: "Crowd", others: int) -> list[User]:
    analysts = round(ANALYST_SHARE * others)
    return crowd.take("analyst", analysts) + crowd.take("reader", others - analysts)


def _measure(level: Level, users: list[User], site: Site, server: Server, url: str) -> Outcome:
    load_before, builds_before = _load_average(), _builds(url)
    postmaster = _postmaster(url)
    clocks = {
        "gunicorn": lambda: _cpu_seconds(server.pid),
        "task worker": lambda: _cpu_seconds(server.worker),
        **({"PostgreSQL": lambda: _cpu_seconds(postmaster)} if postmaster else {}),
        "load generator": lambda: sum(os.times()[:2]),  # this process alone, not the server
    }
    cpu_before = {name: clock() for name, clock in clocks.items()}
    recorder = Recorder()
    elapsed = run_level(level, users, site, recorder)
    cpu = {name: 100 * (clock() - cpu_before[name]) / elapsed for name, clock in clocks.items()}
    return Outcome(
        level,
        recorder.samples,
        elapsed,
        load_before,
        _load_average(),
        cpu,
        _builds(url) - builds_before,
    )


def run_level(level: Level, users: list[User], site: Site, recorder: Recorder) -> float:
    """Every user in a thread of its own until the level's time is up; a request under way then
    finishes (and counts) but no new one starts. Users start spread over one pause."""
    started = time.monotonic()
    stop_at = started + level.duration

    def session(user: User) -> None:
        pause = _pause(user, level)
        time.sleep(min(pause(), level.duration))
        while time.monotonic() < stop_at:
            VISITS[user.role](user.browser, recorder, site, user.rng)
            time.sleep(max(0.0, min(pause(), stop_at - time.monotonic())))

    threads = [threading.Thread(target=session, args=(user,), daemon=True) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return max(level.duration, time.monotonic() - started)


def _pause(user: User, level: Level) -> Callable[[], float]:
    if user.role == "caseworker":
        return lambda: level.import_pause
    low, high = level.think
    return lambda: user.rng.uniform(low, high)


class Crowd:
    """Signed-in users by role, kept from one level to the next so that each signs in once."""

    def __init__(self, port: int, seed: int, logins: Recorder) -> None:
        self._port, self._logins = port, logins
        self._seeds = random.Random(seed)
        self._users: dict[str, list[User]] = {role: [] for role in VISITS}

    def take(self, role: str, count: int) -> list[User]:
        """`count` users of the role, the first ones again at each level."""
        missing = count - len(self._users[role])
        if missing > 0:
            fresh = [
                User(role, Browser(self._port), random.Random(self._seeds.random()))
                for _ in range(missing)
            ]
            with ThreadPoolExecutor(max_workers=4) as pool:
                signed_in = list(pool.map(lambda u: log_in(u.browser, self._logins, role), fresh))
            if not all(signed_in):
                raise RuntimeError(
                    f"{signed_in.count(False)} of {missing} {role}s could not log in"
                )
            self._users[role] += fresh
        return self._users[role][:count]


@contextlib.contextmanager
def private_postgres() -> Iterator[str]:
    """A PostgreSQL cluster of its own on a free port of 127.0.0.1, with a random password and
    no Unix socket; as root, its files belong to the postgres user, as initdb requires."""
    binaries = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
    folder = Path(tempfile.mkdtemp(prefix="hb-load-pg-"))
    cluster, log, password_file = folder / "data", folder / "server.log", folder / "password"
    password = secrets.token_urlsafe(24)
    password_file.write_text(password)
    as_owner: list[str] = []
    if os.geteuid() == 0:
        for path in (folder, password_file):
            shutil.chown(path, "postgres", "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    pg_ctl = [*as_owner, str(binaries / "pg_ctl"), "--pgdata", str(cluster), "--wait"]
    try:
        _quiet(
            *as_owner,
            str(binaries / "initdb"),
            "--pgdata",
            str(cluster),
            "--username",
            "bench",
            "--pwfile",
            str(password_file),
            "--auth",
            "scram-sha-256",
            "--encoding",
            "UTF8",
            "--locale",
            "C.UTF-8",
        )
        port = _free_port()
        with (cluster / "postgresql.conf").open("a") as conf:
            conf.write(f"port = {port}\nlisten_addresses = '127.0.0.1'\n")
            conf.write("unix_socket_directories = ''\n")
        _quiet(*pg_ctl, "--log", str(log), "--timeout", "60", "start")
        try:
            url = f"postgres://bench:{password}@127.0.0.1:{port}/helhetsbild"
            _create_database(url)
            yield url
        finally:
            _quiet(*pg_ctl, "--mode", "fast", "--timeout", "60", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _create_database(url: str) -> None:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute("CREATE DATABASE helhetsbild")


def _empty_database(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("DROP SCHEMA public CASCADE")
        connection.execute("CREATE SCHEMA public")


def _production_env(data: Path, url: str) -> dict[str, str]:
    """The environment of a deployment (docs/drift.md), less HTTPS: the test speaks plain HTTP
    to 127.0.0.1, so secure cookies and the HTTPS redirect stay off."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HELHETSBILD_")}
    return {
        **env,
        "HELHETSBILD_DATA_DIR": str(data),
        "HELHETSBILD_DATABASE_URL": url,
        "HELHETSBILD_ALLOWED_HOSTS": "127.0.0.1",
        "HELHETSBILD_DEBUG": "0",
        "HELHETSBILD_TASKS": "database",
    }


def _manage(env: dict[str, str], *command: str) -> None:
    done = subprocess.run(
        [str(BIN / "helhetsbild"), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(
            f"helhetsbild {command[0]} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}"
        )


@contextlib.contextmanager
def deployment(env: dict[str, str], work: Path, workers: int, threads: int) -> Iterator[Server]:
    """gunicorn and the task worker beside it, as docs/drift.md deploys them."""
    port = _free_port()
    command = [
        str(BIN / "gunicorn"),
        "helhetsbild.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
    ]
    # At lower priority, as docs/drift.md runs it: a build must not slow the pages down.
    worker = ["nice", "-n", "10", str(BIN / "helhetsbild"), "db_worker", "--no-reload"]
    with (
        _process(command, env, work / "gunicorn.log") as server,
        _process(worker, env, work / "worker.log") as tasks,
    ):
        _wait_until_serving(port, server, work / "gunicorn.log")
        yield Server(port, server.pid, tasks.pid)


@contextlib.contextmanager
def _process(
    command: list[str], env: dict[str, str], log: Path
) -> Iterator[subprocess.Popen[bytes]]:
    with log.open("w") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        yield process
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        errors = [line for line in log.read_text().splitlines() if "Traceback" in line]
        if errors:
            print(f"{log.name} has {len(errors)} tracebacks:\n{log.read_text()[-4000:]}")


def _wait_until_serving(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/logga-in/")
            if connection.getresponse().status == 200:
                return
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _quiet(*command: str) -> None:
    subprocess.run(command, check=True, capture_output=True, timeout=120)


def _episodes_file(data: Path) -> Path:
    """The caseworker's committee's episodes as the demo imported them."""
    return next((data / "demo").glob("*/insatser-AMN.csv"))


def _builds(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute(
            "SELECT count(*) FROM analysis_analysisbuild WHERE state = 'complete'"
        ).fetchone()
    return int(row[0]) if row else 0


def _postmaster(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url) as connection:
            row = connection.execute("SHOW data_directory").fetchone()
        return int((Path(str(row[0])) / "postmaster.pid").read_text().split()[0]) if row else None
    except (psycopg.Error, OSError):
        return None  # a server elsewhere, or one this user may not look into


def _cpu_seconds(root: int) -> float:
    """User and system time of a process and all its descendants, live and reaped."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents, times = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid = int(stat.parent.name)
            parents[pid] = int(fields[1])
            times[pid] = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    tree, grew = {root}, True
    while grew:
        children = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= children
        grew = bool(children)
    return sum(times.get(pid, 0) for pid in tree) / ticks


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _percentiles(values: list[float]) -> tuple[float, float, float]:
    if len(values) == 1:
        return values[0], values[0], values[0]
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def _row(name: str, samples: list[Sample], elapsed: float) -> str:
    p50, p95, p99 = _percentiles([s.ms for s in samples])
    errors = [s for s in samples if not s.ok]
    statuses = ", ".join(
        f"{status or 'no answer'}: {count}"
        for status, count in sorted(
            {s.status: sum(1 for e in errors if e.status == s.status) for s in errors}.items()
        )
    )
    return (
        f"| {name} | {len(samples)} | {len(samples) / elapsed:.1f} | {p50:.0f} | {p95:.0f} | "
        f"{p99:.0f} | {max(s.ms for s in samples):.0f} | {len(errors)} "
        f"({100 * len(errors) / len(samples):.1f} %){f' [{statuses}]' if statuses else ''} |"
    )


def _table(outcome: Outcome) -> list[str]:
    level = outcome.level
    pause = (
        f"pause {level.think[0]:g}–{level.think[1]:g} s"
        if level.think[1]
        else "no pause (saturation)"
    )
    cpu = ", ".join(f"{name} {share:.0f} %" for name, share in outcome.cpu_percent.items())
    server_cpu = outcome.cpu_percent["gunicorn"] + outcome.cpu_percent.get("PostgreSQL", 0)
    server_cpu += outcome.cpu_percent["task worker"]
    per_request = 10 * server_cpu * outcome.elapsed / len(outcome.samples)
    lines = [
        f"### {level.users} users, {outcome.elapsed:.0f} s, {pause}",
        "",
        "| page | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for page in PAGES:
        samples = [s for s in outcome.samples if s.page == page]
        if samples:
            lines.append(_row(page, samples, outcome.elapsed))
    lines.append(_row("**all**", outcome.samples, outcome.elapsed))
    lines += [
        "",
        f"Load average (1, 5, 15 min) {outcome.load_before} before, {outcome.load_after} after. "
        f"CPU over the level, in % of one core (the machine has {os.cpu_count()}): {cpu}; "
        f"the server's CPU time per request: {per_request:.0f} ms. "
        f"Analysis builds completed during the level: {outcome.builds}.",
        "",
    ]
    return lines


def _report(
    command: str,
    args: argparse.Namespace,
    outcomes: list[Outcome],
    logins: Recorder,
    load_at_start: str,
    postgres: str,
) -> str:
    server = (
        f"gunicorn {importlib.metadata.version('gunicorn')}, {args.workers} workers × "
        f"{args.threads} thread{'s' if args.threads > 1 else ''}"
    )
    database = (
        "a private PostgreSQL cluster on 127.0.0.1"
        if "HELHETSBILD_BENCH_POSTGRES_URL" not in os.environ
        else "PostgreSQL at HELHETSBILD_BENCH_POSTGRES_URL"
    )
    login_ms = statistics.median(s.ms for s in logins.samples if s.page.startswith("`POST"))
    lines = [
        f"## Load test, {dt.date.today().isoformat()}: `{command}`",
        "",
        f"Machine: {machine()}; shared with other work (load average {load_at_start} when the "
        "run began, and per level below). The load generator runs on the same machine.",
        "",
        f"Deployment: {server}, DEBUG off, ALLOWED_HOSTS 127.0.0.1, static files collected and "
        f"served by WhiteNoise, {database} ({postgres}), the demo municipality "
        f"({args.persons:,} persons) built by `helhetsbild demo --no-serve`. Plain HTTP on "
        "127.0.0.1, so secure cookies and HSTS are off.",
        "",
        "Mix at each level: one caseworker (handlaggare.amn) uploads a file of "
        "20 changed AMN episodes through `/import/` and opens the batch page, then waits "
        f"{args.import_pause:g} s; every committed import queues a rebuild of the analysis "
        "store, indicators included, which the task worker (`helhetsbild db_worker`, at nice 10) "
        "runs 30 s later (HELHETSBILD_REBUILD_DELAY_SECONDS), so that imports in a row cost one "
        "build, while the upload has already answered; the web workers then read the new "
        "results. Of the "
        "other users "
        f"{ANALYST_SHARE:.0%} are analysts (analytiker) on the journey page with a random "
        "settlement year, sex and target group; the rest are readers (lasare) on the start page, "
        "the overview, the catalogue and indicator pages with a random indicator and period "
        "(weights 1:3:2:4). Each user signs in once before the first level it takes part in "
        f"(median login {login_ms:.0f} ms, not counted below) and keeps its session; "
        f"{args.warmup:g} s of warm-up without pauses come first and are not counted. An error "
        "is a response other than the page's own (status ≠ 200, or for a form a redirect "
        f"elsewhere) or none within {TIMEOUT_S:.0f} s.",
        "",
    ]
    for outcome in outcomes:
        lines += _table(outcome)
    return "\n".join(lines) + _verdict(outcomes)


def _verdict(outcomes: list[Outcome]) -> str:
    paced = [o for o in outcomes if o.level.users == 20 and o.level.think[1]]
    if not paced:
        return ""
    samples = paced[0].samples
    p95 = _percentiles([s.ms for s in samples])[1]
    errors = sum(1 for s in samples if not s.ok)
    met = p95 < GOAL_P95_MS and errors == 0
    return (
        f"Goal at 20 users (p95 under {GOAL_P95_MS:.0f} ms, no errors): "
        f"{'met' if met else '**not met**'}: p95 {p95:.0f} ms over all requests, {errors} errors.\n"
    )


def _postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as connection:
        row = connection.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {str(row[0]).split()[0]}" if row else "PostgreSQL"


if __name__ == "__main__":
    main()
