"""`helhetsbild audit import|export` and `helhetsbild actions remind`."""

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from helhetsbild.organisation.models import Role
from helhetsbild.plans.models import Audit
from tests.cli_support import run_cli
from tests.factories import TODAY, make_user
from tests.plans.scoring import SEEDS, seed_label
from tests.plans.world import make_action, make_audit

KARLSHAMN = SEEDS / "003_karlshamn.txt"


def command(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_proposal_as_json_in_the_documented_shape() -> None:
    """The real console script, as an operator runs it; nothing is saved."""
    result = run_cli("audit", "import", str(KARLSHAMN), "--dry-run", "--format", "json")

    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert list(record) == ["title", "auditor", "date", "questions", "recommendations"]
    label = seed_label("003_karlshamn")
    assert (record["title"], record["auditor"], record["date"]) == (
        label["title"],
        label["auditor"],
        label["date"],
    )
    assert record["questions"] == label["questions"]
    assert record["recommendations"] == label["recommendations"]


@pytest.mark.django_db
def test_without_dry_run_the_proposal_is_saved(committees) -> None:  # type: ignore[no-untyped-def]
    record = json.loads(
        command("audit", "import", str(KARLSHAMN), "--format", "json", "--committee", "sn")
    )
    audit = Audit.objects.get(pk=record["id"])
    assert audit.title == "Förstudie av kommunens integrationsarbete"
    assert audit.questions.count() == 3 and audit.recommendations.count() == 1
    assert [c.code for c in audit.committees.all()] == ["SN"]


@pytest.mark.django_db
def test_the_text_format_lists_what_was_found() -> None:
    text = command("audit", "import", str(KARLSHAMN), "--dry-run")
    assert "Granskare: EY" in text and "Rekommendationer (1):" in text
    assert Audit.objects.count() == 0


def test_an_unreadable_file_is_a_swedish_error(tmp_path: Path) -> None:
    odd = tmp_path / "rapport.odt"
    odd.write_bytes(b"...")
    with pytest.raises(CommandError, match="kan inte läsas"):
        command("audit", "import", str(odd), "--dry-run")


@pytest.mark.django_db
def test_the_answer_is_exported_to_a_spreadsheet(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    make_action(audit, committees["KS"])
    out = tmp_path / "svar.xlsx"
    assert "Skrev 2 rader" in command("audit", "export", str(audit.pk), "--out", str(out))
    sheet = load_workbook(out).active
    assert sheet.cell(row=4, column=2).value == "Åtgärd för KS"


@pytest.mark.django_db
def test_remind_sends_the_mail_for_deadlines_within_the_days_given(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    user = make_user(Role.ANALYST, username="ansvarig")
    user.email = "ansvarig@kommun.example"
    user.save()
    make_action(
        audit, committees["KS"], deadline=TODAY + dt.timedelta(days=10), responsible_user=user
    )

    quiet = command("actions", "remind", "--days", "5", "--today", TODAY.isoformat())
    sent = command("actions", "remind", "--days", "10", "--today", TODAY.isoformat())

    assert quiet.strip() == "Skickade 0 påminnelser om 0 åtgärder."
    assert sent.strip() == "Skickade 1 påminnelser om 1 åtgärder."
    assert [m.to for m in mail.outbox] == [["ansvarig@kommun.example"]]
