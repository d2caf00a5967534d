"""`helhetsbild analyse` as an operator meets it: what it prints, and a process killed mid-build."""

import io
import signal
from pathlib import Path

import pytest
from django.core.management import call_command

from helhetsbild.analysis.models import AnalysisBuild, BuildState
from helhetsbild.analysis.store import build_store, current_build
from helhetsbild.imports.models import BatchState
from helhetsbild.synth.generator import generate
from tests.analysis.small_register import import_small_register
from tests.cli_support import run_cli, start_cli
from tests.factories import TODAY, run_import

SYNTHETIC_FILES = [
    ("personer", "personer.csv"),
    ("uppehallstillstand", "uppehallstillstand.csv"),
    ("mottagande", "mottagande.csv"),
    ("insatser", "insatser.csv"),
    ("sfi", "sfi.csv"),
    ("forsorjningsstod", "forsorjningsstod.csv"),
]


@pytest.mark.django_db
def test_analyse_prints_progress_and_what_it_was_built_from(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_small_register(committees, tmp_path)
    out, err = io.StringIO(), io.StringIO()

    call_command("analyse", "--as-of", TODAY.isoformat(), stdout=out, stderr=err)

    build = current_build()
    assert build is not None
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"Analysdatabasen är byggd (bygge {build.pk}, referensdatum 2026-11-22): {build.path}"
    )
    assert lines[1] == "Byggd från 10 importomgångar:"
    assert lines[2].split() == ["nämnd", "slag", "omgångar", "senaste", "import"]
    by_source = {tuple(line.split()[:3]) for line in lines[3:11]}
    assert by_source == {
        ("AMN", "insatser", "1"),
        ("KS", "forsorjningsstod", "1"),
        ("KS", "insatser", "1"),
        ("KS", "mottagande", "2"),
        ("KS", "personer", "2"),
        ("KS", "uppehallstillstand", "1"),
        ("SN", "forsorjningsstod", "1"),
        ("UN", "sfi", "1"),
    }
    assert lines[11] == "Rader per tabell:"
    assert [line.split() for line in lines[12:19]] == [
        ["permits", "3"],
        ["settlements", "3"],
        ["episodes", "6"],
        ["sfi_courses", "1"],
        ["assistance", "3"],
        ["persons", "3"],
        ["person_months", "23"],
    ]
    assert lines[19].startswith("Tid: ") and lines[19].endswith(" s") and len(lines) == 20


def import_synthetic(committees, folder: Path, persons: int) -> None:  # type: ignore[no-untyped-def]
    generate(persons=persons, seed=1, out_dir=folder, as_of=TODAY)
    for kind_name, file_name in SYNTHETIC_FILES:
        result = run_import(committees["KS"], kind_name, folder / file_name)
        assert result.state == BatchState.COMMITTED, result.issues[:3]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_build_leaves_the_previous_store_current(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_synthetic(committees, tmp_path, persons=5000)
    previous = build_store(actor=None, reference_date=TODAY)

    process = start_cli("analyse", "--as-of", TODAY.isoformat())
    assert process.stderr is not None
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "Bygger person_months" in line:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, (seen, process.communicate())

    killed = AnalysisBuild.objects.get(state=BuildState.RUNNING)
    assert current_build() == previous and previous.path.exists()
    assert not killed.path.exists()

    again = run_cli("analyse", "--as-of", TODAY.isoformat(), timeout=300)

    assert again.returncode == 0, again.stdout + again.stderr
    assert "Byggd från 6 importomgångar:" in again.stdout
    killed.refresh_from_db()
    assert killed.state == BuildState.FAILED
    assert sorted(killed.path.parent.glob(killed.file_name + "*")) == []
    latest = current_build()
    assert latest is not None and latest.pk not in (previous.pk, killed.pk)
    assert latest.row_counts == previous.row_counts
