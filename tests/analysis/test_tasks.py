"""The rebuild after an import as a task: at once in the request by default, queued for the
database worker when so configured, and skipped when a later build has already read the import."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from helhetsbild.analysis.models import AnalysisBuild, BuildState
from helhetsbild.analysis.store import build_store, current_build
from helhetsbild.analysis.tasks import store_rebuild
from helhetsbild.imports.models import BatchState
from tests.analysis.small_register import import_small_register
from tests.factories import personnummer, run_import, write_kind

pytestmark = pytest.mark.django_db(transaction=True)

QUEUED = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def register(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    import_small_register(committees, tmp_path)
    build_store(actor=None)
    return committees


def import_a_newcomer(committees, folder: Path):  # type: ignore[no-untyped-def]
    newcomer = [personnummer("20000101", "986"), "K", "2000-01-01", "", "", ""]
    path = write_kind(folder / "ny.csv", "personer", [newcomer])
    result = run_import(committees["KS"], "personer", path, analyse=True)
    assert result.state == BatchState.COMMITTED
    return result


def test_by_default_the_import_rebuilds_the_store_before_it_answers(
    register, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = current_build()
    result = import_a_newcomer(register, tmp_path)
    after = current_build()
    assert before is not None and after is not None and after.pk > before.pk
    assert f"Analysdatabasen är ombyggd (bygge {after.pk})." in result.notes


def test_with_the_database_backend_the_import_answers_first_and_the_worker_rebuilds(
    register, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = current_build()
    with override_settings(TASKS=QUEUED, ANALYSIS_REBUILD_DELAY_SECONDS=0):
        result = import_a_newcomer(register, tmp_path)
        assert current_build() == before
        assert any("byggs om i bakgrunden" in note for note in result.notes)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    after = current_build()
    assert after is not None and before is not None and after.pk > before.pk


def test_a_burst_of_imports_costs_one_build_not_one_each(register, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    with override_settings(TASKS=QUEUED, ANALYSIS_REBUILD_DELAY_SECONDS=0):
        import_a_newcomer(register, tmp_path)
        second = [personnummer("19990101", "982"), "M", "2000-01-01", "", "", ""]
        path = write_kind(tmp_path / "andra.csv", "personer", [second])
        assert run_import(register["KS"], "personer", path, analyse=True).batch_id
        builds = AnalysisBuild.objects.count()
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert AnalysisBuild.objects.count() == builds + 1


def test_the_worker_waits_before_a_rebuild_so_files_in_a_row_cost_one(
    register, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    before = current_build()
    with override_settings(TASKS=QUEUED, ANALYSIS_REBUILD_DELAY_SECONDS=30):
        asked = timezone.now()
        import_a_newcomer(register, tmp_path)
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    [queued] = DBTaskResult.objects.all()
    assert queued.run_after >= asked + dt.timedelta(seconds=30)
    assert queued.status == "READY" and current_build() == before


def test_a_rebuild_for_a_batch_the_current_build_has_read_is_skipped(register) -> None:  # type: ignore[no-untyped-def]
    current = current_build()
    assert current is not None and current.batch_ids
    assert store_rebuild.call(actor_id=None, batch_id=current.batch_ids[-1]) is None
    assert current_build() == current


def test_a_batch_the_current_build_has_not_read_is_built(register, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    newcomer = [personnummer("20000101", "986"), "K", "2000-01-01", "", "", ""]
    path = write_kind(tmp_path / "ny.csv", "personer", [newcomer])
    batch = run_import(register["KS"], "personer", path).batch_id
    AnalysisBuild.objects.create(  # a failed build read nothing that counts
        state=BuildState.FAILED,
        started_at=timezone.now(),
        reference_date=timezone.localdate(),
        file_name="misslyckad.duckdb",
        batch_ids=[batch],
    )
    built = store_rebuild.call(actor_id=None, batch_id=batch)
    current = current_build()
    assert current is not None and built == current.pk and batch in current.batch_ids


def test_a_failed_rebuild_is_a_note_and_the_import_stands(
    register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    def broken(**_kwargs: object) -> None:
        raise OSError("disken är full")

    monkeypatch.setattr("helhetsbild.analysis.tasks.build_store", broken)
    result = import_a_newcomer(register, tmp_path)
    assert (
        "Analysdatabasen kunde inte byggas om; den förra gäller tills vidare. "
        "Systemförvaltaren ser orsaken med helhetsbild status." in result.notes
    )
    assert result.state == BatchState.COMMITTED


def test_the_queue_keeps_the_kind_of_error_and_no_values_from_it(
    register, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    number = personnummer("19940101", "980")

    def broken(**_kwargs: object) -> None:
        raise ValueError(f"oväntat värde {number}")

    monkeypatch.setattr("helhetsbild.analysis.tasks.build_store", broken)
    rebuild = store_rebuild.enqueue(actor_id=None, batch_id=0)
    [error] = rebuild.errors
    assert error.exception_class_path == "helhetsbild.analysis.tasks.RebuildFailed"
    assert error.traceback.strip().endswith("RebuildFailed: ValueError")
    assert number not in error.traceback and "19940101" not in error.traceback


def test_the_status_command_lists_the_latest_builds_and_why_one_failed(register) -> None:  # type: ignore[no-untyped-def]
    AnalysisBuild.objects.create(
        state=BuildState.FAILED,
        started_at=timezone.now(),
        reference_date=timezone.localdate(),
        file_name="misslyckad.duckdb",
        error="OSError(28, 'No space left on device')",
    )
    out = StringIO()
    call_command("status", stdout=out)
    text = out.getvalue()
    assert "Analysdatabasens senaste byggen:" in text
    assert "failed" in text and "No space left on device" in text


def test_the_status_command_names_the_batches_the_store_has_not_read(
    register, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    newcomer = [personnummer("20000101", "986"), "K", "2000-01-01", "", "", ""]
    path = write_kind(tmp_path / "ny.csv", "personer", [newcomer])
    batch = run_import(register["KS"], "personer", path).batch_id
    out = StringIO()
    call_command("status", stdout=out)
    assert f"Importomgångar som analysdatabasen inte har läst: #{batch}." in out.getvalue()
    build_store(actor=None)
    out = StringIO()
    call_command("status", stdout=out)
    assert "inte har läst" not in out.getvalue()
