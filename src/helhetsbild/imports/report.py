"""The row-level report as text and as CSV, with spreadsheet formulas neutralised."""

import csv
from collections.abc import Iterable
from typing import Protocol

from django.utils.translation import gettext as _

from helhetsbild.imports.services import ReportLine

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe (OWASP's advice)."""
    return f"'{text}" if text.startswith(FORMULA_PREFIXES) else text


def report_headers() -> list[str]:
    return [_("fil"), _("rad"), _("kolumn"), _("värde"), _("orsak")]


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def write_report_csv(handle: Writable, file_name: str, lines: Iterable[ReportLine]) -> None:
    writer = csv.writer(handle, delimiter=";")
    writer.writerow(report_headers())
    for line in lines:
        writer.writerow(
            [
                spreadsheet_safe(cell)
                for cell in (file_name, str(line.row or ""), line.column, line.value, line.reason)
            ]
        )


def format_line(file_name: str, line: ReportLine) -> str:
    where = _("rad %(row)s") % {"row": line.row} if line.row else _("filen")
    column = f", {_('kolumn')} '{line.column}'" if line.column else ""
    value = f", {_('värde')} '{line.value}'" if line.value else ""
    return f"{file_name}: {where}{column}{value}: {line.reason}"
