"""The build's life cycle: what a build records, switching only when complete, surviving a build
that dies half-way, and who may start one."""

from pathlib import Path

import duckdb
import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from helhetsbild.analysis import load
from helhetsbild.analysis.models import AnalysisBuild, BuildState
from helhetsbild.analysis.store import (
    StoreMissing,
    build_store,
    current_build,
    open_store,
    results_folder,
)
from helhetsbild.imports.models import BatchState, ImportBatch
from helhetsbild.organisation.models import Role
from tests.analysis.small_register import import_small_register
from tests.factories import TODAY, caseworker, make_user, personnummer, run_import, write_kind

pytestmark = pytest.mark.django_db

STORE_TABLES = {
    "permits",
    "settlements",
    "episodes",
    "sfi_courses",
    "assistance",
    "persons",
    "person_months",
}


@pytest.fixture
def register(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    import_small_register(committees, tmp_path)
    return committees


def persons_in_store() -> int:
    with open_store() as store:
        return int(store.execute("SELECT count(*) FROM persons").fetchall()[0][0])


def add_a_person(committees, folder: Path) -> None:  # type: ignore[no-untyped-def]
    newcomer = [personnummer("20000101", "986"), "K", "2000-01-01", "", "", ""]
    path = write_kind(folder / "ny.csv", "personer", [newcomer])
    assert run_import(committees["KS"], "personer", path).state == BatchState.COMMITTED


def leftovers(build: AnalysisBuild) -> list[Path]:
    """Anything of the build's on disk besides its finished file and its indicator results."""
    found = build.path.parent.glob(build.file_name + ".*")
    return sorted(path for path in found if path != results_folder(build))


def test_a_build_records_what_it_was_built_from(register) -> None:  # type: ignore[no-untyped-def]
    build = build_store(actor=None, reference_date=TODAY)

    assert build.state == BuildState.COMPLETE and current_build() == build
    assert build.path.exists() and leftovers(build) == []
    assert build.batch_ids == sorted(ImportBatch.objects.values_list("id", flat=True))
    sources = {(s["committee"], s["kind"]): s["batches"] for s in build.sources}
    assert sources == {
        ("AMN", "insatser"): 1,
        ("KS", "forsorjningsstod"): 1,
        ("KS", "insatser"): 1,
        ("KS", "mottagande"): 2,
        ("KS", "personer"): 2,
        ("KS", "uppehallstillstand"): 1,
        ("SN", "forsorjningsstod"): 1,
        ("UN", "sfi"): 1,
    }
    latest_ks = ImportBatch.objects.filter(committee__code="KS").latest("finished_at")
    assert set(build.freshness) == {"AMN", "KS", "SN", "UN"}
    assert build.freshness["KS"] == latest_ks.finished_at
    with open_store() as store:
        counted = {
            table: store.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            for table in STORE_TABLES
        }
        info = store.execute("SELECT build_id, reference_date, reference_month FROM build_info")
        assert info.fetchall() == [(build.pk, TODAY, TODAY.replace(day=1))]
    assert build.row_counts == counted
    assert counted["persons"] == 3 and counted["person_months"] == 9 + 6 + 8


def test_the_store_is_opened_read_only(register) -> None:  # type: ignore[no-untyped-def]
    build_store(actor=None, reference_date=TODAY)
    with open_store() as store, pytest.raises(duckdb.Error):
        store.execute("DELETE FROM persons")


def test_without_a_build_the_error_says_what_to_do() -> None:
    with pytest.raises(StoreMissing, match="helhetsbild analyse"):
        open_store()


def test_a_build_that_fails_half_way_leaves_the_previous_store_current(
    register,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    first = build_store(actor=None, reference_date=TODAY)
    add_a_person(register, tmp_path)
    real_create_table = load.create_table

    def die_after_the_first_table(connection: duckdb.DuckDBPyConnection, table: str) -> int:
        if table != load.TABLES[0]:
            raise RuntimeError("disk full")
        return real_create_table(connection, table)

    monkeypatch.setattr(load, "create_table", die_after_the_first_table)
    with pytest.raises(RuntimeError, match="disk full"):
        build_store(actor=None, reference_date=TODAY)

    failed = AnalysisBuild.objects.exclude(pk=first.pk).get()
    assert failed.state == BuildState.FAILED and "disk full" in failed.error
    assert not failed.path.exists() and leftovers(failed) == []
    assert current_build() == first and persons_in_store() == 3

    monkeypatch.undo()
    again = build_store(actor=None, reference_date=TODAY)
    assert current_build() == again and again.state == BuildState.COMPLETE
    assert persons_in_store() == 4


def test_a_build_left_running_by_a_killed_process_is_cleared_by_the_next(register) -> None:  # type: ignore[no-untyped-def]
    first = build_store(actor=None, reference_date=TODAY)
    killed = AnalysisBuild.objects.create(
        state=BuildState.RUNNING,
        started_at=timezone.now(),
        reference_date=TODAY,
        file_name="build-killed.duckdb",
    )
    half_written = killed.path.with_name(killed.file_name + ".part")
    half_written.write_bytes(b"half a store")
    assert current_build() == first

    next_build = build_store(actor=None, reference_date=TODAY)

    killed.refresh_from_db()
    assert killed.state == BuildState.FAILED and killed.error
    assert not half_written.exists()
    assert current_build() == next_build


def test_only_the_current_and_the_previous_file_are_kept(register) -> None:  # type: ignore[no-untyped-def]
    builds = [build_store(actor=None, reference_date=TODAY) for _ in range(3)]

    assert [build.path.exists() for build in builds] == [False, True, True]


@pytest.mark.parametrize(
    ("role", "allowed"),
    [(Role.CASEWORKER, True), (Role.ANALYST, False), (Role.READER, False)],
)
def test_a_user_may_rebuild_only_if_allowed_to_import(register, role: str, allowed: bool) -> None:  # type: ignore[no-untyped-def]
    user = caseworker(register["SN"]) if role == Role.CASEWORKER else make_user(role)
    if allowed:
        assert build_store(actor=user, reference_date=TODAY).created_by == user
    else:
        with pytest.raises(PermissionDenied):
            build_store(actor=user, reference_date=TODAY)
        assert not AnalysisBuild.objects.exists()
