"""The command line as a user meets it: exit statuses, messages and `status --json`."""

import json
from pathlib import Path

import pytest

from tests.cli_support import run_cli
from tests.factories import personnummer, write_kind

ANNA = personnummer("19900101", "980")
pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def test_exit_statuses_and_messages(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    good = write_kind(
        tmp_path / "personer.csv", "personer", [[ANNA, "K", "1990-01-01", "", "", ""]]
    )
    bad = write_kind(tmp_path / "fel.csv", "personer", [[ANNA, "Q", "1990-01-01", "", "", ""]])

    first = run_cli("import", "--kind", "personer", "--committee", "KS", str(good))
    assert first.returncode == 0 and "Importerad: 1 rader, 1 sparade" in first.stdout
    again = run_cli("import", "--kind", "personer", "--committee", "KS", str(good))
    assert again.returncode == 0 and "Redan importerad" in again.stdout

    report = tmp_path / "rapport.csv"
    refused = run_cli(
        "import", "--kind", "personer", "--committee", "KS", str(bad), "--report-csv", str(report)
    )
    assert refused.returncode == 1
    assert "fel.csv: rad 2, kolumn 'kön', värde 'Q': är inget tillåtet värde" in refused.stdout
    assert "Avvisad: ingenting sparades" in refused.stdout
    assert report.read_text(encoding="utf-8-sig").splitlines()[1].startswith("fel.csv;2;kön;Q;")

    assert run_cli("import", "--kind", "personer", "--committee", "XX", str(good)).returncode == 2
    assert run_cli("import", "--kind", "okänt", "--committee", "KS", str(good)).returncode == 2
    assert (
        run_cli("import", "--kind", "personer", "--committee", "KS", "saknas.csv").returncode == 2
    )

    status = json.loads(run_cli("status", "--json").stdout)
    assert status["counts"]["personer"] == {"KS": 1}
    states = [
        (b["kind"], b["committee"], b["state"], b["rows"], b["accepted"], b["rejected"])
        for b in status["batches"]
    ]
    assert states == [
        ("personer", "KS", "committed", 1, 1, 0),
        ("personer", "KS", "duplicate", 1, 0, 0),
        ("personer", "KS", "rejected", 1, 0, 1),
    ]
    assert all(len(b["sha256"]) == 64 for b in status["batches"])
    assert ANNA not in json.dumps(status) and ANNA.replace("-", "") not in json.dumps(status)


def test_demo_without_persons_gives_committees_and_users(tmp_path: Path) -> None:
    result = run_cli("demo", "--no-serve", "--persons", "0")
    assert result.returncode == 0, result.stderr
    for username in [
        "handlaggare.sn",
        "handlaggare.amn",
        "analytiker",
        "controller",
        "lasare",
        "admin",
    ]:
        assert username in result.stdout
    from django.contrib.auth import get_user_model

    from helhetsbild.organisation.models import Committee

    assert sorted(Committee.objects.values_list("code", flat=True)) == ["AMN", "KS", "SN", "UN"]
    assert (
        get_user_model().objects.get(username="handlaggare.sn").memberships.get().committee.code
        == "SN"
    )
    assert json.loads(run_cli("status", "--json").stdout)["batches"] == []
