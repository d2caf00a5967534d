"""Expected compensation: pure functions from one person's facts and the rule book to the money
the municipality can expect, month by month (STYLE.md habit 8).

No database and no models here: `store.py` reads the person facts from the analysis store and
the selectors decide who may see what. Every amount is whole kronor, or None where the rules or
the register do not say; a None always comes with the reason, in Swedish, and is never added up
as a zero.

The assumptions the sources leave open are written in the rule files and in
docs/compensation.md: the standard compensation is paid in equal monthly parts, from the month
after reception, while the person lives in the municipality at the end of the month before; a
one-off amount falls in the month after reception; daily amounts fall in the month of the day.
"""

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from helhetsbild.economy.rules import AgeAt, Calculation, CompensationType, Rate, RuleBook

# A span of days, first and last day included, as date ordinals.
Span = tuple[int, int]


class PersonFacts(NamedTuple):
    """What the rules read about one person; keys and dates only, never an identity."""

    key: int
    birth_date: dt.date | None
    received: dt.date | None  # the first settlement in the municipality: the reception date
    settlement_form: str | None
    permit_grounds: frozenset[str]
    unaccompanied: bool | None
    # (settlement date, moving-out date or None), one per settlement in the municipality.
    residence: tuple[tuple[dt.date, dt.date | None], ...]
    # (first day, last day) of each placement; an open one already ends on the reference date.
    placements: tuple[tuple[dt.date, dt.date], ...]


class Expected(NamedTuple):
    person: int
    kind: CompensationType
    month: dt.date  # the first day of the month the amount belongs to
    amount: int | None
    rate: Rate | None  # the rule row applied; None where no row fits
    reason: str | None  # why the amount is unknown; None when it is known


class Window(NamedTuple):
    """Months to compute, as month numbers (see `month_number`); None is open-ended."""

    first: int | None = None
    last: int | None = None

    def holds(self, month: int) -> bool:
        lowest, highest = self.bounds()
        return lowest <= month <= highest

    def bounds(self) -> tuple[int, int]:
        return (
            0 if self.first is None else self.first,
            month_number(dt.date.max) if self.last is None else self.last,
        )

    def days(self) -> Span:
        """The window's first and last day as ordinals."""
        first = 1 if self.first is None else month_start(self.first).toordinal()
        last = dt.date.max.toordinal() if self.last is None else month_end(self.last).toordinal()
        return first, last


ALL_MONTHS = Window()


def window(first: dt.date | None = None, last: dt.date | None = None) -> Window:
    return Window(
        None if first is None else month_number(first), None if last is None else month_number(last)
    )


def month_number(day: dt.date) -> int:
    """Months since year 0: consecutive months are consecutive numbers."""
    return day.year * 12 + day.month - 1


