"""The state compensation rules as data: the TOML files in `rules/`, one per regulation area.

A `[[type]]` entry is one compensation: what starts it, how long it runs, how its amount is
worked out, whether it is paid without application or must be claimed and by when, and which
persons it is for. A `[[rate]]` entry gives the amount of one type for one span of dates (the
reception date, or the day for daily amounts), one age band and optionally some settlement
forms. Amounts live only in these files, so that a new year's rates are a data change an
administrator makes without code (docs/compensation.md). An amount nobody has found is written
`unknown = "why"`, never as a number, and every output shows it as unknown.

Everything is checked when the files are read; an error names the file, the line of the entry
and the field, because the person who reads it is editing a text file, not Python.
"""

import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhetsbild.register.codes import code_list

RULES_FOLDER = Path(__file__).with_name("rules")

_CODE = re.compile(r"^[a-z][a-z0-9_]*$")
_RATE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class Calculation(StrEnum):
    """How a type's amount becomes expected money: each value has one function in
    `compensation.py`, so a new type that works like an existing one needs no code."""

    INSTALMENTS = "instalments"
    ONE_OFF = "one_off"
    PER_DAY = "per_day"
    CLAIM = "claim"


class Unit(StrEnum):
    PER_PERSON = "kronor_per_person"
    PER_DAY = "kronor_per_day"
    ACTUAL_COST = "actual_cost"


class Event(StrEnum):
    """The event that starts a type's period."""

    RECEPTION = "reception"
    PLACEMENT = "placement"
    COST_PERIOD = "cost_period"


class AgeAt(StrEnum):
    """The day on which the person's age picks the rate row."""

    RECEPTION = "reception"
    END_OF_PREVIOUS_MONTH = "end_of_previous_month"
    DAY = "day"


class Payment(StrEnum):
    AUTOMATIC = "automatic"
    APPLICATION = "application"


class DeadlineStart(StrEnum):
    RECEPTION = "reception"
    END_OF_QUARTER = "end_of_quarter"
    END_OF_PERIOD = "end_of_period"


LABELS = {
    Calculation.INSTALMENTS: gettext_lazy("delbelopp per månad under perioden"),
    Calculation.ONE_OFF: gettext_lazy("engångsbelopp"),
    Calculation.PER_DAY: gettext_lazy("belopp per dygn"),
    Calculation.CLAIM: gettext_lazy("söks i efterhand"),
    Unit.PER_PERSON: gettext_lazy("kronor per person"),
    Unit.PER_DAY: gettext_lazy("kronor per dygn"),
    Unit.ACTUAL_COST: gettext_lazy("faktisk kostnad"),
    Event.RECEPTION: gettext_lazy("mottagningsdatum (folkbokföring i kommunen)"),
    Event.PLACEMENT: gettext_lazy("placeringsdygn"),
    Event.COST_PERIOD: gettext_lazy("den period ansökan gäller"),
    AgeAt.RECEPTION: gettext_lazy("åldern vid mottagningsdatum"),
    AgeAt.END_OF_PREVIOUS_MONTH: gettext_lazy("åldern vid utgången av månaden före utbetalningen"),
    AgeAt.DAY: gettext_lazy("åldern det dygnet"),
    Payment.AUTOMATIC: gettext_lazy("utan ansökan"),
    Payment.APPLICATION: gettext_lazy("efter ansökan"),
    DeadlineStart.RECEPTION: gettext_lazy("mottagningsdatum"),
    DeadlineStart.END_OF_QUARTER: gettext_lazy("utgången av det kvartal ansökan gäller"),
    DeadlineStart.END_OF_PERIOD: gettext_lazy("utgången av den period ansökan gäller"),
}

