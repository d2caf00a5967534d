"""Checking one row of a canonical file: pure functions from text to values or Swedish reasons."""

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from helhetsbild.imports.formats import Column, Kind
from helhetsbild.register.codes import code_list
from helhetsbild.register.identity import (
    InvalidPersonnummer,
    Personnummer,
    mask,
    mask_in_text,
    parse_personnummer,
)

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
AMOUNT = re.compile(r"^\d+(?:[.,]\d{1,2})?$")
EARLIEST_DATE = dt.date(1900, 1, 1)
MAX_TEXT = 200
MAX_AMOUNT = Decimal("9999999999.99")


class InvalidValue(ValueError):
    """Carries the Swedish reason shown in the report."""


@dataclass
class Problem:
    column: str
    value: str
    reason: str


@dataclass
class CheckedRow:
    row: int
    raw: dict[str, str]
    values: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def parse_date(raw: str, today: dt.date) -> dt.date:
    if not ISO_DATE.match(raw):
        raise InvalidValue(_("är inget datum på formen ÅÅÅÅ-MM-DD"))
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        raise InvalidValue(_("är inget verkligt datum")) from None
    return _within_range(value, today)


def parse_month(raw: str, today: dt.date) -> dt.date:
    match = ISO_MONTH.match(raw)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise InvalidValue(_("är ingen månad på formen ÅÅÅÅ-MM"))
    return _within_range(dt.date(int(match.group(1)), int(match.group(2)), 1), today)


def _within_range(value: dt.date, today: dt.date) -> dt.date:
    if value > today:
        raise InvalidValue(_("ligger i framtiden"))
    if value < EARLIEST_DATE:
        raise InvalidValue(_("ligger före 1900"))
    return value


def parse_amount(raw: str) -> Decimal:
    """Kronor with at most two decimals; spaces between thousands and a decimal comma allowed.

    More decimals are an error rather than something to round away without telling anyone.
    """
    compact = raw.replace(" ", "").replace("\u00a0", "")
    if compact.startswith("-"):
        raise InvalidValue(_("är negativt"))
    if not AMOUNT.match(compact):
        raise InvalidValue(_("är inget belopp i kronor med högst två decimaler"))
    try:
        value = Decimal(compact.replace(",", "."))
    except InvalidOperation:
        raise InvalidValue(_("är inget belopp i kronor med högst två decimaler")) from None
    if value > MAX_AMOUNT:
        raise InvalidValue(_("är orimligt stort"))
    return value


def parse_code(raw: str, codes: str) -> str:
    listing = code_list(codes)
    code = listing.parse(raw)
    if code is None:
        raise InvalidValue(
            _("är inget tillåtet värde (tillåtna: %(allowed)s)") % {"allowed": listing.allowed}
        )
    return code


def parse_text(raw: str, limit: int = MAX_TEXT) -> str:
    if len(raw) > limit:
        raise InvalidValue(_("är längre än %(max)s tecken") % {"max": limit})
    return raw


def parse_cell(column: Column, raw: str, today: dt.date) -> Any:
    """The stored value of one non-empty cell, or InvalidValue with the reason."""
    if column.type == "text":
        return parse_text(raw, column.max_length or MAX_TEXT)
    if raw.startswith("="):
        raise InvalidValue(_("är en formel, inte ett värde"))
    if column.type == "personnummer":
        try:
            return parse_personnummer(raw, today=today)
        except InvalidPersonnummer as error:
            raise InvalidValue(str(error)) from None
    if column.type == "date":
        return parse_date(raw, today)
    if column.type == "month":
        return parse_month(raw, today)
    if column.type == "amount":
        return parse_amount(raw)
    if column.type == "code":
        assert column.codes is not None
        return parse_code(raw, column.codes)
    raise ValueError(f"unknown column type {column.type}")


def display_value(column: Column | None, raw: str) -> str:
    """What a report may show of a cell: personnummer masked, long text cut."""
    if column is not None and column.type == "personnummer":
        return mask(raw)
    return mask_in_text(raw)[:MAX_TEXT]


def check_row(kind: Kind, row: int, raw: dict[str, str], today: dt.date) -> CheckedRow:
    """Every cell of the row, then the cross-field rules: all problems, not just the first."""
    checked = CheckedRow(row=row, raw=raw)
    for header, text in raw.items():
        column = kind.column(header)
        if not text:
            if column.required:
                checked.problems.append(Problem(header, "", _("saknar värde men är obligatorisk")))
            continue
        try:
            checked.values[header] = parse_cell(column, text, today)
        except InvalidValue as error:
            checked.problems.append(Problem(header, display_value(column, text), str(error)))
    for first, second in kind.ordered:
        start, end = checked.values.get(first), checked.values.get(second)
        if start is not None and end is not None and end < start:
            checked.problems.append(
                Problem(
                    second,
                    raw[second],
                    _("ligger före %(first)s (%(start)s)") % {"first": first, "start": raw[first]},
                )
            )
    return checked


def natural_key(kind: Kind, values: dict[str, Any]) -> tuple[str, ...]:
    """The values that identify the record, with identities as their canonical digits."""
    parts = []
    for header in kind.key:
        value = values.get(header)
        parts.append(value.digits if isinstance(value, Personnummer) else str(value))
    return tuple(parts)
