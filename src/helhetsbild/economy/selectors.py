"""Reads of expected compensation, each scoped by the one permission policy.

Totals per type and month are aggregates: everyone who may see aggregates sees them, after
disclosure control. One person's rows are for those who follow up compensation (controllers);
each lookup is written to the access log. Every person's rows are for the operator at the
command line (`user` None, as in the analysis selectors).
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import duckdb
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, TOTAL, Cell, Unit, protect
from helhetsbild.analysis.store import open_store
from helhetsbild.economy.compensation import (
    ALL_MONTHS,
    Expected,
    Tally,
    Total,
    Window,
    month_number,
    month_start,
)
from helhetsbild.economy.rules import CompensationType, Rate, RuleBook, rules
from helhetsbild.economy.store import expected_in_store, tally_in_store
from helhetsbild.organisation.permissions import Action, can
from helhetsbild.register.identity import Personnummer
from helhetsbild.register.models import Person
from helhetsbild.register.services import identities_resolve

# The overview's months: the last 24 up to the store's reference month, and the next 12.
MONTHS_BACK = 23
MONTHS_AHEAD = 12
LOOKUP_PURPOSE = "återsökning"


def expected_record(pseudonym: str, row: Expected) -> dict[str, object]:
    """One expected amount as the command line gives it: an unknown amount is null, never 0."""
    return {
        "person": pseudonym,
        "type": row.kind.code,
        "month": f"{row.month.year:04d}-{row.month.month:02d}",
        "amount": row.amount,
        "rule": row.rate.id if row.rate else None,
        "source": row.rate.source if row.rate else row.kind.source,
        "inferred": bool(row.rate and row.rate.inferred),
        "reason": row.reason,
    }


def rule_records(book: RuleBook) -> list[dict[str, object]]:
    """The rules as the command line lists them: every field of every type and rate row."""
    return [
        {
            "code": kind.code,
            "name": kind.name,
            "regulation": kind.regulation,
            "calculation": str(kind.calculation),
            "unit": str(kind.unit),
            "starts_with": str(kind.starts_with),
            "applies_from": kind.applies_from.isoformat(),
            "period_months": kind.period_months,
            "age_at": str(kind.age_at),
            "payment": str(kind.payment),
            "payment_pattern": kind.payment_pattern,
            "assumption": kind.assumption,
            "deadline": None
            if kind.deadline is None
            else {"months": kind.deadline.months, "counted_from": str(kind.deadline.counted_from)},
            "permit_grounds": sorted(kind.permit_grounds) if kind.permit_grounds else None,
            "unaccompanied": kind.unaccompanied,
            "source": kind.source,
            "checked": kind.checked.isoformat(),
            "inferred": kind.inferred,
            "rates": [
                {
                    "id": rate.id,
                    "from": rate.valid_from.isoformat(),
                    "to": rate.valid_to.isoformat() if rate.valid_to else None,
                    "age_min": rate.age_min,
                    "age_max": rate.age_max,
                    "settlement_forms": sorted(rate.settlement_forms)
                    if rate.settlement_forms
                    else None,
                    "amount": rate.amount,
                    "unknown": rate.unknown,
                    "source": rate.source,
                    "checked": rate.checked.isoformat(),
                    "inferred": rate.inferred,
                }
                for rate in book.rates_of(kind)
            ],
        }
        for kind in book
    ]


def expected_for_register(
    user: User | None, months: Window = ALL_MONTHS
) -> Iterator[tuple[str, list[Expected]]]:
    """Every person with expected compensation in `months`, by pseudonym, in key order. The store
    is opened before this returns, so a missing store fails before anything is printed."""
    _require(user, Action.COMPENSATION_VIEW)
    book = rules()
    return _named_rows(open_store(), book, months)


def _named_rows(
    store: duckdb.DuckDBPyConnection, book: RuleBook, months: Window
) -> Iterator[tuple[str, list[Expected]]]:
    with store:
        for chunk in expected_in_store(store, book, months):
            named = _pseudonyms([key for key, _rows in chunk])
            yield from ((named[key], rows) for key, rows in chunk)


@dataclass(frozen=True)
class MonthlyAmount:
    """One type in one month as the overview shows it."""

    known: int | None  # the sum of the known amounts; None when hidden or when none is known
    suppressed: bool
    unknown: bool  # some amounts in the month are unknown

    @property
    def text(self) -> str:
        """The known sum, '..' when hidden, and 'okänt' beside it when some amounts are unknown:
        an unknown amount never reads as zero."""
        parts = [SUPPRESSED_MARK] if self.suppressed else []
        if self.known is not None:
            parts.append(number_format(self.known, force_grouping=True))
        if self.unknown:
            parts.append(_("okänt"))
        return " + ".join(parts) or "–"


@dataclass(frozen=True)
class PersonCompensation:
    number: Personnummer
    pseudonym: str
    rows: list[Expected]
    in_store: bool  # False: the person was imported after the analysis store was built

    @property
    def sums(self) -> list[tuple[CompensationType, MonthlyAmount]]:
        """Per type: the known amounts added up, and whether some are unknown."""
        kinds = list(dict.fromkeys(row.kind for row in self.rows))
        return [(kind, _sum([r for r in self.rows if r.kind == kind])) for kind in kinds]


def _sum(rows: list[Expected]) -> MonthlyAmount:
    known = [row.amount for row in rows if row.amount is not None]
    return MonthlyAmount(
        known=sum(known) if known else None,
        suppressed=False,
        unknown=len(known) < len(rows),
    )


def expected_for_person(
    user: User | None, number: Personnummer, months: Window = ALL_MONTHS
) -> PersonCompensation | None:
    """One person's expected compensation, or None if the register has no such person. A
    user's lookup is written to the access log, whether it finds someone or not."""
    _require(user, Action.COMPENSATION_VIEW)
    key = identities_resolve([number], create=False).get(number.digits)
    person = Person.objects.filter(pk=key).first() if key is not None else None
    if user is not None:
        with transaction.atomic():
            access_event_record(
                actor=user,
                action=events.COMPENSATION_PERSON_SEARCHED,
                pseudonym=person.pseudonym if person else "",
                purpose=LOOKUP_PURPOSE,
                detail="träff" if person else "ingen träff",
            )
    if person is None:
        return None
    book = rules()
    with open_store() as store:
        in_store = _scalar(store, "SELECT count(*) FROM persons WHERE person_key = ?", person.pk)
        found = [
            rows
            for chunk in expected_in_store(store, book, months, person.pk)
            for _key, rows in chunk
        ]
    rows = [row for person_rows in found for row in person_rows]
    return PersonCompensation(number, person.pseudonym, rows, in_store=bool(in_store))


