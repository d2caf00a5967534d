"""Faults in the middle of the work: a process killed while it writes, two committees importing
at once, and the disk filling up. The tests run the real `helhetsbild` command line in a
subprocess against the test database (one drives the import service from two threads, to fix
the interleaving) and then check the register byte for byte (docs/reliability.md).

The kill tests here go further than tests/imports/test_kill.py and tests/analysis/test_cli.py:
the killed import updates records that already exist, and the killed build dies while it holds
the register's snapshot, so the tests also show that nothing is left locked behind them."""

import hashlib
import resource
import signal
import subprocess
import threading
from itertools import chain
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from helhetsbild.analysis.models import AnalysisBuild, BuildState
from helhetsbild.analysis.store import build_store, current_build, open_store
from helhetsbild.imports import services
from helhetsbild.imports.models import BatchState, ImportBatch
from helhetsbild.organisation.models import Role
from helhetsbild.register.models import Episode, Person, PersonRecord
from tests.analysis.small_register import ANNA, import_small_register
from tests.analysis.test_cli import import_synthetic
from tests.analysis.test_pages import logged_in
from tests.cli_support import SCRIPT, cli_env, run_cli, start_cli
from tests.factories import TODAY, make_user, run_import, write_kind
from tests.reliability.support import (
    numbers,
    persons_file,
    register_fingerprint,
    wait_until_writing,
)

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

EARLIER_PERSONS = 1_000
KILLED_ROWS = 40_000
FULL_DISK_ROWS = 15_000


def episodes_file(path: Path, people: list[str], detail: str) -> Path:
    return write_kind(path, "insatser", [[n, "praktik", "2024-02-01", "", detail] for n in people])


def quick_import(committee: str, kind: str, path: Path) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "import", "--kind", kind, "--committee", committee, "--no-analyse", "--no-progress",
        str(path), timeout=300,
    )  # fmt: skip


def kept_originals_are_whole(folder: Path) -> bool:
    """Every original kept under its final name holds exactly the bytes its name hashes."""
    return all(
        hashlib.sha256(path.read_bytes()).hexdigest() == path.stem
        for path in folder.glob("*")
        if path.suffix != ".part"
    )


