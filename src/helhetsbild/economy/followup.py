"""The Ekonomi page's follow-up: what was expected against what Migrationsverket paid, per month
and type, and the claims whose deadlines are near or missed.

Both are aggregates, so everyone allowed aggregates sees them after disclosure control
(DESIGN.md §5); the persons behind them are on the Återsökning page, for controllers. The
reconciliation and the claims are read as the operator reads them (`user` None) once this
module has checked the viewer may see aggregates.

What is protected, and how: each sum is one cell of `protect` whose persons are those behind
it, so a sum of fewer persons than the threshold is hidden. The difference (received minus
expected) is about the persons whose payment differs; when they are too few, the difference is
hidden, and so is the amount received, since received = expected + difference would give it
back. A hidden expected amount hides the difference for the same reason.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from helhetsbild.analysis.disclosure import TOTAL, Cell, Unit, protect
from helhetsbild.economy.claim_selectors import (
    LATER_DAYS,
    SOON_DAYS,
    ClaimRow,
    claim_rows,
    reconciliation,
)
from helhetsbild.economy.reconciliation import Line, Status
from helhetsbild.economy.rules import rules
from helhetsbild.economy.selectors import MonthlyAmount
from helhetsbild.organisation.permissions import Action, can

NOTHING = MonthlyAmount(known=None, suppressed=False, unknown=False)


@dataclass(frozen=True)
class ReceivedRow:
    month: dt.date
    type_name: str
    expected: MonthlyAmount
    received: MonthlyAmount
    difference: MonthlyAmount  # received minus expected


def received_by_month(
    lines: Iterable[Line], names: Mapping[str, str], threshold: int | None = None
) -> list[ReceivedRow]:
    """The reconciliation's lines (one per person, type and month) summed per month and type."""
    groups: dict[tuple[dt.date, str], list[Line]] = defaultdict(list)
    for line in lines:
        groups[(line.month, line.type_code)].append(line)
    return [
        _received_row(month, names.get(code, code), group, threshold)
        for (month, code), group in sorted(groups.items())
    ]


def _received_row(
    month: dt.date, name: str, lines: list[Line], threshold: int | None
) -> ReceivedRow:
    expected_lines = [line for line in lines if line.status != Status.UNEXPECTED]
    known = [line.expected for line in expected_lines if line.expected is not None]
    unknown = len(known) < len(expected_lines)
    paid = [line.received for line in lines if line.received]
    # Received minus expected per person; a person without an expectation was expected nothing.
    differences = [
        line.received - (line.expected or 0)
        for line in lines
        if line.status == Status.UNEXPECTED or line.expected is not None
    ]
    differing = [difference for difference in differences if difference]
    expected = _per_person(f"{month}.expected", known, threshold) if known else NOTHING
    received = _per_person(f"{month}.received", paid, threshold)
    spread = _per_person(f"{month}.difference", [abs(d) for d in differing], threshold)
    expected = MonthlyAmount(expected.known, expected.suppressed, unknown)
    if spread.suppressed:
        received = MonthlyAmount(None, True, False)
    if expected.suppressed or received.suppressed:
        difference = MonthlyAmount(None, True, unknown)
    elif unknown:
        difference = MonthlyAmount(None, False, True)
    else:
        difference = MonthlyAmount(sum(differences), False, False)
    return ReceivedRow(month, name, expected, received, difference)


def _per_person(name: str, amounts: list[int], threshold: int | None) -> MonthlyAmount:
    """The sum of one amount per person. A refund makes an amount negative, so disclosure
    control weighs the amounts' sizes while the page shows their sum."""
    gross = sum(abs(amount) for amount in amounts)
    return _protected(name, sum(amounts), gross, len(amounts), threshold)


def _protected(
    name: str, amount: int, gross: int, persons: int, threshold: int | None
) -> MonthlyAmount:
    """`amount` as a one-cell table for `protect`, about `persons` whose amounts' sizes add up
    to `gross`: hidden when too few persons are behind it."""
    if persons == 0:  # nobody: a zero, which says nothing about anyone
        return MonthlyAmount(known=amount, suppressed=False, unknown=False)
    [cell] = protect(
        [
            Cell(
                indicator=f"economy.{name}",
                period="",
                breakdown=TOTAL,
                group=TOTAL,
                unit=Unit.AMOUNT,
                value=gross,
                numerator=gross,
                denominator=persons,
            )
        ],
        threshold,
    )
    shown = None if cell.suppressed else amount
    return MonthlyAmount(known=shown, suppressed=cell.suppressed, unknown=False)


@dataclass(frozen=True)
class DeadlineGroup:
    claims: MonthlyAmount  # how many claims (the number, not kronor)
    amount: MonthlyAmount  # what they are expected to bring, or what was lost


@dataclass(frozen=True)
class Deadlines:
    soon: DeadlineGroup  # deadline within SOON_DAYS days
    later: DeadlineGroup  # within SOON_DAYS + 1 to LATER_DAYS days
    missed: DeadlineGroup  # not sent by the deadline: lost for good


def deadline_summary(
    rows: Iterable[ClaimRow], today: dt.date, threshold: int | None = None
) -> Deadlines:
    """The claims not yet sent, by how near their deadline is; those past it are lost. Counted
    as the Återsökning page counts them."""
    groups: dict[str, list[ClaimRow]] = {"soon": [], "later": [], "missed": []}
    for row in rows:
        if row.sent:
            continue
        days = (row.deadline - today).days
        if days < 0:
            groups["missed"].append(row)
        elif days <= SOON_DAYS:
            groups["soon"].append(row)
        elif days <= LATER_DAYS:
            groups["later"].append(row)
    return Deadlines(
        soon=_deadline_group("soon", groups["soon"], threshold),
        later=_deadline_group("later", groups["later"], threshold),
        missed=_deadline_group("missed", groups["missed"], threshold),
    )


def _deadline_group(name: str, rows: list[ClaimRow], threshold: int | None) -> DeadlineGroup:
    """The number of claims and their known amount, each hidden when fewer persons than the
    threshold are behind it (a person may have several claims, one per quarter)."""
    known = [row.amount for row in rows if row.amount is not None]
    amount = (
        _protected(
            f"deadlines.{name}.amount",
            sum(known),
            sum(known),
            len({row.person_key for row in rows if row.amount is not None}),
            threshold,
        )
        if known
        else NOTHING
    )
    persons = len({row.person_key for row in rows})
    return DeadlineGroup(
        claims=_protected(f"deadlines.{name}.count", len(rows), len(rows), persons, threshold),
        amount=MonthlyAmount(amount.known, amount.suppressed, len(known) < len(rows)),
    )


@dataclass(frozen=True)
class Followup:
    received: list[ReceivedRow]  # empty: no payment specification imported yet
    deadlines: Deadlines
    may_open_claims: bool  # the viewer may open the Återsökning page


def followup_for(user: User | None, today: dt.date) -> Followup:
    if user is not None and not can(user, Action.AGGREGATE_VIEW):
        raise PermissionDenied
    names = {kind.code: kind.name for kind in rules()}
    return Followup(
        received=received_by_month(reconciliation(None, today), names),
        deadlines=deadline_summary(claim_rows(None), today),
        may_open_claims=user is None or can(user, Action.CLAIM_MANAGE),
    )