@dataclass(frozen=True)
class OverviewMonth:
    month: dt.date
    coming: bool  # after the store's reference month: instalments still to be paid
    amounts: list[MonthlyAmount]  # in the order of `Overview.types`


@dataclass(frozen=True)
class Overview:
    reference_date: dt.date
    types: list[CompensationType]  # the computed types, the table's columns
    months: list[OverviewMonth]
    reasons: list[tuple[CompensationType, list[str]]]  # why amounts in the table are unknown
    rules: list[tuple[CompensationType, tuple[Rate, ...]]]  # every type, claims too


def overview_for(user: User | None) -> Overview:
    """Expected compensation per type and month around the store's reference month."""
    _require(user, Action.AGGREGATE_VIEW)
    book = rules()
    with open_store() as store:
        reference = _scalar(store, "SELECT reference_date FROM build_info")
        months = overview_months(reference)
        tally = tally_in_store(store, book, months)
    current = month_number(reference)
    types = [kind for kind in book if kind.computed]
    return Overview(
        reference_date=reference,
        types=types,
        months=[
            _overview_month(types, tally, month_start(number), coming=number > current)
            for number in range(current - MONTHS_BACK, current + MONTHS_AHEAD + 1)
        ],
        reasons=[(kind, found) for kind in types if (found := _reasons(tally, kind))],
        rules=[(kind, book.rates_of(kind)) for kind in book],
    )


def overview_months(reference: dt.date) -> Window:
    current = month_number(reference)
    return Window(current - MONTHS_BACK, current + MONTHS_AHEAD)


def _overview_month(
    types: list[CompensationType], tally: Tally, month: dt.date, coming: bool
) -> OverviewMonth:
    return OverviewMonth(
        month,
        coming,
        [_published(kind, month, tally.cells.get((kind.code, month))) for kind in types],
    )


def _reasons(tally: Tally, kind: CompensationType) -> list[str]:
    found = set()
    for (code, _month), total in tally.cells.items():
        if code == kind.code:
            found |= total.reasons
    return sorted(found)


def _published(kind: CompensationType, month: dt.date, total: Total | None) -> MonthlyAmount:
    """The known sum passes disclosure control like any aggregate: fewer persons behind it
    than the threshold and it is hidden."""
    if total is None:
        return MonthlyAmount(known=None, suppressed=False, unknown=False)
    unknown = total.persons_unknown > 0
    if total.persons_known == 0:
        return MonthlyAmount(known=None, suppressed=False, unknown=unknown)
    [cell] = protect(
        [
            Cell(
                indicator=f"compensation.{kind.code}",
                period=month.isoformat(),
                breakdown=TOTAL,
                group=TOTAL,
                unit=Unit.AMOUNT,
                value=total.known,
                numerator=total.known,
                denominator=total.persons_known,
            )
        ]
    )
    known = None if cell.value is None else int(cell.value)
    return MonthlyAmount(known=known, suppressed=cell.suppressed, unknown=unknown)


def _scalar(store: duckdb.DuckDBPyConnection, sql: str, *parameters: object) -> Any:
    row = store.execute(sql, list(parameters)).fetchone()
    assert row is not None, sql
    return row[0]


def _pseudonyms(keys: list[int]) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=keys).values_list("pk", "pseudonym"))


def _require(user: User | None, action: Action) -> None:
    if user is not None and not can(user, action):
        raise PermissionDenied
