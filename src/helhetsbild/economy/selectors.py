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
from django.utils.translation import gettext_lazy

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
    expected_for,
    month_number,
    month_start,
)
from helhetsbild.economy.distribution import (
    Band,
    Distribution,
    Share,
    TypeDistribution,
    band_cell,
    check_committees,
    distribution,
    split,
)
from helhetsbild.economy.rules import CompensationType, Rate, RuleBook, RulesError, rules
from helhetsbild.economy.store import expected_in_store, person_facts
from helhetsbild.organisation.models import Committee
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
    amounts: list[MonthlyAmount]  # in the order of the table's columns


@dataclass(frozen=True)
class RuleRow:
    """One committee's share of one age band, as the page lists the distribution rule."""

    rule: TypeDistribution
    band: Band
    committee: str  # the committee's name and code
    share: Share


@dataclass(frozen=True)
class CommitteeOverview:
    """Expected compensation per committee by the municipality's distribution rule."""

    columns: list[tuple[CompensationType, list[str]]]  # per type, its committees' names
    months: list[OverviewMonth]
    rule: list[RuleRow]
    rules: tuple[TypeDistribution, ...]
    age_unknown: bool  # some amounts fall in no band: the register lacks the birth date


@dataclass(frozen=True)
class Overview:
    reference_date: dt.date
    types: list[CompensationType]  # the computed types, the table's columns
    months: list[OverviewMonth]
    reasons: list[tuple[CompensationType, list[str]]]  # why amounts in the table are unknown
    rules: list[tuple[CompensationType, tuple[Rate, ...]]]  # every type, claims too
    committees: CommitteeOverview | None  # None: no distribution configured, or it is wrong
    distribution_file: str  # the rule's file name, '' when no file is set
    distribution_problem: str  # why the rule cannot be used, in Swedish; '' when it can


def overview_for(user: User | None) -> Overview:
    """Expected compensation per type and month around the store's reference month, and per
    committee where the municipality has a distribution rule."""
    _require(user, Action.AGGREGATE_VIEW)
    book = rules()
    rule, names, problem = _checked_distribution(book)
    with open_store() as store:
        reference = _scalar(store, "SELECT reference_date FROM build_info")
        months = overview_months(reference)
        tally, bands = _tallies(store, book, months, rule)
    current = month_number(reference)
    types = [kind for kind in book if kind.computed]
    first, last = months.bounds()
    month_list = [month_start(number) for number in range(first, last + 1)]
    published = _published_months(types, tally, bands, rule, month_list)
    return Overview(
        reference_date=reference,
        types=types,
        months=[
            OverviewMonth(
                month,
                month_number(month) > current,
                [published[(kind.code, month)].total for kind in types],
            )
            for month in month_list
        ],
        reasons=[(kind, found) for kind in types if (found := _reasons(tally, kind))],
        rules=[(kind, book.rates_of(kind)) for kind in book],
        committees=_committee_overview(rule, names, published, month_list, current)
        if rule.configured
        else None,
        distribution_file=rule.file,
        distribution_problem=problem,
    )


def overview_months(reference: dt.date) -> Window:
    current = month_number(reference)
    return Window(current - MONTHS_BACK, current + MONTHS_AHEAD)


def _checked_distribution(book: RuleBook) -> tuple[Distribution, dict[str, str], str]:
    """The rule with the committees' names, or an empty rule and the Swedish reason it cannot
    be used: a wrong rule is reported where it is shown, not by failing the whole page."""
    names = {
        code: f"{name} ({code})" for code, name in Committee.objects.values_list("code", "name")
    }
    try:
        rule = distribution(book)
        check_committees(rule, names)
    except RulesError as error:
        return Distribution("", ()), names, str(error)
    return rule, names, ""


def _tallies(
    store: duckdb.DuckDBPyConnection, book: RuleBook, months: Window, rule: Distribution
) -> tuple[Tally, Tally]:
    """Totals per type and month, and per age band of the distributed types, in one pass."""
    tally = Tally()
    bands = Tally()
    for chunk in person_facts(store, book, months):
        for person in chunk:
            rows = expected_for(person, book, months)
            if rows:
                tally.add(rows)
                if rule.configured:
                    bands.add(rows, band_cell(rule, person))
    return tally, bands


@dataclass(frozen=True)
class Published:
    """One type in one month after disclosure control: its total, and where the type is
    distributed each band's part per committee, in the order of the band's shares."""

    total: MonthlyAmount
    parts: list[tuple[Band, list[MonthlyAmount]]]
    age_unknown: Total | None  # the persons whose band is not known, protected sum


