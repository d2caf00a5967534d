"""The committee's report on the demo's goals and audit over a small register: what it says, that
HTML, Word and PDF say the same, that every number in it is the protected one, and that the PDF
is tagged with a text alternative for every chart."""

import io
import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import indicator, indicators
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, display
from helhetsbild.analysis.overview import series_by_sex
from helhetsbild.goals.models import Goal
from helhetsbild.goals.selectors import goal_tree_for
from helhetsbild.organisation.models import Role
from helhetsbild.reports.document import ReportDocument, build_document
from helhetsbild.reports.models import FileFormat, Report, ReportKind
from helhetsbild.reports.render import render
from helhetsbild.reports.services import section_mark
from tests.factories import make_user
from tests.goals.support import YEAR
from tests.reports.world import demo_world

pytestmark = pytest.mark.django_db

STRATEGIC = "Fler nyanlända kvinnor och män försörjer sig själva"
SHARE = "sjalvforsorjande_andel"
ANALYSIS = "Andelen självförsörjande ökar för både kvinnor och män"
ACTION = "Ta fram ett kommunövergripande styrdokument om social hållbarhet där integration ingår."


@pytest.fixture(autouse=True)
def fresh_results() -> Iterator[None]:
    """Each test builds its own store; a rolled-back build id may come again with other data."""
    engine._cache.clear()
    yield
    engine._cache.clear()


@pytest.fixture
def document(committees, tmp_path: Path) -> ReportDocument:  # type: ignore[no-untyped-def]
    """The whole municipality's annual report, with the strategic goal's section marked ready."""
    demo_world(committees, tmp_path)
    report = Report.objects.create(kind=ReportKind.ANNUAL, year=YEAR)
    goal = Goal.objects.get(year=YEAR, title=STRATEGIC)
    section_mark(actor=make_user(Role.ANALYST), report=report, key=f"mal-{goal.pk}", ready=True)
    return build_document(None, report)


def words(text: str) -> str:
    """Text with every run of white space one space, as a reader hears it, whatever the line
    breaks of a PDF page."""
    return " ".join(text.split())


def html_text(content: bytes) -> str:
    class Text(HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.parts: list[str] = []

        def handle_data(self, data: str) -> None:
            self.parts.append(data)

    parser = Text()
    parser.feed(content.decode("utf-8"))
    return words(" ".join(parser.parts))


def docx_text(content: bytes) -> str:
    word = Document(io.BytesIO(content))
    parts = [p.text for p in word.paragraphs]
    parts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return words(" ".join(parts))


def pdf_text(content: bytes) -> str:
    return words(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


TEXT = {FileFormat.HTML: html_text, FileFormat.DOCX: docx_text, FileFormat.PDF: pdf_text}


def test_each_format_has_goal_readings_tables_analysis_actions_and_appendix(
    document: ReportDocument,
) -> None:
    reading = next(
        r
        for node in goal_tree_for(None, YEAR).walk()
        if node.goal.title == STRATEGIC
        for r in node.indicators
        if r.goal_indicator.indicator_id == SHARE
    )
    item = indicator(SHARE)
    assert item is not None
    expected = [
        "Helårsrapport 2026 – Hela kommunen",
        STRATEGIC,
        item.title,
        f"Utfall mot målvärde {YEAR}: {item.title}",
        reading.total.value.text,  # the value ...
        reading.total.target,  # ... against the target
        words(reading.verdict.explanation),  # the status in words
        f"{item.title} per år, totalt och efter kön",  # the table by sex
        words(document.suppressed_note),  # the footnote of `..`
        ANALYSIS,
        ACTION,
        "Påbörjad",
        "Försenad",
        "Bilaga: indikatorernas definitioner",
        words(item.definition),
        f"{SHARE}.sql",
        "N00700",  # the Kolada indicator of the demo
        "Inte klart",  # the sections not yet ready are listed ...
        "Klart, ",  # ... beside the one that is
    ]
    for file_format, text_of in TEXT.items():
        text = text_of(render(document, file_format))
        missing = [phrase for phrase in expected if phrase not in text]
        assert not missing, (file_format, missing)
        assert f" {SUPPRESSED_MARK} " in text, file_format


def test_the_tables_by_sex_hold_only_the_protected_numbers(document: ReportDocument) -> None:
    """Every number of every table by sex is `disclosure.display` of the engine's protected cell
    of that year and group, and hidden ones are there as `..`."""
    checked = hidden = 0
    for goal in document.goals:
        for part in goal.indicators:
            item = next(
                (i for i in indicators().values() if f"{i.title} per år" in part.table.caption),
                None,
            )
            if item is None:
                continue
            series = {row.period: row for row in series_by_sex(engine.result(item))}
            for period, values in part.table.rows:
                row = series[period]
                published = [display(c) if c else "–" for c in (row.total, row.women, row.men)]
                assert [v.text for v in values] == published, (item.id, period)
                checked += 1
                hidden += sum(v.suppressed for v in values)
    assert checked >= 20 and hidden > 0
    assert document.suppressed_note


def test_every_chart_has_a_text_alternative_and_the_pdf_is_tagged(
    document: ReportDocument,
) -> None:
    alts = [p.chart.alt for g in document.goals for p in g.indicators if p.chart is not None]
    assert len(alts) >= 5 and all(alt.startswith("Linjediagram: ") for alt in alts)

    page = render(document, FileFormat.HTML).decode("utf-8")
    images = re.findall(r'<img src="data:image/svg\+xml;base64,[^"]+" alt="([^"]*)"', page)
    assert len(images) == len(alts) and all(images)

    word = Document(io.BytesIO(render(document, FileFormat.DOCX)))
    assert [shape._inline.docPr.get("descr") for shape in word.inline_shapes] == alts
    assert word.core_properties.language == "sv-SE"

    reader = PdfReader(io.BytesIO(render(document, FileFormat.PDF)))
    catalog = reader.trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert catalog["/Lang"] == "sv"
    assert reader.metadata is not None and reader.metadata.title == document.title
    figures = _structure(catalog["/StructTreeRoot"], "/Figure")
    assert [figure["/Alt"] for figure in figures] == alts
    assert len(_structure(catalog["/StructTreeRoot"], "/Table")) > len(alts)


def _structure(node, kind: str) -> list:  # type: ignore[no-untyped-def]
    """The structure elements of one kind (e.g. /Figure) under a node of the PDF's tag tree."""
    node = node.get_object()
    found = [node] if node.get("/S") == kind else []
    kids = node.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        if hasattr(kid, "get_object") and hasattr(kid.get_object(), "get"):
            found += _structure(kid, kind)
    return found