@lru_cache(maxsize=4096)
def month_start(number: int) -> dt.date:
    return dt.date(number // 12, number % 12 + 1, 1)


@lru_cache(maxsize=4096)
def month_end(number: int) -> dt.date:
    return month_start(number + 1) - dt.timedelta(days=1)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years; someone born on 29 February turns a year older on 1 March."""
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def birthday(birth: dt.date, years: int) -> dt.date:
    """The day the person turns `years`, consistent with `age_on`."""
    year = birth.year + years
    try:
        return birth.replace(year=year)
    except ValueError:  # 29 February in a common year
        return dt.date(year, 3, 1)


def instalment(total: int, number: int, count: int) -> int:
    """Part `number` (1-based) of `total` paid in `count` equal parts, in whole kronor.

    Each part is the rounded running total minus the rounded running total before it, so the
    parts of one amount add up to exactly that amount.
    """
    return _parts(total, count)[number - 1]


@lru_cache(maxsize=1024)
def _parts(total: int, count: int) -> tuple[int, ...]:
    """All parts at once: a whole register shares a few dozen amounts."""
    shares = [_rounded_share(total, parts, count) for parts in range(count + 1)]
    return tuple(after - before for before, after in zip(shares, shares[1:], strict=False))


def _rounded_share(total: int, parts: int, count: int) -> int:
    """total * parts / count rounded half up, in integers so no float error creeps in."""
    return (2 * total * parts + count) // (2 * count)


class Verdict(NamedTuple):
    """Whether the person is among those a type is for: yes, no, or unknown and why."""

    eligible: bool | None
    reason: str | None = None


ELIGIBLE = Verdict(True)
NOT_ELIGIBLE = Verdict(False)


def eligibility(kind: CompensationType, person: PersonFacts) -> Verdict:
    if kind.unaccompanied is not None:
        if person.unaccompanied is None:
            return Verdict(None, _("Registret saknar uppgift om personen är ensamkommande."))
        if person.unaccompanied != kind.unaccompanied:
            return NOT_ELIGIBLE
    if kind.permit_grounds is not None:
        if not person.permit_grounds:
            return Verdict(None, _("Registret saknar personens uppehållstillstånd."))
        if not person.permit_grounds & kind.permit_grounds:
            return NOT_ELIGIBLE
    return ELIGIBLE


class Match(NamedTuple):
    """The rate row that applies: `rate` None and `reason` None means the rules give nothing."""

    rate: Rate | None
    reason: str | None


@lru_cache(maxsize=65_536)
def rates_on(rates: tuple[Rate, ...], day: dt.date) -> tuple[Rate, ...]:
    """The rows covering `day`; cached, as a register has a few thousand reception days."""
    return tuple(rate for rate in rates if rate.covers(day))


def pick(dated: Sequence[Rate], day: dt.date, age: int | None, form: str | None) -> Match:
    """The one row of `dated` (the rows covering `day`) for this age and settlement form."""
    if not dated:
        return Match(None, _("Det finns ingen regel för %(day)s.") % {"day": day.isoformat()})
    fitting = [
        rate
        for rate in dated
        if (age is None or rate.fits_age(age)) and (form is None or rate.fits_form(form))
    ]
    if not fitting:
        return Match(None, None)
    if len(fitting) > 1:
        missing = [_("födelsedatum")] if age is None else []
        missing += [_("mottagandeform")] if form is None else []
        return Match(
            None, _("Registret saknar uppgift om %(facts)s.") % {"facts": " och ".join(missing)}
        )
    return Match(fitting[0], fitting[0].unknown)


def _months_paid_here(person: PersonFacts) -> list[tuple[int, int]]:
    """The payment months (first, last) for which the person is registered in the municipality
    at the end of the month before: moving out on a day ends the registration the day before."""
    never = month_number(dt.date.max)
    return [
        (month_number(settled) + 1, never if moved is None else month_number(moved))
        for settled, moved in person.residence
    ]


def ages_on_payments(
    birth: dt.date | None, age_at: AgeAt, received: dt.date, months: Sequence[int]
) -> list[int | None]:
    """The age that sets the amount of each payment month (ascending), on the type's age day.

    At the end of the month before a payment the age is one more from the payment month after
    the birthday's month, so the age is worked out once and then stepped at those months.
    """
    if birth is None:
        return [None] * len(months)
    if age_at == AgeAt.RECEPTION:
        return [age_on(birth, received)] * len(months)
    ages: list[int | None] = []
    age = step = -1
    for month in months:
        if age < 0:
            age = age_on(birth, month_end(month - 1))
            step = month_number(birthday(birth, age + 1)) + 1
        while month >= step:
            age += 1
            step = month_number(birthday(birth, age + 1)) + 1
        ages.append(age)
    return ages


def instalment_rows(
    kind: CompensationType, rates: tuple[Rate, ...], person: PersonFacts, months: Window
) -> list[Expected]:
    """The standard compensation's parts: one per month for `period_months` months from the
    month after reception, each a part of the rate for the person's age on the type's age day,
    and each only while the person is registered here."""
    received = person.received
    if received is None or received < kind.applies_from:
        return []
    verdict = eligibility(kind, person)
    if verdict.eligible is False:
        return []
    assert kind.period_months is not None
    count = kind.period_months
    first_payment = month_number(received) + 1
    paid = _payment_months(person, first_payment, first_payment + count - 1, months)
    if verdict.reason is not None:
        return [
            Expected(person.key, kind, month_start(month), None, None, verdict.reason)
            for month in paid
        ]
    dated = rates_on(rates, received)
    # A person has a few ages over the period: the rate row and its parts, by age.
    by_age: dict[int | None, tuple[Match, tuple[int, ...] | None]] = {}
    rows = []
    for month, age in zip(
        paid, ages_on_payments(person.birth_date, kind.age_at, received, paid), strict=True
    ):
        if age not in by_age:
            match = pick(dated, received, age, person.settlement_form)
            total = match.rate.amount if match.rate is not None else None
            by_age[age] = (match, None if total is None else _parts(total, count))
        (rate, reason), parts = by_age[age]
        if rate is None and reason is None:
            continue
        amount = None if parts is None else parts[month - first_payment]
        rows.append(Expected(person.key, kind, month_start(month), amount, rate, reason))
    return rows


def _payment_months(person: PersonFacts, first: int, last: int, months: Window) -> list[int]:
    """The months from `first` to `last` within the window while the person is registered here."""
    lowest, highest = months.bounds()
    spans = [
        range(max(since, first, lowest), min(until, last, highest) + 1)
        for since, until in _months_paid_here(person)
    ]
    if len(spans) == 1:  # most persons have settled here once
        return list(spans[0])
    return sorted({month for span in spans for month in span})


def one_off_rows(
    kind: CompensationType, rates: tuple[Rate, ...], person: PersonFacts, months: Window
) -> list[Expected]:
    """One amount, in the month after reception."""
    received = person.received
    if received is None or received < kind.applies_from:
        return []
    month = month_number(received) + 1
    verdict = eligibility(kind, person)
    if verdict.eligible is False or not months.holds(month):
        return []
    if verdict.reason is not None:
        return [Expected(person.key, kind, month_start(month), None, None, verdict.reason)]
    [age] = ages_on_payments(person.birth_date, kind.age_at, received, [month])
    match = pick(rates_on(rates, received), received, age, person.settlement_form)
    if match.rate is None and match.reason is None:
        return []
    amount = match.rate.amount if match.rate is not None else None
    return [Expected(person.key, kind, month_start(month), amount, *match)]


def daily_rows(
    kind: CompensationType, rates: tuple[Rate, ...], person: PersonFacts, months: Window
) -> list[Expected]:
    """Placement days within the ages of the type's rates, per month and rate row; days no row
    covers are one unknown row per month."""
    if not person.placements:
        return []
    verdict = eligibility(kind, person)
    if verdict.eligible is False:
        return []
    first, last = months.days()
    bounds = (max(first, kind.applies_from.toordinal()), last)
    birth = person.birth_date
    reason = verdict.reason
    if birth is not None:
        within_ages = _intersection(bounds, _age_span(rates, birth))
        if within_ages is None:
            return []
        bounds = within_ages
    elif reason is None:
        reason = _("Registret saknar födelsedatum, så åldern de dygnen är inte känd.")
    rows = []
    for span in _merged(person.placements):
        days = _intersection(span, bounds)
        if days is None:
            continue
        for month, part in _by_month(days):
            if reason is not None:
                rows.append(Expected(person.key, kind, month, None, None, reason))
                continue
            assert birth is not None
            rows += _daily_month(kind, rates, person.key, birth, month, part)
    return rows


def _daily_month(
    kind: CompensationType,
    rates: Sequence[Rate],
    person: int,
    birth: dt.date,
    month: dt.date,
    days: Span,
) -> list[Expected]:
    rows = []
    covered = 0
    for rate in rates:
        overlap = _intersection(days, _rate_span(rate, birth))
        if overlap is None:
            continue
        count = overlap[1] - overlap[0] + 1
        covered += count
        amount = None if rate.amount is None else rate.amount * count
        rows.append(Expected(person, kind, month, amount, rate, rate.unknown))
    if covered < days[1] - days[0] + 1:
        first_uncovered = dt.date.fromordinal(days[0]).isoformat()
        reason = _("Det finns ingen regel för dygnen i månaden (från %(day)s).") % {
            "day": first_uncovered
        }
        rows.append(Expected(person, kind, month, None, None, reason))
    return rows


def _age_span(rates: Sequence[Rate], birth: dt.date) -> Span:
    """The days on which the person is of an age some rate of the type is for."""
    youngest = min((rate.age_min for rate in rates), default=0)
    oldest = [rate.age_max for rate in rates]
    first = birthday(birth, youngest).toordinal()
    if not oldest or None in oldest:
        return first, dt.date.max.toordinal()
    return first, birthday(birth, max(a for a in oldest if a is not None) + 1).toordinal() - 1


def _rate_span(rate: Rate, birth: dt.date) -> Span:
    first = max(rate.valid_from, birthday(birth, rate.age_min)).toordinal()
    last = dt.date.max.toordinal() if rate.valid_to is None else rate.valid_to.toordinal()
    if rate.age_max is not None:
        last = min(last, birthday(birth, rate.age_max + 1).toordinal() - 1)
    return first, last


def _intersection(one: Span, two: Span) -> Span | None:
    first, last = max(one[0], two[0]), min(one[1], two[1])
    return (first, last) if first <= last else None


def _merged(spells: Iterable[tuple[dt.date, dt.date]]) -> list[Span]:
    """Overlapping or adjacent spells as one, so that no day counts twice."""
    merged: list[Span] = []
    for first, last in sorted((a.toordinal(), b.toordinal()) for a, b in spells):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged


def _by_month(days: Span) -> Iterable[tuple[dt.date, Span]]:
    start = dt.date.fromordinal(days[0])
    number = month_number(start)
    first = days[0]
    while first <= days[1]:
        last = min(days[1], month_end(number).toordinal())
        yield month_start(number), (first, last)
        number += 1
        first = last + 1


Calculator = Callable[[CompensationType, tuple[Rate, ...], PersonFacts, Window], list[Expected]]

CALCULATORS: dict[Calculation, Calculator] = {
    Calculation.INSTALMENTS: instalment_rows,
    Calculation.ONE_OFF: one_off_rows,
    Calculation.PER_DAY: daily_rows,
}


def expected_for(
    person: PersonFacts, book: RuleBook, months: Window = ALL_MONTHS
) -> list[Expected]:
    """Every expected amount for one person within the months, type by type."""
    rows = []
    for kind in book:
        calculate = CALCULATORS.get(kind.calculation)
        if calculate is not None:
            rows += calculate(kind, book.rates_of(kind), person, months)
    return rows


@dataclass
class Total:
    """One type in one month over many persons: the known sum and who it covers, and the
    persons whose amount is unknown with the reasons."""

    known: int = 0
    persons_known: int = 0
    persons_unknown: int = 0
    reasons: set[str] = field(default_factory=set)


# The cell a row is summed in; None leaves the row out.
TallyCell = tuple[Any, ...]  # (type code, month, …)
CellOf = Callable[[Expected], TallyCell | None]


class Tally:
    """Sums per cell, by default (type code, month), fed one person at a time so that a person
    counts once per cell without remembering every person: as known if any of their rows there
    is known, and as unknown if any is unknown (a month can hold both)."""

    def __init__(self) -> None:
        self.cells: dict[TallyCell, Total] = {}

    def add(self, rows: Iterable[Expected], cell_of: CellOf | None = None) -> None:
        """The rows of one person, each in the cell `cell_of` names (the committees' table adds
        the age band). The default is written out: this loop runs for every person-month of a
        national register."""
        counted: set[TallyCell] = set()
        cells = self.cells
        for row in rows:
            key = (row.kind.code, row.month) if cell_of is None else cell_of(row)
            if key is None:
                continue
            total = cells.get(key)
            if total is None:
                total = cells[key] = Total()
            amount = row.amount
            mark = (*key, amount is None)
            if mark not in counted:
                counted.add(mark)
                if amount is None:
                    total.persons_unknown += 1
                else:
                    total.persons_known += 1
            if amount is None:
                assert row.reason is not None
                total.reasons.add(row.reason)
            else:
                total.known += amount