def _published_months(
    types: list[CompensationType],
    tally: Tally,
    bands: Tally,
    rule: Distribution,
    months: list[dt.date],
) -> dict[tuple[str, dt.date], Published]:
    return {
        (kind.code, month): _published(
            kind, month, tally.cells.get((kind.code, month)), rule.of(kind.code), bands
        )
        for kind in types
        for month in months
    }


def _reasons(tally: Tally, kind: CompensationType) -> list[str]:
    found = set()
    for (code, _month), total in tally.cells.items():
        if code == kind.code:
            found |= total.reasons
    return sorted(found)


AGE_BAND = "åldersband"
AGE_UNKNOWN = gettext_lazy(
    "Registret ger inte personens ålder i något av fördelningens åldersband (födelsedatum eller "
    "mottagningsdatum saknas), så det är inte känt vilka nämnder beloppet hör till."
)


def _published(
    kind: CompensationType,
    month: dt.date,
    total: Total | None,
    rule: TypeDistribution | None,
    bands: Tally,
) -> Published:
    """The known sums pass disclosure control like any aggregate, as one table: the type's
    total and, where it is distributed, its age bands (with the persons whose band is unknown),
    which add up to it. A sum of fewer persons than the threshold is hidden, and so is what
    would let a reader subtract it out."""
    if total is None:
        return Published(MonthlyAmount(known=None, suppressed=False, unknown=False), [], None)
    unknown = total.persons_unknown > 0
    if total.persons_known == 0:
        none = MonthlyAmount(known=None, suppressed=False, unknown=unknown)
        return Published(
            none, _band_parts(rule, bands, kind, month, None), _no_age(rule, bands, kind, month)
        )
    groups: list[tuple[str | None, Total]] = []
    if rule is not None:
        groups = [
            (band.id, bands.cells.get((kind.code, month, index)) or Total())
            for index, band in enumerate(rule.bands)
        ]
        groups.append((None, bands.cells.get((kind.code, month, None)) or Total()))
    cells = protect(
        [
            _amount_cell(kind, month, TOTAL, TOTAL, total.known, total.persons_known),
            *(
                _amount_cell(kind, month, AGE_BAND, group, part.known, part.persons_known)
                for group, part in groups
            ),
        ]
    )
    shown = cells[0]
    return Published(
        MonthlyAmount(
            known=None if shown.value is None else int(shown.value),
            suppressed=shown.suppressed,
            unknown=unknown,
        ),
        _band_parts(rule, bands, kind, month, [cell.suppressed for cell in cells[1:]]),
        _no_age(rule, bands, kind, month),
    )


def _amount_cell(
    kind: CompensationType,
    month: dt.date,
    breakdown: str,
    group: str | None,
    known: int,
    persons: int,
) -> Cell:
    return Cell(
        indicator=f"compensation.{kind.code}",
        period=month.isoformat(),
        breakdown=breakdown,
        group=group,
        unit=Unit.AMOUNT,
        value=known,
        numerator=known,
        denominator=persons,
    )


def _band_parts(
    rule: TypeDistribution | None,
    bands: Tally,
    kind: CompensationType,
    month: dt.date,
    hidden: list[bool] | None,
) -> list[tuple[Band, list[MonthlyAmount]]]:
    """Each band's sum split between its committees; a hidden band hides every part of it."""
    if rule is None:
        return []
    parts = []
    for index, band in enumerate(rule.bands):
        found = bands.cells.get((kind.code, month, index)) or Total()
        suppressed = bool(hidden and hidden[index]) and found.persons_known > 0
        unknown = found.persons_unknown > 0
        if found.persons_known == 0 or suppressed:
            amounts = [MonthlyAmount(None, suppressed, unknown)] * len(band.shares)
        else:
            amounts = [
                MonthlyAmount(part, False, unknown) for part in split(found.known, band.shares)
            ]
        parts.append((band, amounts))
    return parts


def _no_age(
    rule: TypeDistribution | None, bands: Tally, kind: CompensationType, month: dt.date
) -> Total | None:
    if rule is None:
        return None
    found = bands.cells.get((kind.code, month, None))
    return found if found and (found.persons_known or found.persons_unknown) else None


def _combined(amounts: list[MonthlyAmount]) -> MonthlyAmount:
    """Parts added up: hidden if any is hidden, unknown if any is, '–' if there are none."""
    suppressed = any(amount.suppressed for amount in amounts)
    known = [amount.known for amount in amounts if amount.known is not None]
    return MonthlyAmount(
        known=None if suppressed or not known else sum(known),
        suppressed=suppressed,
        unknown=any(amount.unknown for amount in amounts),
    )