# Which units, age days and payments each calculation allows.
_UNITS = {
    Calculation.INSTALMENTS: {Unit.PER_PERSON},
    Calculation.ONE_OFF: {Unit.PER_PERSON},
    Calculation.PER_DAY: {Unit.PER_DAY},
    Calculation.CLAIM: set(Unit),
}
_AGE_DAYS = {
    Calculation.INSTALMENTS: {AgeAt.RECEPTION, AgeAt.END_OF_PREVIOUS_MONTH},
    Calculation.ONE_OFF: {AgeAt.RECEPTION},
    Calculation.PER_DAY: {AgeAt.DAY},
    Calculation.CLAIM: set(AgeAt),
}


@dataclass(frozen=True)
class Deadline:
    months: int
    counted_from: DeadlineStart


# Types and rates are equal only to themselves: a book holds each once, and identity hashing
# keeps the per-person computation's lookups cheap.
@dataclass(frozen=True, eq=False)
class CompensationType:
    code: str
    name: str
    regulation: str
    calculation: Calculation
    unit: Unit
    starts_with: Event
    applies_from: dt.date  # reception dates (or days) before this fall under older rules
    period_months: int | None
    age_at: AgeAt
    payment: Payment
    payment_pattern: str
    assumption: str | None
    deadline: Deadline | None
    permit_grounds: frozenset[str] | None  # None: any ground
    unaccompanied: bool | None  # None: whether or not
    source: str
    checked: dt.date
    inferred: str | None
    location: str

    @property
    def computed(self) -> bool:
        """Claims are applied for later; only automatic compensation is expected here."""
        return self.calculation != Calculation.CLAIM