def test_sigkill_while_rows_are_written_changes_nothing_and_blocks_nothing(
    committees, tmp_path: Path, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    earlier = list(numbers(0, EARLIER_PERSONS))
    run_import(committees["KS"], "personer", persons_file(tmp_path / "tidigare.csv", earlier))
    run_import(committees["AMN"], "insatser", episodes_file(tmp_path / "i1.csv", earlier[:50], "A"))
    before = register_fingerprint()
    # A corrected, larger export: the persons already registered get a new education level,
    # then come persons the register has never seen.
    path = persons_file(
        tmp_path / "personer.csv", numbers(0, KILLED_ROWS), education="eftergymnasial"
    )

    process = start_cli("import", "--kind", "personer", "--committee", "KS", str(path))
    wait_until_writing(process)
    process.kill()
    process.wait(timeout=30)

    assert process.returncode == -signal.SIGKILL
    assert register_fingerprint() == before
    assert kept_originals_are_whole(data_dir / "imports")
    # Nothing was left locked or half-open: another committee's import goes through at once.
    other = quick_import("AMN", "insatser", episodes_file(tmp_path / "i2.csv", earlier[:50], "B"))
    assert other.returncode == 0, other.stdout + other.stderr
    again = quick_import("KS", "personer", path)
    assert again.returncode == 0, again.stdout + again.stderr
    ks_records = PersonRecord.objects.filter(committee=committees["KS"])
    assert ks_records.count() == KILLED_ROWS == Person.objects.count()
    assert set(ks_records.values_list("education_level", flat=True)) == {"post_secondary"}
    assert set(Episode.objects.values_list("detail", flat=True)) == {"B"}


def test_sigkill_while_analyse_reads_the_register_leaves_the_store_and_the_register_usable(
    committees, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import_synthetic(committees, tmp_path, persons=500)
    previous = build_store(actor=None, reference_date=TODAY)
    with open_store() as store:
        rows_before = {
            table: store.execute(f"SELECT count(*) FROM {table}").fetchone()
            for table in previous.row_counts
        }

    process = start_cli("analyse", "--as-of", TODAY.isoformat())
    assert process.stderr is not None
    for line in process.stderr:
        # The first table is read: the build holds the register's snapshot (on SQLite, its lock).
        if line.split("] ", 1)[-1].startswith("Läste "):
            break
    process.kill()
    process.wait(timeout=30)

    assert process.returncode == -signal.SIGKILL
    killed = AnalysisBuild.objects.get(state=BuildState.RUNNING)
    assert current_build() == previous
    with open_store() as store:
        assert {
            table: store.execute(f"SELECT count(*) FROM {table}").fetchone()
            for table in previous.row_counts
        } == rows_before
    page = logged_in(make_user(Role.READER)).get(reverse("analysis:overview"))
    assert page.status_code == 200 and previous.reference_date.isoformat() in page.text

    people = list(numbers(0, 20, born_from=TODAY.replace(year=1990)))
    registered = quick_import("KS", "personer", persons_file(tmp_path / "nya.csv", people))
    assert registered.returncode == 0, registered.stdout + registered.stderr
    again = run_cli("analyse", "--as-of", TODAY.isoformat(), timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    killed.refresh_from_db()
    assert killed.state == BuildState.FAILED
    assert sorted(killed.path.parent.glob(killed.file_name + "*")) == []
    latest = current_build()
    assert latest is not None and latest.pk not in (previous.pk, killed.pk)
    assert ImportBatch.objects.latest("id").pk in latest.batch_ids


def test_two_committees_importing_at_once_both_complete(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The usual case: the persons are in the register already (KS registered them), and two
    other committees import their own records about them, and about persons of their own."""
    shared = list(numbers(0, 6000))
    run_import(committees["KS"], "personer", persons_file(tmp_path / "ks.csv", shared))
    files = {
        "SN": persons_file(tmp_path / "sn.csv", chain(shared, numbers(6000, 3000))),
        "UN": persons_file(tmp_path / "un.csv", chain(numbers(9000, 3000), shared)),
    }

    processes = [
        start_cli("import", "--kind", "personer", "--committee", code, str(path))
        for code, path in files.items()
    ]
    outcomes = [(process, *process.communicate(timeout=600)) for process in processes]

    for process, out, err in outcomes:
        assert process.returncode == 0, out + err
        assert "Importerad: 9000 rader, 9000 sparade" in out, out + err
    for code in files:
        assert PersonRecord.objects.filter(committee=committees[code]).count() == 9000
    assert Person.objects.count() == 12_000
    batches = set(ImportBatch.objects.values_list("pk", flat=True))
    assert set(ImportBatch.objects.values_list("state", flat=True)) == {BatchState.COMMITTED}
    # Both rebuilt the store, one after the other; the last build holds both imports.
    latest = current_build()
    assert latest is not None and batches <= set(latest.batch_ids)
    assert not AnalysisBuild.objects.exclude(state=BuildState.COMPLETE).exists()


def test_two_committees_registering_the_same_new_persons_at_once_both_complete(
    committees, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    """Two threads through the import service, so that the interleaving is certain: each
    writes its first chunk, then waits (a little) for the other to have written its own."""
    monkeypatch.setattr(services, "CHUNK_ROWS", 500)
    people = list(numbers(0, 1000))
    files = {
        "SN": persons_file(tmp_path / "sn.csv", people),
        "UN": persons_file(tmp_path / "un.csv", reversed(people)),
    }
    written = {code: threading.Event() for code in files}
    outcome: dict[str, str] = {}

    def import_for(code: str, other: str) -> None:
        def after_each_chunk(rows: int, position: int, size: int) -> None:
            written[code].set()
            # Both hold their first chunk uncommitted; an import that queues (SQLite) goes on.
            written[other].wait(timeout=2)

        try:
            outcome[code] = services.import_file(
                actor=None,
                committee=committees[code],
                kind="personer",
                path=files[code],
                file_name=files[code].name,
                progress=after_each_chunk,
                today=TODAY,
                analyse=False,
            ).state
        except Exception as error:  # the outcome to compare, whatever it is
            outcome[code] = repr(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=import_for, args=pair) for pair in (("SN", "UN"), ("UN", "SN"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert outcome == {"SN": BatchState.COMMITTED, "UN": BatchState.COMMITTED}
    assert Person.objects.count() == 1000
    assert PersonRecord.objects.count() == 2000


def with_file_size_limit(limit: int):  # type: ignore[no-untyped-def]
    """A full disk for one process: a write past `limit` bytes fails with EFBIG. SIGXFSZ, which
    would kill the process instead, is ignored (an ignored signal stays ignored across exec)."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def run_on_a_full_disk(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    if connection.vendor == "sqlite":
        # Start from an empty write-ahead log, so the limit counts this process's writes only.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return subprocess.run(
        [str(SCRIPT), *args],
        env=cli_env(),
        preexec_fn=with_file_size_limit(limit),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


# Where the disk fills: while the original is kept (room for half of it), or while the rows are
# written (room for the original and a little more).
FULL_DISK_POINTS = {
    "original": lambda size: size // 2,
    "rows": lambda size: size + 256 * 1024,
}


def fill_the_disk_during_an_import(
    point: str, tmp_path: Path
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    if point == "rows" and connection.vendor != "sqlite":
        pytest.skip(
            "PostgreSQL writes the rows in its own server process, beyond the reach of this "
            "client's file size limit; a full server disk is an error like the restart test's"
        )
    path = persons_file(tmp_path / "personer.csv", numbers(0, FULL_DISK_ROWS))
    limit = FULL_DISK_POINTS[point](path.stat().st_size)
    failed = run_on_a_full_disk(
        limit, "import", "--kind", "personer", "--committee", "KS", "--no-progress", str(path)
    )
    return path, failed


@pytest.mark.parametrize("point", sorted(FULL_DISK_POINTS))
def test_a_full_disk_during_an_import_loses_nothing_and_the_retry_succeeds(
    committees, tmp_path: Path, data_dir: Path, point: str
) -> None:  # type: ignore[no-untyped-def]
    run_import(committees["KS"], "personer", persons_file(tmp_path / "först.csv", numbers(0, 100)))
    before = register_fingerprint()

    path, failed = fill_the_disk_during_an_import(point, tmp_path)

    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert register_fingerprint() == before
    assert kept_originals_are_whole(data_dir / "imports")
    again = quick_import("KS", "personer", path)
    assert again.returncode == 0, again.stdout + again.stderr
    assert PersonRecord.objects.count() == FULL_DISK_ROWS


@pytest.mark.parametrize("point", sorted(FULL_DISK_POINTS))
def test_a_full_disk_during_an_import_is_told_in_swedish_and_leaves_no_half_copy(
    committees, tmp_path: Path, data_dir: Path, point: str
) -> None:  # type: ignore[no-untyped-def]
    _path, failed = fill_the_disk_during_an_import(point, tmp_path)

    assert "Traceback" not in failed.stderr, failed.stderr[-2000:]
    assert "ingenting sparades" in (failed.stdout + failed.stderr).lower()
    assert list((data_dir / "imports").glob("*.part")) == []


# Room for a one-row import, not for the analysis store's files.
FULL_DISK_FOR_THE_STORE = 128 * 1024


def test_a_full_disk_during_the_rebuild_keeps_the_import_and_the_previous_store(
    committees, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    import_small_register(committees, tmp_path)
    previous = build_store(actor=None, reference_date=TODAY)
    path = write_kind(tmp_path / "ny.csv", "insatser", [[ANNA, "praktik", "2026-10-01", "", ""]])

    done = run_on_a_full_disk(
        FULL_DISK_FOR_THE_STORE,
        "import", "--kind", "insatser", "--committee", "AMN", "--no-progress", str(path),
    )  # fmt: skip

    assert done.returncode == 0, done.stdout + done.stderr
    assert "Analysdatabasen kunde inte byggas om" in done.stdout, done.stdout + done.stderr
    assert Episode.objects.filter(kind="internship", start_date="2026-10-01").exists()
    assert current_build() == previous and previous.path.exists()
    failed = AnalysisBuild.objects.get(state=BuildState.FAILED)
    assert sorted(failed.path.parent.glob(failed.file_name + "*")) == []
    again = run_cli("analyse", "--as-of", TODAY.isoformat(), timeout=300)
    assert again.returncode == 0, again.stdout + again.stderr
    latest = current_build()
    assert latest is not None and ImportBatch.objects.latest("id").pk in latest.batch_ids
