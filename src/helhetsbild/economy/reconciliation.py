"""Reconciliation: Migrationsverket's payment specifications read through a mapping defined as
data (`payment_mapping.toml`), and matched against the expected compensation per person, type
and month.

Reading is strict and all-or-nothing: every problem is collected with file, row, column and
value, and one problem means nothing is saved. Matching is a pure function on plain values.
"""

import datetime as dt
import re
import tomllib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhetsbild.economy.compensation import month_end, month_number, month_start
from helhetsbild.imports.formats import Column, Kind
from helhetsbild.imports.reader import SourceFile, normalise_header, open_rows
from helhetsbild.register.identity import (
    InvalidPersonnummer,
    Personnummer,
    mask,
    mask_in_text,
    parse_personnummer,
)

MAPPING_FILE = Path(__file__).with_name("payment_mapping.toml")
MAX_ERRORS = 50

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*(?:/|–|—|-{1,2}|till)\s*(\d{4}-\d{2}-\d{2})$")
_AMOUNT = re.compile(r"^([-−]?)(\d+)(?:[.,](\d{1,2}))?$")


class PaymentFileError(Exception):
    """The file cannot be imported; `problems` are Swedish lines naming row, column and value."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Mapping:
    columns: dict[str, tuple[str, ...]]  # field → accepted headers
    types: dict[str, str]  # Migrationsverket's name, casefolded → type code
    due_months: dict[str, int]  # type code → months after its month the payment is due

    @property
    def kind(self) -> Kind:
        """The shape the shared reader needs to detect the delimiter and pick the sheet."""
        return Kind(
            name="utbetalningar",
            label=str(_("Migrationsverkets utbetalningar")),
            model_label="economy.Payment",
            key=(),
            columns=tuple(
                Column(header=header, field=name, type="text")
                for name, headers in self.columns.items()
                for header in headers
            ),
            ordered=(),
        )


FIELDS = ("person", "type", "period", "amount", "paid_on")


@cache
def mapping(path: Path = MAPPING_FILE) -> Mapping:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    columns = {name: tuple(data["columns"][name]) for name in FIELDS}
    return Mapping(
        columns=columns,
        types={name.casefold(): code for name, code in data["types"].items()},
        due_months=dict(data["due_months"]),
    )


class PaymentLine(NamedTuple):
    row: int
    number: Personnummer
    type_code: str
    first: dt.date
    last: dt.date
    amount: int
    paid_on: dt.date


def read_payments(
    source: SourceFile, known_types: Iterable[str], table: Mapping | None = None
) -> list[PaymentLine]:
    """Every row of the file, or PaymentFileError listing every problem found."""
    table = table or mapping()
    codes = set(known_types)
    stream = open_rows(source, table.kind)
    found = {normalise_header(header): index for index, header in enumerate(stream.header)}
    where: dict[str, tuple[int, str]] = {}
    problems: list[str] = []
    for name in FIELDS:
        header = next((h for h in table.columns[name] if normalise_header(h) in found), None)
        if header is None:
            problems.append(
                _("%(file)s: kolumnen %(column)s saknas i rubrikraden.")
                % {"file": source.name, "column": _(" eller ").join(table.columns[name])}
            )
        else:
            index = found[normalise_header(header)]
            where[name] = (index, stream.header[index].strip())
    if problems:
        raise PaymentFileError(problems + _unknown_columns(source.name, stream.header, table))
    lines = []
    for row, cells in stream.rows:
        values = {
            name: (cells[index].strip() if index < len(cells) else "", header)
            for name, (index, header) in where.items()
        }
        line = _line(source.name, row, values, table, codes, problems)
        if line is not None:
            lines.append(line)
        if len(problems) >= MAX_ERRORS:
            break
    if problems:
        raise PaymentFileError(problems)
    if not lines:
        raise PaymentFileError([_("%(file)s: filen har inga rader.") % {"file": source.name}])
    return lines


def _unknown_columns(file: str, header: list[str], table: Mapping) -> list[str]:
    """The headers the mapping does not know: where a column is missing, one of these is
    usually it under another name. Extra columns are otherwise allowed and ignored."""
    known = {normalise_header(h) for headers in table.columns.values() for h in headers}
    unknown = [
        cell.strip() for cell in header if cell.strip() and normalise_header(cell) not in known
    ]
    if not unknown:
        return []
    return [
        _("%(file)s: rubrikraden har kolumner som inte känns igen: %(columns)s.")
        % {"file": file, "columns": ", ".join(unknown)}
    ]


def _line(
    file: str,
    row: int,
    values: dict[str, tuple[str, str]],
    table: Mapping,
    codes: set[str],
    problems: list[str],
) -> PaymentLine | None:
    before = len(problems)

    def problem(name: str, text: str) -> None:
        value, header = values[name]
        # The page shows the message to whoever uploads: no personnummer, even a mistyped one.
        value = mask(value) if name == "person" else mask_in_text(value)
        problems.append(
            _("%(file)s, rad %(row)d, kolumnen %(column)s, värdet '%(value)s': %(problem)s")
            % {"file": file, "row": row, "column": header, "value": value, "problem": text}
        )

    number = None
    try:
        number = parse_personnummer(values["person"][0])
    except InvalidPersonnummer as error:
        problem("person", str(error))
    code = table.types.get(values["type"][0].casefold())
    if code is None or code not in codes:
        problem(
            "type",
            _("okänd ersättningstyp; kända är %(names)s")
            % {"names": ", ".join(sorted(table.types))},
        )
    period = _period(values["period"][0])
    if period is None:
        problem("period", _("ska vara ÅÅÅÅ-MM eller ÅÅÅÅ-MM-DD/ÅÅÅÅ-MM-DD"))
    amount = _amount(values["amount"][0])
    if amount is None:
        problem("amount", _("ska vara ett belopp i hela kronor, till exempel 6875 eller 6 875,00"))
    paid_on = _date(values["paid_on"][0])
    if paid_on is None:
        problem("paid_on", _("ska vara ett datum, ÅÅÅÅ-MM-DD"))
    if len(problems) > before:
        return None
    assert number and code and period and amount is not None and paid_on
    return PaymentLine(row, number, code, period[0], period[1], amount, paid_on)


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text[:10]) if len(text) in (10, 19) else None
    except ValueError:
        return None


def _period(text: str) -> tuple[dt.date, dt.date] | None:
    month = _MONTH.match(text)
    if month:
        if not 1 <= int(month.group(2)) <= 12:
            return None
        first = dt.date(int(month.group(1)), int(month.group(2)), 1)
        return first, month_end(month_number(first))
    span = _RANGE.match(text)
    if span:
        start, end = _date(span.group(1)), _date(span.group(2))
        if start and end and start <= end:
            return start, end
    return None


def _amount(text: str) -> int | None:
    """Whole kronor; öre other than 00 are refused rather than rounded away."""
    match = _AMOUNT.match(re.sub(r"[\s\u00a0]|kr$", "", text))
    if match is None or (match.group(3) and int(match.group(3)) != 0):
        return None
    value = int(match.group(2))
    return -value if match.group(1) else value


class Status(StrEnum):
    MATCHED = "matched"
    PARTIAL = "partial"
    OVERPAID = "overpaid"
    LATE = "late"
    MISSING = "missing"
    UNEXPECTED = "unexpected"
    UNKNOWN = "unknown"


STATUS_LABELS = {
    Status.MATCHED: gettext_lazy("stämmer"),
    Status.PARTIAL: gettext_lazy("delvis betald"),
    Status.OVERPAID: gettext_lazy("mer än väntat"),
    Status.LATE: gettext_lazy("betald sent"),
    Status.MISSING: gettext_lazy("väntad men inte mottagen"),
    Status.UNEXPECTED: gettext_lazy("mottagen men inte väntad"),
    Status.UNKNOWN: gettext_lazy("väntat belopp okänt"),
}


class ExpectedAmount(NamedTuple):
    person: str  # pseudonym
    type_code: str
    month: dt.date
    amount: int | None


class Received(NamedTuple):
    person: str
    type_code: str
    first: dt.date
    last: dt.date
    amount: int
    paid_on: dt.date


class Line(NamedTuple):
    person: str
    type_code: str
    month: dt.date  # the first month of the period
    expected: int | None
    received: int
    paid_on: dt.date | None
    status: Status


def due_date(month: dt.date, type_code: str, table: Mapping) -> dt.date:
    """The last day the payment for `month` is expected: the month's end, plus the type's
    months of delay from the mapping (0 where it says nothing)."""
    return month_end(month_number(month) + table.due_months.get(type_code, 0))


def reconcile(
    expected: Iterable[ExpectedAmount],
    received: Iterable[Received],
    today: dt.date,
    table: Mapping | None = None,
) -> list[Line]:
    """Payments against expected amounts per person, type and month. A payment for several
    months is set against the sum expected over them, under its first month. An expected amount
    that is not yet due is left out until its due date has passed."""
    table = table or mapping()
    wanted: dict[tuple[str, str, dt.date], list[int | None]] = defaultdict(list)
    for row in expected:
        wanted[(row.person, row.type_code, row.month)].append(row.amount)
    paid: dict[tuple[str, str, dt.date], list[Received]] = defaultdict(list)
    months_paid: set[tuple[str, str, dt.date]] = set()
    for payment in received:
        first = month_start(month_number(payment.first))
        paid[(payment.person, payment.type_code, first)].append(payment)
        for number in range(month_number(payment.first), month_number(payment.last) + 1):
            months_paid.add((payment.person, payment.type_code, month_start(number)))
    lines = []
    for key, payments in paid.items():
        person, code, first = key
        last = max(p.last for p in payments)
        amounts = [
            amount
            for number in range(month_number(first), month_number(last) + 1)
            for amount in wanted.get((person, code, month_start(number)), [])
        ]
        total = sum(p.amount for p in payments)
        paid_on = max(p.paid_on for p in payments)
        lines.append(
            Line(
                person,
                code,
                first,
                _known(amounts),
                total,
                paid_on,
                _status(
                    amounts, total, paid_on, due_date(month_start(month_number(last)), code, table)
                ),
            )
        )
    for key, amounts in wanted.items():
        person, code, month = key
        if key in months_paid or due_date(month, code, table) >= today:
            continue
        status = Status.UNKNOWN if None in amounts else Status.MISSING
        if status == Status.MISSING and _known(amounts) == 0:
            continue
        lines.append(Line(person, code, month, _known(amounts), 0, None, status))
    return sorted(lines, key=lambda line: (line.month, line.type_code, line.person))


def _known(amounts: list[int | None]) -> int | None:
    if not amounts or None in amounts:
        return None
    return sum(a for a in amounts if a is not None)


def _status(amounts: list[int | None], total: int, paid_on: dt.date, due: dt.date) -> Status:
    if not amounts:
        return Status.UNEXPECTED
    expected = _known(amounts)
    if expected is None:
        return Status.UNKNOWN
    if total < expected:
        return Status.PARTIAL
    if total > expected:
        return Status.OVERPAID
    return Status.LATE if paid_on > due else Status.MATCHED


class MonthSummary(NamedTuple):
    month: dt.date
    type_code: str
    expected: int | None  # None: some expected amount is unknown
    received: int
    counts: dict[Status, int]


def monthly_summary(lines: Iterable[Line]) -> list[MonthSummary]:
    """Per month and type: expected and received, and how many lines of each status."""
    groups: dict[tuple[dt.date, str], list[Line]] = defaultdict(list)
    for line in lines:
        groups[(line.month, line.type_code)].append(line)
    summary = []
    for (month, code), group in sorted(groups.items()):
        counts: dict[Status, int] = defaultdict(int)
        for line in group:
            counts[line.status] += 1
        expected = [line.expected for line in group if line.status != Status.UNEXPECTED]
        summary.append(
            MonthSummary(
                month,
                code,
                _known(expected) if expected else 0,
                sum(line.received for line in group),
                dict(counts),
            )
        )
    return summary
