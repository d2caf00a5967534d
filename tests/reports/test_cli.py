"""`helhetsbild report --kind delar|helar --year YEAR [--committee CODE] --out FILE`: the format
follows the file's ending, a report of the page lends its ready marks, and an archived report is
written exactly as it was archived."""

import hashlib
import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from docx import Document
from pypdf import PdfReader

from helhetsbild.reports.models import ReportKind
from helhetsbild.reports.selectors import sections_of
from helhetsbild.reports.services import report_archive, report_create, section_mark
from tests.cli_support import run_cli
from tests.goals.support import YEAR
from tests.reports.world import SmallWorld, small_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_data_dir")]


@pytest.fixture
def world(committees) -> SmallWorld:  # type: ignore[no-untyped-def]
    return small_world(committees)


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("report", *args, stdout=out)
    return out.getvalue()


def test_the_ending_of_the_file_decides_the_format(world: SmallWorld, tmp_path: Path) -> None:
    title = world.tree.sn_goal.title
    for ending in ("html", "docx", "pdf", "PDF"):
        out = tmp_path / f"rapport.{ending}"
        said = command(
            "--kind", "delar", "--year", str(YEAR), "--committee", "sn", "--out", str(out)
        )
        assert "Delårsrapport 2026 – Socialnämnden (utkast)" in said
        assert f"Inte klarmarkerade avsnitt: {title}; Åtgärder efter granskningar" in said
        content = out.read_bytes()
        if ending == "html":
            assert content.startswith(b"<!DOCTYPE html>") and title.encode() in content
        elif ending == "docx":
            assert title in [p.text for p in Document(io.BytesIO(content)).paragraphs]
        else:
            pages = PdfReader(io.BytesIO(content)).pages
            assert any(title in page.extract_text() for page in pages)


def test_without_a_committee_it_is_the_whole_municipality(
    world: SmallWorld, tmp_path: Path
) -> None:
    out = tmp_path / "kommunen.html"
    command("--kind", "helar", "--year", str(YEAR), "--out", str(out))
    content = out.read_text("utf-8")
    assert "Helårsrapport 2026 – Hela kommunen" in content
    assert world.tree.strategic.title in content and world.tree.amn_goal.title in content


def test_a_wrong_ending_or_committee_is_refused_with_the_reason(
    world: SmallWorld, tmp_path: Path
) -> None:
    with pytest.raises(CommandError, match=r"\.html, \.docx eller \.pdf, inte \.txt"):
        command("--kind", "delar", "--year", str(YEAR), "--out", str(tmp_path / "r.txt"))
    with pytest.raises(CommandError, match="Nämnden XX finns inte"):
        command(
            "--kind",
            "delar",
            "--year",
            str(YEAR),
            "--committee",
            "XX",
            "--out",
            str(tmp_path / "r.pdf"),
        )


def test_an_archived_report_is_written_as_it_was_archived(
    world: SmallWorld, tmp_path: Path
) -> None:
    sn = world.committees["SN"]
    report = report_create(actor=None, kind=ReportKind.ANNUAL, year=YEAR, committee=sn)
    for section in sections_of(report):
        section_mark(actor=None, report=report, key=section.key, ready=True)
    files = {f.file_format: f for f in report_archive(actor=None, report=report)}
    out = tmp_path / "helar.docx"
    said = command("--kind", "helar", "--year", str(YEAR), "--committee", "SN", "--out", str(out))
    assert "(arkiverad)" in said and "Inte klarmarkerade" not in said
    assert hashlib.sha256(out.read_bytes()).hexdigest() == files["docx"].sha256


def test_the_console_script_exits_non_zero_on_a_wrong_ending(tmp_path: Path) -> None:
    result = run_cli(
        "report", "--kind", "delar", "--year", "2026", "--out", str(tmp_path / "r.odt")
    )
    assert result.returncode != 0
    assert "inte .odt" in result.stderr
