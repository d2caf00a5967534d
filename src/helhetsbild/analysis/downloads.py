"""An indicator's protected table as a file: CSV for any program, XLSX for Excel.

A download is an export of aggregates, so it carries exactly what the page shows after
disclosure control (a hidden number is `..`, never a number and never empty) and every one is
written to the access log. The rows are built from `cell_record`, the shape the command line and
the API give, so all three agree cell for cell.
"""

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from django.contrib.auth.models import User
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.analysis.catalogue import Aggregate, Indicator, breakdowns_of
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, TOTAL, UNDEFINED_MARK, Cell, Unit
from helhetsbild.analysis.selectors import cell_record, result_for
from helhetsbild.imports.report import spreadsheet_safe

Value = str | int | float

# The numbers each kind of indicator has; the others stay empty rather than marked hidden.
NUMBERS = {
    Aggregate.COUNT: ("value",),
    Aggregate.SHARE: ("value", "numerator", "denominator"),
    Aggregate.MEAN: ("value", "numerator", "denominator"),
    Aggregate.MEDIAN: ("value", "denominator"),
}
# Excel's number formats, with the decimals `disclosure.display` shows.
_VALUE_FORMATS = {Unit.COUNT: "#,##0", Unit.AMOUNT: "#,##0", Unit.SHARE: "0.0", Unit.MONTHS: "0.0"}
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit on the length of a sheet's name.
_SHEET_NAME_LENGTH = 31


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Download:
    file_name: str
    content_type: str
    content: bytes


def indicator_download(*, actor: User, item: Indicator, file_format: FileFormat) -> Download:
    """Every period's protected table of the indicator as a file, logged as an export."""
    rows = table_rows(item, result_for(actor, item).cells)
    if file_format == FileFormat.CSV:
        download = Download(f"{item.id}.csv", "text/csv; charset=utf-8", _csv(rows))
    else:
        download = Download(f"{item.id}.xlsx", _XLSX, _xlsx(item, rows))
    with transaction.atomic():
        access_event_record(
            actor=actor, action=events.INDICATOR_DOWNLOADED, detail=f"{item.id} ({file_format})"
        )
    return download


def headers() -> list[str]:
    return [
        _("indikator"),
        _("period"),
        _("uppdelning"),
        _("grupp"),
        _("enhet"),
        _("värde"),
        _("täljare"),
        _("nämnare"),
        _("förklaring"),
    ]


def unit_label(item: Indicator) -> str:
    """What the indicator's value is, in words: shares in percent, amounts in kronor."""
    if item.aggregate == Aggregate.SHARE:
        return _("andel, procent")
    if item.aggregate == Aggregate.COUNT:
        return _("antal")
    quantity = _("kronor") if item.unit == Unit.AMOUNT else _("månader")
    if item.aggregate == Aggregate.MEDIAN:
        return _("median, %(quantity)s") % {"quantity": quantity}
    return _("medelvärde, %(quantity)s") % {"quantity": quantity}


def table_rows(item: Indicator, cells: Sequence[Cell]) -> list[list[Value]]:
    """One row per published cell, in the columns of `headers()`."""
    parts = {part.id: part for part in breakdowns_of(item)}
    unit = unit_label(item)
    rows: list[list[Value]] = []
    for cell in cells:
        record = cell_record(cell)
        if cell.breakdown == TOTAL:
            breakdown, group = _("Totalt"), _("Totalt")
        else:
            part = parts[cell.breakdown]
            breakdown, group = part.label, part.label_of(cell.group)
        numbers = [
            _number(item, cell, record, name) for name in ("value", "numerator", "denominator")
        ]
        rows.append([item.id, cell.period, breakdown, group, unit, *numbers, _explanation(cell)])
    return rows


def _number(item: Indicator, cell: Cell, record: dict[str, object], name: str) -> Value:
    if name not in NUMBERS[item.aggregate]:
        return ""
    if cell.suppressed:
        return SUPPRESSED_MARK
    number = record[name]
    if number is None:
        return UNDEFINED_MARK
    assert isinstance(number, int | float)
    return int(number) if float(number).is_integer() else number


def _explanation(cell: Cell) -> str:
    if cell.suppressed:
        return cell.explanation
    if cell.value is None:
        return _("Gruppen är tom, så värdet kan inte beräknas.")
    return ""


def _csv(rows: list[list[Value]]) -> bytes:
    """UTF-8 with a byte-order mark and `;`, as Swedish Excel opens it; decimal commas."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow(headers())
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    return ("\ufeff" + text.getvalue()).encode("utf-8")


def _csv_text(value: Value) -> str:
    if isinstance(value, str):
        return spreadsheet_safe(value)
    return repr(value).replace(".", ",")


def _xlsx(item: Indicator, rows: list[list[Value]]) -> bytes:
    """One sheet; numbers are numbers, shown with the decimals the page shows."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = item.id[:_SHEET_NAME_LENGTH]
    sheet.append(headers())
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    value_column = headers().index(_("värde"))
    for row in rows:
        sheet.append(
            [spreadsheet_safe(value) if isinstance(value, str) else value for value in row]
        )
        value_cell = sheet.cell(row=sheet.max_row, column=value_column + 1)
        if not isinstance(value_cell.value, str):
            value_cell.number_format = _VALUE_FORMATS[item.unit]
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFGHI", (28, 8, 28, 28, 20, 10, 10, 10, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()
