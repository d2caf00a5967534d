"""Reads of claims: candidates found in the register merged with the claims recorded, their
deadlines, and payments reconciled against expected compensation.

Everything here is per person (by pseudonym), so it needs `claim.manage` (controllers); `user`
None is the operator at the command line.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.utils import formats
from django.utils.translation import gettext as _

from helhetsbild.analysis.store import open_store
from helhetsbild.economy.claims import Candidate, candidates_for, period_text
from helhetsbild.economy.compensation import ALL_MONTHS, Window, window
from helhetsbild.economy.models import (
    CLAIM_FIELDS,
    CREATED,
    Claim,
    ClaimChange,
    Decision,
    Payment,
    PaymentFile,
)
from helhetsbild.economy.reconciliation import (
    STATUS_LABELS,
    ExpectedAmount,
    Line,
    Received,
    Status,
    reconcile,
)
from helhetsbild.economy.rules import CompensationType, rules
from helhetsbild.economy.store import expected_in_store, person_facts
from helhetsbild.economy.templatetags.economy import kronor
from helhetsbild.organisation.permissions import Action, can
from helhetsbild.register.models import Person

SOON_DAYS = 30
LATER_DAYS = 90


@dataclass(frozen=True)
class ClaimRow:
    """A candidate and the claim recorded for it, if any."""

    pseudonym: str
    person_key: int
    kind: CompensationType | None  # None: a claim of a type no longer in the rules
    type_code: str
    first: dt.date
    last: dt.date
    deadline: dt.date
    amount: int | None  # what is expected: the claim's amount applied for, else the rule's
    rule: str
    reason: str | None
    claim: Claim | None

    @property
    def period(self) -> str:
        return period_text(self.first, self.last)

    @property
    def sent(self) -> bool:
        return self.claim is not None and self.claim.sent_on is not None

    @property
    def status(self) -> str:
        claim = self.claim
        if claim is None:
            return _("ej sökt")
        if claim.paid_on is not None:
            return _("utbetald")
        if claim.decision:
            return str(Decision(claim.decision).label)
        return _("skickad") if claim.sent_on else _("påbörjad")

    @property
    def source(self) -> str:
        return self.kind.source if self.kind else ""

    @property
    def type_name(self) -> str:
        return self.kind.name if self.kind else self.type_code


def type_names() -> dict[str, str]:
    """Each type's Swedish name from the rule book, by code."""
    return {kind.code: kind.name for kind in rules()}


def type_name(code: str) -> str:
    """The type's Swedish name; the code of a type no longer in the rules."""
    return type_names().get(code, code)


def _require(user: User | None) -> None:
    if user is not None and not can(user, Action.CLAIM_MANAGE):
        raise PermissionDenied


def claim_rows(user: User | None) -> list[ClaimRow]:
    """Every candidate in the analysis store and every claim recorded, by deadline."""
    _require(user)
    book = rules()
    kinds = {kind.code: kind for kind in book}
    candidates: list[Candidate] = []
    with open_store() as store:
        for chunk in person_facts(store, book, ALL_MONTHS):
            for person in chunk:
                candidates += candidates_for(person, book)
    claims = {
        (claim.person_id, claim.type_code, claim.period_first): claim
        for claim in Claim.objects.select_related("person")
    }
    keys = {c.person for c in candidates} | {claim.person_id for claim in claims.values()}
    names = dict(Person.objects.filter(pk__in=keys).values_list("pk", "pseudonym"))
    rows = []
    for candidate in candidates:
        claim = claims.pop((candidate.person, candidate.kind.code, candidate.first), None)
        rows.append(
            ClaimRow(
                names.get(candidate.person, ""),
                candidate.person,
                candidate.kind,
                candidate.kind.code,
                candidate.first,
                candidate.last,
                candidate.deadline,
                _amount(claim, candidate.amount),
                candidate.rate.id,
                candidate.reason,
                claim,
            )
        )
    for claim in claims.values():  # recorded, no longer a candidate (the register changed)
        rows.append(
            ClaimRow(
                names.get(claim.person_id, ""),
                claim.person_id,
                kinds.get(claim.type_code),
                claim.type_code,
                claim.period_first,
                claim.period_last,
                claim.deadline,
                claim.amount_applied,
                claim.rule,
                None,
                claim,
            )
        )
    return sorted(rows, key=lambda row: (row.deadline, row.type_code, row.pseudonym))