@dataclass(frozen=True, eq=False)
class Rate:
    id: str
    type: str
    valid_from: dt.date
    valid_to: dt.date | None
    age_min: int
    age_max: int | None
    settlement_forms: frozenset[str] | None  # None: every form
    amount: int | None
    unknown: str | None  # why the amount is not known; set exactly when amount is None
    source: str
    checked: dt.date
    inferred: str | None
    location: str

    def covers(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def fits_age(self, age: int) -> bool:
        return self.age_min <= age and (self.age_max is None or age <= self.age_max)

    def fits_form(self, form: str) -> bool:
        return self.settlement_forms is None or form in self.settlement_forms


@dataclass(frozen=True)
class RuleBook:
    types: tuple[CompensationType, ...]
    rates: tuple[Rate, ...]
    _by_type: dict[str, tuple[Rate, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_type = {kind.code: tuple(r for r in self.rates if r.type == kind.code) for kind in self}
        object.__setattr__(self, "_by_type", by_type)

    def __iter__(self) -> Iterator[CompensationType]:
        return iter(self.types)

    def rates_of(self, kind: CompensationType) -> tuple[Rate, ...]:
        """The type's rates in date order."""
        return self._by_type[kind.code]


class RulesError(Exception):
    """A rule file is wrong; the Swedish message names the file, the line and the field."""


def rules(folder: Path = RULES_FOLDER) -> RuleBook:
    """Every rule file of the folder, checked. Read again only when a file is added, removed
    or changed, so that a year an administrator adds counts from the next page or command."""
    files = tuple(sorted(folder.glob("*.toml")))
    if not files:
        raise RulesError(_("Mappen %(folder)s har inga regelfiler.") % {"folder": folder})
    return _read(tuple((path, path.stat().st_mtime_ns, path.stat().st_size) for path in files))


@lru_cache(maxsize=4)
def _read(files: tuple[tuple[Path, int, int], ...]) -> RuleBook:
    types: list[CompensationType] = []
    rates: list[Rate] = []
    for path, _changed, _size in files:
        found_types, found_rates = _read_file(path)
        types += found_types
        rates += found_rates
    _check_unique(types, rates)
    by_code = {kind.code: kind for kind in types}
    for rate in rates:
        _check_rate_type(rate, by_code)
    ordered = tuple(sorted(rates, key=lambda r: (r.type, r.valid_from, r.age_min, r.id)))
    _check_overlaps(ordered)
    # Automatic compensation first, claims last, whatever the files are called.
    order = list(Calculation)
    ordered_types = tuple(sorted(types, key=lambda kind: order.index(kind.calculation)))
    return RuleBook(types=ordered_types, rates=ordered)


def read_rule_file(path: Path, sections: tuple[str, ...]) -> tuple[str, dict[str, Any]]:
    """A rule file's text and its TOML, which may hold only the named tables of tables: a
    misspelt section would otherwise be silently ignored."""
    text = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise RulesError(
            _("%(file)s: filen är inte giltig TOML: %(error)s")
            % {"file": path.name, "error": error}
        ) from None
    unexpected = sorted(set(data) - set(sections))
    if unexpected:
        raise RulesError(
            _("%(file)s: okänt avsnitt %(name)s; filen får bara ha %(sections)s.")
            % {
                "file": path.name,
                "name": unexpected[0],
                "sections": _(" och ").join(f"[[{name}]]" for name in sections),
            }
        )
    return text, data


def _read_file(path: Path) -> tuple[list[CompensationType], list[Rate]]:
    text, data = read_rule_file(path, ("type", "rate"))
    return (
        [_type(entry) for entry in _entries(path, text, data, "type")],
        [_rate(entry) for entry in _entries(path, text, data, "rate")],
    )


def _entries(path: Path, text: str, data: dict[str, object], kind: str) -> list["_Entry"]:
    raw = data.get(kind, [])
    if not isinstance(raw, list):
        raise RulesError(
            _("%(file)s: %(kind)s ska skrivas som [[%(kind)s]].")
            % {"file": path.name, "kind": kind}
        )
    header = re.compile(rf"^\s*\[\[\s*{kind}\s*\]\]")
    lines = [n for n, line in enumerate(text.splitlines(), start=1) if header.match(line)]
    return [
        _Entry(item, path.name, lines[i] if i < len(lines) else 0, kind, i + 1)
        for i, item in enumerate(raw)
    ]


class _Entry:
    """One `[[type]]` or `[[rate]]` table: typed reads of its fields, and errors that say where."""

    def __init__(
        self, raw: object, file: str, line: int, kind: str, number: int, prefix: str = ""
    ) -> None:
        self.file, self.line, self.kind, self.number, self.prefix = file, line, kind, number, prefix
        self.location = f"{file}:{line}"
        if not isinstance(raw, dict):
            raise self.error(kind, _("ska vara en tabell"))
        self.raw: dict[str, object] = raw
        self.read: set[str] = set()

    def error(self, name: str, problem: str) -> RulesError:
        return RulesError(
            _("%(file)s, rad %(line)d ([[%(kind)s]] nr %(number)d), fältet %(field)s: %(problem)s")
            % {
                "file": self.file,
                "line": self.line,
                "kind": self.kind,
                "number": self.number,
                "field": self.prefix + name,
                "problem": problem,
            }
        )

    def value(self, name: str, required: bool) -> object:
        self.read.add(name)
        value = self.raw.get(name)
        if value is None and required:
            raise self.error(name, _("saknas"))
        return value

    def text(self, name: str, required: bool = True) -> str | None:
        value = self.value(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise self.error(name, _("ska vara en text inom citattecken"))
        return " ".join(value.split())

    def identifier(self, name: str, pattern: re.Pattern[str]) -> str:
        value = self.text(name)
        assert value is not None
        if not pattern.match(value):
            raise self.error(name, _("får bara ha små bokstäver a–z, siffror, - och _"))
        return value

    def date(self, name: str, required: bool = True) -> dt.date | None:
        value = self.value(name, required)
        if value is None:
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.error(name, _("ska vara ett datum utan citattecken, ÅÅÅÅ-MM-DD"))
        return value

    def integer(self, name: str, required: bool = False) -> int | None:
        value = self.value(name, required)
        if value is None:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise self.error(name, _("ska vara ett heltal, 0 eller större, utan citattecken"))
        return value

    def boolean(self, name: str) -> bool | None:
        value = self.value(name, False)
        if value is not None and not isinstance(value, bool):
            raise self.error(name, _("ska vara true eller false"))
        return value

    def choice(self, name: str, allowed: type["_Choice"]) -> "_Choice":
        value = _required(self.text(name))
        try:
            return allowed(value)
        except ValueError:
            raise self.error(name, _one_of(value, [str(item) for item in allowed])) from None

    def codes(self, name: str, code_list_name: str) -> frozenset[str] | None:
        value = self.value(name, False)
        if value is None:
            return None
        known = list(code_list(code_list_name).labels)
        if not isinstance(value, list) or not value:
            raise self.error(
                name,
                _("ska vara en lista med koder, till exempel %(example)s")
                % {"example": f'["{known[0]}"]'},
            )
        for code in value:
            if code not in known:
                raise self.error(name, _one_of(str(code), known))
        return frozenset(value)

    def table(self, name: str) -> "_Entry | None":
        value = self.value(name, False)
        if value is None:
            return None
        return _Entry(value, self.file, self.line, self.kind, self.number, prefix=f"{name}.")

    def finish(self) -> None:
        unknown = sorted(set(self.raw) - self.read)
        if unknown:
            raise self.error(unknown[0], _("okänt fält"))


_Choice = TypeVar("_Choice", Calculation, Unit, Event, AgeAt, Payment, DeadlineStart)


def _one_of(value: str | None, allowed: Iterable[str]) -> str:
    return _("okänt värde %(value)s; tillåtna är %(allowed)s") % {
        "value": repr(None if value is None else str(value)),
        "allowed": ", ".join(sorted(str(item) for item in allowed)),
    }


def _type(entry: _Entry) -> CompensationType:
    calculation = entry.choice("calculation", Calculation)
    unit = entry.choice("unit", Unit)
    if unit not in _UNITS[calculation]:
        raise entry.error("unit", _one_of(unit, _UNITS[calculation]))
    age_at = entry.choice("age_at", AgeAt)
    if age_at not in _AGE_DAYS[calculation]:
        raise entry.error("age_at", _one_of(age_at, _AGE_DAYS[calculation]))
    period = entry.integer("period_months", required=calculation == Calculation.INSTALMENTS)
    if period is not None and calculation != Calculation.INSTALMENTS:
        raise entry.error("period_months", _('gäller bara calculation = "instalments"'))
    if period == 0:
        raise entry.error("period_months", _("ska vara minst 1"))
    payment = entry.choice("payment", Payment)
    if calculation == Calculation.CLAIM and payment != Payment.APPLICATION:
        raise entry.error("payment", _('det som söks i efterhand har payment = "application"'))
    deadline = _deadline(entry, payment)
    kind = CompensationType(
        code=entry.identifier("code", _CODE),
        name=_required(entry.text("name")),
        regulation=_required(entry.text("regulation")),
        calculation=calculation,
        unit=unit,
        starts_with=entry.choice("starts_with", Event),
        applies_from=_required(entry.date("applies_from")),
        period_months=period,
        age_at=age_at,
        payment=payment,
        payment_pattern=_required(entry.text("payment_pattern")),
        assumption=entry.text("assumption", required=False),
        deadline=deadline,
        permit_grounds=entry.codes("permit_grounds", "permit_ground"),
        unaccompanied=entry.boolean("unaccompanied"),
        source=_required(entry.text("source")),
        checked=_required(entry.date("checked")),
        inferred=entry.text("inferred", required=False),
        location=entry.location,
    )
    entry.finish()
    return kind


def _deadline(entry: _Entry, payment: Payment) -> Deadline | None:
    table = entry.table("deadline")
    if payment == Payment.AUTOMATIC:
        if table is not None:
            raise entry.error("deadline", _("det som betalas utan ansökan har ingen tidsfrist"))
        return None
    if table is None:
        raise entry.error("deadline", _("saknas; det som söks har en tidsfrist"))
    months = _required(table.integer("months", required=True))
    if months == 0:
        raise table.error("months", _("ska vara minst 1"))
    deadline = Deadline(months=months, counted_from=table.choice("counted_from", DeadlineStart))
    table.finish()
    return deadline


def _rate(entry: _Entry) -> Rate:
    valid_from = _required(entry.date("from"))
    valid_to = entry.date("to", required=False)
    if valid_to is not None and valid_to < valid_from:
        raise entry.error("to", _("ligger före from"))
    age_min = entry.integer("age_min") or 0
    age_max = entry.integer("age_max")
    if age_max is not None and age_max < age_min:
        raise entry.error("age_max", _("är lägre än age_min"))
    amount = entry.integer("amount")
    unknown = entry.text("unknown", required=False)
    if (amount is None) == (unknown is None):
        raise entry.error(
            "amount",
            _("ange antingen amount (beloppet i hela kronor) eller unknown (varför det är okänt)"),
        )
    rate = Rate(
        id=entry.identifier("id", _RATE_ID),
        type=_required(entry.text("type")),
        valid_from=valid_from,
        valid_to=valid_to,
        age_min=age_min,
        age_max=age_max,
        settlement_forms=entry.codes("settlement_forms", "settlement_form"),
        amount=amount,
        unknown=unknown,
        source=_required(entry.text("source")),
        checked=_required(entry.date("checked")),
        inferred=entry.text("inferred", required=False),
        location=entry.location,
    )
    entry.finish()
    return rate


_T = TypeVar("_T")


def _required(value: _T | None) -> _T:
    """For mypy: the reader already raised for a missing required field."""
    assert value is not None
    return value


def _check_unique(types: list[CompensationType], rates: list[Rate]) -> None:
    seen: dict[str, str] = {}
    for kind in types:
        if kind.code in seen:
            raise _error_at(
                kind.location,
                "type",
                "code",
                _("%(code)s finns redan i %(other)s")
                % {"code": kind.code, "other": seen[kind.code]},
            )
        seen[kind.code] = kind.location
    seen = {}
    for rate in rates:
        if rate.id in seen:
            raise _error_at(
                rate.location,
                "rate",
                "id",
                _("%(code)s finns redan i %(other)s") % {"code": rate.id, "other": seen[rate.id]},
            )
        seen[rate.id] = rate.location


def _check_rate_type(rate: Rate, by_code: dict[str, CompensationType]) -> None:
    kind = by_code.get(rate.type)
    if kind is None:
        raise _error_at(rate.location, "rate", "type", _one_of(rate.type, sorted(by_code)))
    if rate.valid_from < kind.applies_from:
        raise _error_at(
            rate.location,
            "rate",
            "from",
            _("ligger före ersättningstypens applies_from, %(date)s")
            % {"date": kind.applies_from.isoformat()},
        )


def _check_overlaps(rates: tuple[Rate, ...]) -> None:
    """Two rows for the same type, day, age and form would make the amount ambiguous."""
    for index, rate in enumerate(rates):
        for other in rates[index + 1 :]:
            if other.type != rate.type:
                break
            if _overlap(rate, other):
                raise _error_at(
                    other.location,
                    "rate",
                    "from",
                    _("%(id)s gäller samma dag, ålder och mottagandeform som %(other)s (%(where)s)")
                    % {"id": other.id, "other": rate.id, "where": rate.location},
                )


def _overlap(one: Rate, two: Rate) -> bool:
    far_future = dt.date.max
    days = one.valid_from <= (two.valid_to or far_future) and two.valid_from <= (
        one.valid_to or far_future
    )
    ages = one.age_min <= (two.age_max if two.age_max is not None else 999) and two.age_min <= (
        one.age_max if one.age_max is not None else 999
    )
    forms = (
        one.settlement_forms is None
        or two.settlement_forms is None
        or bool(one.settlement_forms & two.settlement_forms)
    )
    return days and ages and forms


def _error_at(location: str, kind: str, name: str, problem: str) -> RulesError:
    file, line = location.rsplit(":", 1)
    return RulesError(
        _("%(file)s, rad %(line)s ([[%(kind)s]]), fältet %(field)s: %(problem)s")
        % {"file": file, "line": line, "kind": kind, "field": name, "problem": problem}
    )
