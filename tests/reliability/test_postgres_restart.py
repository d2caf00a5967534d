"""PostgreSQL restarted in the middle of an import: the import fails, nothing of it is left in the
register, and the same import run again succeeds (docs/reliability.md).

Restarting the server the suite runs on (CI's) from a test is out of the question, so the test
starts a private cluster of its own on a free port with Debian's binaries, migrates it through
the real command line and restarts it with `pg_ctl restart -m immediate`: the server stops as if
it had crashed and recovers from its write-ahead log on the way up. It runs only when the suite
runs on PostgreSQL and the binaries are installed."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from helhetsbild.register.models import PersonRecord
from tests.cli_support import SCRIPT
from tests.reliability.support import numbers, persons_file, register_models, wait_until_writing

pytestmark = pytest.mark.slow

INITDB = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
ROWS = 20_000
EARLIER = 100
PASSWORD = "helhetsbild"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def as_cluster_owner() -> Callable[[], None] | None:
    """PostgreSQL refuses to run as root; as root, its programs run as the `postgres` user."""
    if os.geteuid() != 0:
        return None
    owner = pwd.getpwnam("postgres")

    def switch() -> None:
        os.setgid(owner.pw_gid)
        os.setuid(owner.pw_uid)

    return switch


@dataclass
class Cluster:
    folder: Path
    port: int

    def run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(INITDB[-1].parent / program), *args],
            preexec_fn=as_cluster_owner(),
            check=True,
            capture_output=True,
            timeout=120,
        )

    def pg_ctl(self, *args: str) -> None:
        """With a log file, so that the server does not hold pg_ctl's output open."""
        log = str(self.folder / "log")
        self.run("pg_ctl", "-D", str(self.folder / "data"), "-l", log, "-w", *args)

    def url(self) -> str:
        return f"postgres://helhetsbild:{PASSWORD}@127.0.0.1:{self.port}/helhetsbild"

    def fingerprint(self) -> dict[str, tuple[object, ...] | None]:
        """Per register table: rows and an MD5 over all of them in id order."""
        with psycopg.connect(self.url()) as db:
            return {
                table: db.execute(
                    f"SELECT count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t.id), "
                    f"'')) FROM {table} t"
                ).fetchone()
                for table in (model._meta.db_table for model in register_models())
            }


def start_cluster() -> Cluster:
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="helhetsbild-pg-")), free_port())
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(cluster.folder, owner.pw_uid, owner.pw_gid)
    data = str(cluster.folder / "data")
    cluster.run(
        "initdb", "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync",
        "--locale=C.UTF-8",
    )  # fmt: skip
    options = f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
    cluster.pg_ctl("-o", options, "start")
    admin = f"postgres://postgres@127.0.0.1:{cluster.port}/postgres"
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f"CREATE ROLE helhetsbild LOGIN PASSWORD '{PASSWORD}'")
        db.execute("CREATE DATABASE helhetsbild OWNER helhetsbild")
    return cluster


def stop_cluster(cluster: Cluster) -> None:
    try:
        cluster.pg_ctl("-m", "immediate", "stop")
    finally:
        shutil.rmtree(cluster.folder, ignore_errors=True)


@dataclass
class Outcome:
    before: dict[str, tuple[object, ...] | None]
    interrupted: subprocess.CompletedProcess[str]
    after: dict[str, tuple[object, ...] | None]
    retried: subprocess.CompletedProcess[str]
    records: int


def helhetsbild(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def restart_during_import() -> Iterator[Outcome]:
    """The whole story once: register, import, restart mid-import, look, import again."""
    if connection.vendor != "postgresql":
        pytest.skip("runs only when the suite runs on PostgreSQL (HELHETSBILD_DATABASE_URL)")
    if not INITDB:
        pytest.skip("PostgreSQL's binaries are not in /usr/lib/postgresql/*/bin")
    cluster = start_cluster()
    work = Path(tempfile.mkdtemp(prefix="helhetsbild-restart-"))
    try:
        env = {
            **os.environ,
            "HELHETSBILD_DATABASE_URL": cluster.url(),
            "HELHETSBILD_DATA_DIR": str(work / "data"),
        }
        made = helhetsbild(env, "demo", "--no-serve", "--persons", "0")
        assert made.returncode == 0, made.stdout + made.stderr
        import_persons = ("import", "--kind", "personer", "--committee", "KS", "--no-analyse")
        earlier = persons_file(work / "tidigare.csv", numbers(0, EARLIER))
        first = helhetsbild(env, *import_persons, "--no-progress", str(earlier))
        assert first.returncode == 0, first.stdout + first.stderr
        before = cluster.fingerprint()

        path = persons_file(work / "personer.csv", numbers(0, ROWS), education="eftergymnasial")
        process = subprocess.Popen(
            [str(SCRIPT), *import_persons, str(path)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        wait_until_writing(process)
        cluster.pg_ctl("-m", "immediate", "restart")
        out, err = process.communicate(timeout=300)
        interrupted = subprocess.CompletedProcess(process.args, process.returncode, out, err)
        after = cluster.fingerprint()

        retried = helhetsbild(env, *import_persons, "--no-progress", str(path))
        with psycopg.connect(cluster.url()) as db:
            row = db.execute(f"SELECT count(*) FROM {PersonRecord._meta.db_table}").fetchone()
        yield Outcome(before, interrupted, after, retried, row[0] if row else 0)
    finally:
        stop_cluster(cluster)
        shutil.rmtree(work, ignore_errors=True)


def test_a_restart_mid_import_leaves_nothing_half_written_and_the_retry_succeeds(
    restart_during_import: Outcome,
) -> None:
    outcome = restart_during_import
    assert outcome.interrupted.returncode == 1, outcome.interrupted.stderr[-2000:]
    assert outcome.after == outcome.before
    assert outcome.retried.returncode == 0, outcome.retried.stdout + outcome.retried.stderr
    assert f"Importerad: {ROWS} rader, {ROWS} sparade" in outcome.retried.stdout
    assert outcome.records == ROWS


def test_a_restart_mid_import_is_told_in_swedish(restart_during_import: Outcome) -> None:
    failed = restart_during_import.interrupted
    assert "Traceback" not in failed.stderr, failed.stderr[-2000:]
    assert "ingenting sparades" in (failed.stdout + failed.stderr).lower()
