"""Claims: what the municipality must apply for, found in the register, and by when.

Pure functions on plain values, as `compensation.py`: the deadline arithmetic and the candidate
claims of one person. A candidate is a period the rules say may be claimed (a quarter with
placement days of an unaccompanied minor, the reception of an assigned newcomer); its amount is
the actual cost, which the register does not hold, so it is None with the reason, never a guess.

Months are counted as Lag (1930:173) om beräkning av lagstadgad tid counts them: from a day to
the day with the same number in the later month, or that month's last day where it has none. So
2024-03-31 + 6 months is 2024-09-30 and 2024-02-29 + 12 months is 2025-02-28. A deadline that
falls on a weekend or holiday is not moved to the next weekday (the same law would allow it):
the earlier day is the safe one to remind about.
"""

import calendar
import datetime as dt
from typing import NamedTuple

from helhetsbild.economy.compensation import PersonFacts, age_on, birthday, eligibility
from helhetsbild.economy.rules import (
    CompensationType,
    Deadline,
    DeadlineStart,
    Event,
    Rate,
    RuleBook,
)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day number `months` later, or the last day of that month if it is shorter."""
    number = day.year * 12 + day.month - 1 + months
    year, month = divmod(number, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def quarter_of(day: dt.date) -> tuple[dt.date, dt.date]:
    first_month = (day.month - 1) // 3 * 3 + 1
    first = dt.date(day.year, first_month, 1)
    return first, add_months(first, 3) - dt.timedelta(days=1)


def deadline_for(
    rule: Deadline, period: tuple[dt.date, dt.date], received: dt.date | None
) -> dt.date:
    """The last day the application may arrive, from the rule's starting point."""
    if rule.counted_from == DeadlineStart.RECEPTION:
        if received is None:
            raise ValueError("a deadline counted from reception needs the reception date")
        start = received
    elif rule.counted_from == DeadlineStart.END_OF_QUARTER:
        start = quarter_of(period[1])[1]
    else:
        start = period[1]
    return add_months(start, rule.months)


class Candidate(NamedTuple):
    person: int
    kind: CompensationType
    first: dt.date  # the period applied for, first and last day
    last: dt.date
    deadline: dt.date
    amount: int | None
    rate: Rate
    reason: str | None  # why the amount is not known


def candidates_for(person: PersonFacts, book: RuleBook) -> list[Candidate]:
    """Every period this person's register facts say may be claimed, with its deadline."""
    found: list[Candidate] = []
    for kind in book:
        if kind.computed or kind.deadline is None:
            continue
        verdict = eligibility(kind, person)
        if verdict.eligible is not True:
            continue
        rates = book.rates_of(kind)
        if kind.starts_with == Event.RECEPTION:
            found += _at_reception(kind, rates, person)
        else:
            found += _per_quarter(kind, rates, person)
    return found


def _at_reception(
    kind: CompensationType, rates: tuple[Rate, ...], person: PersonFacts
) -> list[Candidate]:
    received = person.received
    if received is None or received < kind.applies_from:
        return []
    age = age_on(person.birth_date, received) if person.birth_date else None
    for rate in rates:
        if not rate.covers(received) or (age is not None and not rate.fits_age(age)):
            continue
        if person.settlement_form is None or not rate.fits_form(person.settlement_form):
            continue
        assert kind.deadline is not None
        deadline = deadline_for(kind.deadline, (received, received), received)
        return [
            Candidate(
                person.key, kind, received, received, deadline, rate.amount, rate, rate.unknown
            )
        ]
    return []


def _per_quarter(
    kind: CompensationType, rates: tuple[Rate, ...], person: PersonFacts
) -> list[Candidate]:
    """One candidate per quarter with placement days the rate covers (its dates and ages)."""
    if person.birth_date is None:
        return []
    assert kind.deadline is not None
    by_quarter: dict[dt.date, Rate] = {}
    for start, end in person.placements:
        for rate in rates:
            first = max(start, rate.valid_from, birthday(person.birth_date, rate.age_min))
            last = min(end, rate.valid_to or dt.date.max)
            if rate.age_max is not None:
                last = min(last, birthday(person.birth_date, rate.age_max + 1) - dt.timedelta(1))
            day = first
            while day <= last:
                quarter_first, quarter_last = quarter_of(day)
                by_quarter.setdefault(quarter_first, rate)
                day = quarter_last + dt.timedelta(days=1)
    quarters = [(quarter_of(first), rate) for first, rate in sorted(by_quarter.items())]
    return [
        Candidate(
            person.key,
            kind,
            *quarter,
            deadline_for(kind.deadline, quarter, None),
            rate.amount,
            rate,
            rate.unknown,
        )
        for quarter, rate in quarters
    ]


def period_text(first: dt.date, last: dt.date) -> str:
    """A quarter as 2024-01-01/2024-03-31 (ISO 8601 interval), a single day as the day."""
    return first.isoformat() if first == last else f"{first.isoformat()}/{last.isoformat()}"