def committee_amount(published: Published, committee: str) -> MonthlyAmount:
    """One committee's part of a type in a month: its parts of every band; where some persons'
    band is unknown, so is part of every committee's amount."""
    parts = [
        amounts[index]
        for band, amounts in published.parts
        for index, share in enumerate(band.shares)
        if share.committee == committee
    ]
    if published.age_unknown is not None:
        parts.append(MonthlyAmount(known=None, suppressed=False, unknown=True))
    return _combined(parts)


def _committee_overview(
    rule: Distribution,
    names: dict[str, str],
    published: dict[tuple[str, dt.date], Published],
    months: list[dt.date],
    current: int,
) -> CommitteeOverview:
    columns = [(kind_rule.kind, list(kind_rule.committees)) for kind_rule in rule.types]
    return CommitteeOverview(
        columns=[(kind, [names[code] for code in codes]) for kind, codes in columns],
        months=[
            OverviewMonth(
                month,
                month_number(month) > current,
                [
                    committee_amount(published[(kind.code, month)], code)
                    for kind, codes in columns
                    for code in codes
                ],
            )
            for month in months
        ],
        rule=[
            RuleRow(kind_rule, band, names[share.committee], share)
            for kind_rule in rule.types
            for band in kind_rule.bands
            for share in band.shares
        ],
        rules=rule.types,
        age_unknown=any(
            published[(kind_rule.kind.code, month)].age_unknown is not None
            for kind_rule in rule.types
            for month in months
        ),
    )


@dataclass(frozen=True)
class DistributedAmount:
    """One committee's part of one age band of a type in a month; `band` and `share` None for
    the persons whose band is unknown."""

    rule: TypeDistribution
    month: dt.date
    band: Band | None
    share: Share | None
    amount: MonthlyAmount


def distributed_amounts(user: User | None, months: Window) -> list[DistributedAmount]:
    """Expected compensation per committee, type, month and age band, after the same disclosure
    control as the page. A wrong rule raises RulesError; no rule gives nothing."""
    _require(user, Action.AGGREGATE_VIEW)
    book = rules()
    rule, _names, problem = _checked_distribution(book)
    if problem:
        raise RulesError(problem)
    if not rule.configured:
        return []
    with open_store() as store:
        tally, bands = _tallies(store, book, months, rule)
    found = sorted({month for code, month in tally.cells if rule.of(code)})
    kinds = [kind_rule.kind for kind_rule in rule.types]
    published = _published_months(kinds, tally, bands, rule, found)
    rows = []
    for month in found:
        for kind_rule in rule.types:
            item = published[(kind_rule.kind.code, month)]
            for band, amounts in item.parts:
                for share, amount in zip(band.shares, amounts, strict=True):
                    if amount.known is None and not (amount.suppressed or amount.unknown):
                        continue  # nobody in the band that month
                    rows.append(DistributedAmount(kind_rule, month, band, share, amount))
            if item.age_unknown is not None:
                unknown = MonthlyAmount(known=None, suppressed=False, unknown=True)
                rows.append(DistributedAmount(kind_rule, month, None, None, unknown))
    return rows


def distributed_record(row: DistributedAmount) -> dict[str, object]:
    """As the command line gives it: `amount` is the committee's part only where all of it is
    known and may be shown, else null; `known` is the known part, null where hidden."""
    amount, share = row.amount, row.share
    return {
        "committee": share.committee if share else None,
        "type": row.rule.kind.code,
        "month": f"{row.month.year:04d}-{row.month.month:02d}",
        "ages": row.band.ages if row.band else None,
        "share": _share_number(share) if share else None,
        "amount": None if amount.suppressed or amount.unknown else amount.known,
        "known": amount.known,
        "suppressed": amount.suppressed,
        "unknown": amount.unknown,
        "rule": row.band.id if row.band else None,
        "decision": row.rule.decision,
        "reason": None if row.band else str(AGE_UNKNOWN),
    }


def _share_number(share: Share) -> int | float:
    whole, rest = divmod(share.hundredths, 100)
    return whole if rest == 0 else share.hundredths / 100


def _scalar(store: duckdb.DuckDBPyConnection, sql: str, *parameters: object) -> Any:
    row = store.execute(sql, list(parameters)).fetchone()
    assert row is not None, sql
    return row[0]


def _pseudonyms(keys: list[int]) -> dict[int, str]:
    return dict(Person.objects.filter(pk__in=keys).values_list("pk", "pseudonym"))


def _require(user: User | None, action: Action) -> None:
    if user is not None and not can(user, action):
        raise PermissionDenied