def _amount(claim: Claim | None, expected: int | None) -> int | None:
    if claim is not None and claim.amount_applied is not None:
        return claim.amount_applied
    return expected


def due(user: User | None, days: int, today: dt.date) -> list[ClaimRow]:
    """Not yet sent, with a deadline from today up to `days` days ahead."""
    last = today + dt.timedelta(days=days)
    return [row for row in claim_rows(user) if not row.sent and today <= row.deadline <= last]


def missed(rows: list[ClaimRow], today: dt.date) -> list[ClaimRow]:
    """Not sent by the deadline: the money is lost for good. The latest first: those are the
    ones whose cause can still be found and mended."""
    lost = [row for row in rows if not row.sent and row.deadline < today]
    return sorted(lost, key=lambda row: row.deadline, reverse=True)


def due_record(row: ClaimRow) -> dict[str, object]:
    """One candidate or open claim as `claims due --format json` prints it: null where the
    amount is not known, never 0."""
    return {
        "person": row.pseudonym,
        "type": row.type_code,
        "period": row.period,
        "deadline": row.deadline.isoformat(),
        "amount": row.amount,
        "status": row.status,
        "rule": row.rule,
        "source": row.source,
    }


@dataclass(frozen=True)
class FieldChange:
    label: str  # the model field's Swedish name
    before: str  # as shown: "" where the field was empty
    after: str  # as shown: "–" where the field was emptied


@dataclass(frozen=True)
class HistoryEntry:
    at: dt.datetime
    username: str
    changes: list[FieldChange]


def history_entry(change: ClaimChange) -> HistoryEntry:
    """A history entry as a controller reads it: the fields' Swedish names, decisions by their
    labels, dates and amounts written the Swedish way. The one place that turns the stored
    text of `ClaimChange.changes` into words, for every page that shows a history."""
    return HistoryEntry(
        change.at,
        change.username,
        [
            FieldChange(_field_label(name), _shown(name, before), _shown(name, after) or "–")
            for name, (before, after) in sorted(change.changes.items(), key=_form_order)
        ],
    )


def _form_order(item: tuple[str, object]) -> int:
    """The form's order: PostgreSQL keeps a JSON object's keys in an order of its own."""
    order = (CREATED, *CLAIM_FIELDS)
    return order.index(item[0]) if item[0] in order else len(order)


def _field(name: str) -> models.Field[Any, Any] | None:
    try:
        field = Claim._meta.get_field("deadline" if name == CREATED else name)
    except FieldDoesNotExist:  # a field since removed: its name is all there is
        return None
    return field if isinstance(field, models.Field) else None


def _field_label(name: str) -> str:
    if name == CREATED:
        return _("skapad med sista dag för ansökan")
    field = _field(name)
    return str(field.verbose_name) if field else name


def _shown(name: str, text: str) -> str:
    field = _field(name)
    if not text or field is None:
        return text
    if field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if isinstance(field, models.DateField):
        return formats.date_format(dt.date.fromisoformat(text))
    if isinstance(field, models.IntegerField):
        return kronor(int(text))
    return text


RECONCILIATION_ROWS = 25
# What the page lists per person: the payments that need a controller's follow-up.
FOLLOW_UP = (Status.MISSING, Status.UNEXPECTED, Status.PARTIAL, Status.LATE)


@dataclass(frozen=True)
class Reconciled:
    """A reconciliation line as the page shows it, with the type's Swedish name."""

    person: str
    type_name: str
    month: dt.date
    expected: int | None
    received: int
    paid_on: dt.date | None


@dataclass(frozen=True)
class FollowUp:
    """The lines of one status, most recent month first, at most RECONCILIATION_ROWS."""

    status: Status
    label: str
    lines: list[Reconciled]
    rest: int  # how many more lines of the status there are

    @property
    def count(self) -> int:
        return len(self.lines) + self.rest


