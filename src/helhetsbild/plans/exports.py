"""The committee's answer to the auditors as the table they expect, in Word and Excel:
recommendation, action, responsible, timetable, committee and status. The status is written out
in words and its cell coloured red, yellow or green, as in the answers committees send today."""

import datetime as dt
import io

from django.utils.translation import gettext as _
from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell, _Row
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from helhetsbild.plans.models import Audit, Status
from helhetsbild.plans.selectors import AnswerRow

# Fill and text colour per status: dark text on light fills, so each reads at 4.5:1 or better.
COLOURS = {
    Status.NOT_STARTED: ("F4B6B6", "000000"),
    Status.STARTED: ("FFE699", "000000"),
    Status.DONE: ("B7DEB8", "000000"),
}


def headers() -> list[str]:
    return [
        _("Rekommendation"),
        _("Åtgärd"),
        _("Ansvarig"),
        _("Tidsplan"),
        _("Ansvarig nämnd"),
        _("Status"),
    ]


def _cells(row: AnswerRow) -> list[str]:
    return [
        row.recommendation,
        row.action,
        row.responsible,
        row.timetable,
        row.committee,
        row.status_label,
    ]


def _heading(audit: Audit, as_of: dt.date) -> tuple[str, str]:
    title = _("Åtgärder med anledning av granskningen: %(title)s") % {"title": audit.title}
    note = _(
        "Status per %(date)s: röd – arbetet ej påbörjat, gul – arbetet påbörjat, grön – arbetet "
        "klart."
    ) % {"date": as_of.isoformat()}
    return title, note


def answer_docx(audit: Audit, rows: list[AnswerRow], as_of: dt.date) -> bytes:
    document = Document()
    document.core_properties.title = audit.title
    document.core_properties.language = "sv-SE"
    title, note = _heading(audit, as_of)
    document.add_heading(title, level=1)
    document.add_paragraph(note)
    table = document.add_table(rows=1, cols=6)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers(), strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    _repeat_as_header(table.rows[0])
    first_of_recommendation: _Cell | None = None
    previous_position: int | None = None
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, _cells(row), strict=True):
            cell.text = text
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
        if row.status:
            _shade(cells[5], COLOURS[Status(row.status)][0])
        if previous_position == row.recommendation_position and first_of_recommendation:
            merged = first_of_recommendation.merge(cells[0])
            merged.text = row.recommendation
            first_of_recommendation = merged
        else:
            first_of_recommendation = cells[0]
        previous_position = row.recommendation_position
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _repeat_as_header(row: _Row) -> None:
    """The header row repeats on every page, and screen readers know it as the header."""
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def answer_xlsx(audit: Audit, rows: list[AnswerRow], as_of: dt.date) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Åtgärder")
    title, note = _heading(audit, as_of)
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([note])
    sheet.append(headers())
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(_cells(row))
        if row.status:
            fill, _text = COLOURS[Status(row.status)]
            sheet.cell(row=sheet.max_row, column=6).fill = PatternFill(
                "solid", start_color=fill, end_color=fill
            )
    for letter, width in zip("ABCDEF", (50, 50, 25, 22, 14, 14), strict=True):
        sheet.column_dimensions[letter].width = width
    for line in sheet.iter_rows(min_row=4):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
