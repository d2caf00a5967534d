"""The report document rendered as HTML (a Django template), Word (python-docx) and PDF
(WeasyPrint from the same HTML). Each takes the one `ReportDocument` and adds nothing to it.

Accessibility, as far as each tool allows (docs/reports.md says what they do not):
- HTML: headings in order, tables with captions and header cells, charts as images whose `alt`
  says what they show, with the numbers in the table after them; `lang="sv"`.
- PDF: tagged, as PDF/UA-1 (WeasyPrint's `pdf/ua-1` variant: structure tree, language, title
  shown as the window title), the charts' `alt` as the figures' alternative text.
- Word: built-in heading styles, the header row of each table marked to repeat as a header, each
  chart's description in the picture's `descr` (Word's "alternative text"), language sv-SE.
"""

import datetime as dt
import io
from typing import Final

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from helhetsbild.goals.status import Status
from helhetsbild.reports.document import (
    ActionsPart,
    GoalPart,
    IndicatorPart,
    Readiness,
    ReportDocument,
)
from helhetsbild.reports.models import FileFormat

CONTENT_TYPES: Final = {
    FileFormat.HTML: "text/html; charset=utf-8",
    FileFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileFormat.PDF: "application/pdf",
}
# The status colours of the pages, dark enough to carry the shape in print.
_STATUS_COLOURS = {
    Status.GREEN: RGBColor(0x1D, 0x6B, 0x2F),
    Status.YELLOW: RGBColor(0x7A, 0x52, 0x00),
    Status.RED: RGBColor(0xA4, 0x00, 0x1D),
    Status.NOT_ASSESSABLE: RGBColor(0x4A, 0x4A, 0x4A),
    Status.METHOD_BREAK: RGBColor(0x3B, 0x3F, 0x8F),
}
_CHART_WIDTH = Cm(16)


def render(document: ReportDocument, file_format: str) -> bytes:
    renderers = {FileFormat.HTML: html, FileFormat.DOCX: docx, FileFormat.PDF: pdf}
    return renderers[FileFormat(file_format)](document)


def html(document: ReportDocument) -> bytes:
    return _html(document).encode("utf-8")


def _html(document: ReportDocument) -> str:
    return render_to_string("reports/document.html", {"doc": document, "statuses": list(Status)})


def pdf(document: ReportDocument) -> bytes:
    """The HTML laid out by WeasyPrint as tagged PDF/UA-1. Imported here: WeasyPrint loads
    Pango on import, which only this needs."""
    from weasyprint import HTML

    content = HTML(string=_html(document)).write_pdf(pdf_variant="pdf/ua-1")
    assert content is not None
    return bytes(content)