def follow_up(lines: list[Line]) -> tuple[list[FollowUp], dict[str, int]]:
    """The lines to follow up, by status, and how many lines of each other status there are
    (by their Swedish labels), for the page to account for every line."""
    names = type_names()
    latest_first = sorted(lines, key=lambda line: (line.month, line.person), reverse=True)
    groups = []
    for status in FOLLOW_UP:
        found = [line for line in latest_first if line.status == status]
        groups.append(
            FollowUp(
                status,
                str(STATUS_LABELS[status]),
                [
                    Reconciled(
                        line.person,
                        names.get(line.type_code, line.type_code),
                        line.month,
                        line.expected,
                        line.received,
                        line.paid_on,
                    )
                    for line in found[:RECONCILIATION_ROWS]
                ],
                max(len(found) - RECONCILIATION_ROWS, 0),
            )
        )
    others: dict[str, int] = {}
    for line in lines:
        if line.status not in FOLLOW_UP:
            label = str(STATUS_LABELS[line.status])
            others[label] = others.get(label, 0) + 1
    return groups, others


@dataclass(frozen=True)
class ClaimsPage:
    today: dt.date
    soon: list[ClaimRow]  # deadline within SOON_DAYS
    later: list[ClaimRow]  # within LATER_DAYS
    claims: list[tuple[ClaimRow, list[HistoryEntry]]]
    missed: list[ClaimRow]
    follow_up: list[FollowUp]  # empty: no payments imported
    others: dict[str, int]  # the other reconciliation lines, counted by status label

    @property
    def lost(self) -> int:
        """The kronor lost with the missed deadlines, where the expected amount is known."""
        return sum(row.amount for row in self.missed if row.amount is not None)


def claims_page(user: User, today: dt.date) -> ClaimsPage:
    rows = claim_rows(user)
    open_rows = [row for row in rows if not row.sent and row.deadline >= today]
    recorded = [row for row in rows if row.claim is not None]
    history: dict[int, list[HistoryEntry]] = {}
    for change in ClaimChange.objects.filter(claim__in=[r.claim for r in recorded]):
        history.setdefault(change.claim_id, []).append(history_entry(change))
    lines = reconciliation(user, today)
    groups, others = follow_up(lines) if lines else ([], {})
    return ClaimsPage(
        today=today,
        soon=[r for r in open_rows if (r.deadline - today).days <= SOON_DAYS],
        later=[r for r in open_rows if SOON_DAYS < (r.deadline - today).days <= LATER_DAYS],
        claims=[(r, history.get(r.claim.pk, [])) for r in recorded if r.claim],
        missed=missed(rows, today),
        follow_up=groups,
        others=others,
    )


def reconciliation(user: User | None, today: dt.date) -> list[Line]:
    """Every imported payment against the expected compensation over the months the payments
    cover, per person (pseudonym), type and month."""
    _require(user)
    payments = list(Payment.objects.select_related("person"))
    if not payments:
        return []
    first = min(p.period_first for p in payments)
    last = max(p.period_last for p in payments)
    received = [
        Received(
            p.person.pseudonym if p.person else p.pseudonym,
            p.type_code,
            p.period_first,
            p.period_last,
            p.amount,
            p.paid_on,
        )
        for p in payments
    ]
    return reconcile(_expected(window(first, last)), received, today)


def payments_agreeing(user: User | None, file: PaymentFile, today: dt.date) -> int:
    """How many of a file's payments fall on a reconciliation line whose amount agrees with
    the expected one, on time or late."""
    lines = {
        (line.person, line.type_code, line.month): line.status
        for line in reconciliation(user, today)
    }
    return sum(
        lines.get(
            (
                p.person.pseudonym if p.person else p.pseudonym,
                p.type_code,
                p.period_first.replace(day=1),
            )
        )
        in (Status.MATCHED, Status.LATE)
        for p in file.payments.select_related("person")
    )


def _expected(months: Window) -> Iterator[ExpectedAmount]:
    book = rules()
    with open_store() as store:
        for chunk in expected_in_store(store, book, months):
            names = dict(
                Person.objects.filter(pk__in=[key for key, _rows in chunk]).values_list(
                    "pk", "pseudonym"
                )
            )
            for key, rows in chunk:
                for row in rows:
                    yield ExpectedAmount(names[key], row.kind.code, row.month, row.amount)