def docx(document: ReportDocument) -> bytes:
    word = Document()
    word.core_properties.title = document.title
    word.core_properties.subject = f"{document.kind} {document.period}"
    word.core_properties.language = document.language
    word.core_properties.author = "Helhetsbild"
    _language(word, document.language)
    word.add_heading(document.title, level=0)
    word.add_paragraph(
        _("%(kind)s för %(period)s") % {"kind": document.kind, "period": document.period}
    )
    for label, text in (
        (_("Nämnd"), document.scope),
        (_("Läge"), document.state),
        (_("Underlag"), document.data_note),
    ):
        _labelled(word, label, text)
    if document.not_ready:
        word.add_paragraph(_("Avsnitt som inte är klarmarkerade:"), style="Intense Quote")
        for item in document.not_ready:
            word.add_paragraph(f"{item.title} ({item.owner})", style="List Bullet")

    word.add_heading(_("Avsnitt och klarmarkering"), level=1)
    _table(
        word,
        _("Avsnitten, vem som svarar för dem och om de är klarmarkerade"),
        (_("Avsnitt"), _("Ansvarig"), _("Klarmarkerat")),
        [(item.title, item.owner, _ready_text(item)) for item in document.readiness],
    )
    word.add_heading(_("Så räknas status"), level=1)
    word.add_paragraph(document.thresholds)
    word.add_paragraph(document.rule)
    for status in Status:
        paragraph = word.add_paragraph(style="List Bullet")
        _status_run(paragraph, status)
        paragraph.add_run(f" – {status.meaning}")
    if document.suppressed_note:
        _footnote(word, document.suppressed_note)

    for goal in document.goals:
        _goal(word, document, goal)
    _actions(word, document.actions)

    word.add_heading(_("Bilaga: indikatorernas definitioner"), level=1)
    for definition in document.appendix:
        word.add_heading(definition.title, level=2)
        for label, text in (
            (_("Definition"), definition.definition),
            (_("Källa"), definition.source),
            (_("Enhet"), definition.unit),
            (_("Riktning"), definition.direction),
            (_("Period"), definition.period),
            (_("Kolada-id"), definition.kolada),
            (_("SQL-fil"), definition.sql_file),
        ):
            _labelled(word, label, text)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _goal(word: DocxDocument, document: ReportDocument, goal: GoalPart) -> None:
    word.add_page_break()
    word.add_heading(goal.title, level=1)
    _labelled(word, _("Nivå"), goal.kind)
    _labelled(word, _("Nämnd"), goal.owner)
    if goal.responsible:
        _labelled(word, _("Ansvarig"), goal.responsible)
    if goal.serves:
        _labelled(word, _("Bidrar till"), " › ".join(goal.serves))
    if goal.description:
        word.add_paragraph(goal.description)
    paragraph = word.add_paragraph()
    paragraph.add_run(_("Status:") + " ").bold = True
    _status_run(paragraph, goal.status, from_assessment=goal.from_assessment)
    paragraph.add_run(f" {goal.explanation}")
    for part in goal.indicators:
        _indicator(word, document, part)

    word.add_heading(_("Analys och bedömning"), level=2)
    if goal.assessment is None:
        word.add_paragraph(
            _("Den ansvarige har inte lämnat någon bedömning eller analys för året.")
        )
    else:
        assessment = goal.assessment
        paragraph = word.add_paragraph()
        paragraph.add_run(_("Bedömning:") + " ").bold = True
        paragraph.add_run(
            f"{assessment.fulfilment} ({assessment.by}, {timezone.localdate(assessment.at)})"
        )
        word.add_paragraph(assessment.analysis)
        if assessment.comment:
            _labelled(word, _("Kommentar"), assessment.comment)
    if goal.activities:
        word.add_heading(_("Aktiviteter"), level=2)
        table = _table(
            word,
            _("Aktiviteter för %(title)s") % {"title": goal.title},
            (_("Aktivitet"), _("Status"), _("Förklaring och analys")),
            [(a.title, "", f"{a.explanation} {a.analysis}".strip()) for a in goal.activities],
        )
        for row, activity in zip(table.rows[1:], goal.activities, strict=True):
            _status_run(row.cells[1].paragraphs[0], activity.status, activity.from_assessment)
    word.add_paragraph(_section_state(goal.readiness), style="Quote")


def _indicator(word: DocxDocument, document: ReportDocument, part: IndicatorPart) -> None:
    word.add_heading(part.title, level=2)
    word.add_paragraph(f"{part.source}, {part.unit}")
    table = _table(
        word,
        _("Utfall mot målvärde %(year)s: %(title)s") % {"year": document.year, "title": part.title},
        (_("Grupp"), _("Utfall"), _("Målvärde"), _("Status")),
        [
            (line.label, line.value.text, line.target, "" if line.status else _("Inget eget mål"))
            for line in part.groups
        ],
        numbers=(1, 2),
    )
    for row, line in zip(table.rows[1:], part.groups, strict=True):
        if line.status:
            _status_run(row.cells[3].paragraphs[0], line.status)
    paragraph = word.add_paragraph()
    paragraph.add_run(_("Status:") + " ").bold = True
    _status_run(paragraph, part.status)
    paragraph.add_run(f" {part.explanation}")
    if part.chart is not None:
        word.add_picture(io.BytesIO(part.chart.png), width=_CHART_WIDTH)
        picture = word.inline_shapes[-1]
        picture._inline.docPr.set("descr", part.chart.alt)
        picture._inline.docPr.set("title", part.title)
        word.add_paragraph(
            _("Utvecklingen av %(title)s, totalt och efter kön.") % {"title": part.title},
            style="Caption",
        )
    else:
        word.add_paragraph(part.chart_note)
    if part.table.rows:
        _table(
            word,
            part.table.caption,
            part.table.headings,
            [(period, *(v.text for v in values)) for period, values in part.table.rows],
            numbers=tuple(range(1, len(part.table.headings))),
        )
        if part.table.has_suppressed:
            _footnote(word, document.suppressed_note)


def _actions(word: DocxDocument, actions: ActionsPart) -> None:
    word.add_page_break()
    word.add_heading(_("Åtgärder efter granskningar"), level=1)
    word.add_paragraph(f"{actions.summary}.")
    if actions.rows:
        _table(
            word,
            _("Åtgärder med ansvarig, tidsplan och status"),
            (
                _("Granskning och rekommendation"),
                _("Åtgärd"),
                _("Ansvarig"),
                _("Tidsplan"),
                _("Nämnd"),
                _("Status"),
            ),
            [
                (
                    f"{row.audit}: {row.recommendation}",
                    row.action,
                    row.responsible,
                    row.timetable,
                    row.committee,
                    row.status_label + (" – " + _("Försenad") if row.overdue else ""),
                )
                for row in actions.rows
            ],
            font_size=Pt(8),
        )
    else:
        word.add_paragraph(_("Inga åtgärder är registrerade."))
    word.add_paragraph(_section_state(actions.readiness), style="Quote")


def _table(
    word: DocxDocument,
    caption: str,
    headings: tuple[str, ...],
    rows: list[tuple[str, ...]],
    *,
    numbers: tuple[int, ...] = (),
    font_size: Pt | None = None,
) -> Table:
    """A table with its caption before it (and as the table's title for screen readers) and a
    header row that repeats on every page and that screen readers announce as the header."""
    word.add_paragraph(caption, style="Caption")
    table = word.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    title = OxmlElement("w:tblCaption")  # Word's "alternative text" title of the table
    title.set(qn("w:val"), caption)
    table._tbl.tblPr.append(title)
    for cell, text in zip(table.rows[0].cells, headings, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for values in rows:
        cells = table.add_row().cells
        for index, (cell, text) in enumerate(zip(cells, values, strict=True)):
            cell.text = text
            if index in numbers:
                cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
            if font_size is not None:
                for run in cell.paragraphs[0].runs:
                    run.font.size = font_size
    return table


def _status_run(paragraph: Paragraph, status: Status, from_assessment: bool = False) -> None:
    """A status as the pages show it: shape, word and colour, never colour alone."""
    run = paragraph.add_run(f"{status.shape} {status.label}")
    run.bold = True
    run.font.color.rgb = _STATUS_COLOURS[status]
    if from_assessment:
        paragraph.add_run(" " + _("(enligt bedömning)"))


def _labelled(word: DocxDocument, label: str, text: str) -> None:
    paragraph = word.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(text)


def _footnote(word: DocxDocument, text: str) -> None:
    paragraph = word.add_paragraph()
    paragraph.add_run("..  ").bold = True
    paragraph.add_run(text).font.size = Pt(9)


def _ready_text(item: Readiness) -> str:
    if not item.ready or item.at is None:
        return _("Inte klart")
    return _("Klart, %(who)s %(when)s") % {"who": item.by, "when": _when(item.at)}


def _section_state(item: Readiness) -> str:
    if not item.ready or item.at is None:
        return _("Avsnittet är inte klarmarkerat.")
    return _("Avsnittet klarmarkerades av %(who)s %(when)s.") % {
        "who": item.by,
        "when": _when(item.at),
    }


def _when(moment: dt.datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _language(word: DocxDocument, language: str) -> None:
    """Word reads the language of the text (spelling, and the voice of a screen reader) from the
    default run properties of the styles."""
    defaults = word.styles.element.find(qn("w:docDefaults"))
    assert defaults is not None
    run_properties = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
    assert run_properties is not None
    lang = run_properties.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_properties.append(lang)
    lang.set(qn("w:val"), language)
