"""Reads of claims: candidates found in the register merged with the claims recorded, their
deadlines, and payments reconciled against expected compensation.

Everything here is per person (by pseudonym), so it needs `claim.manage` (controllers); `user`
None is the operator at the command line.
"""

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from helhetsbild.analysis.store import open_store
from helhetsbild.economy.claims import Candidate, candidates_for, period_text
from helhetsbild.economy.compensation import ALL_MONTHS, Window, window
from helhetsbild.economy.models import Claim, ClaimChange, Decision, Payment
from helhetsbild.economy.reconciliation import (
    ExpectedAmount,
    Line,
    MonthSummary,
    Received,
    monthly_summary,
    reconcile,
)
from helhetsbild.economy.rules import CompensationType, rules
from helhetsbild.economy.store import expected_in_store, person_facts
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
    """Not sent by the deadline: the money is lost for good."""
    return [row for row in rows if not row.sent and row.deadline < today]


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
class ClaimsPage:
    today: dt.date
    soon: list[ClaimRow]  # deadline within SOON_DAYS
    later: list[ClaimRow]  # within LATER_DAYS
    claims: list[tuple[ClaimRow, list[ClaimChange]]]
    missed: list[ClaimRow]
    summary: list[MonthSummary]


def claims_page(user: User, today: dt.date) -> ClaimsPage:
    rows = claim_rows(user)
    open_rows = [row for row in rows if not row.sent and row.deadline >= today]
    recorded = [row for row in rows if row.claim is not None]
    history: dict[int, list[ClaimChange]] = {}
    for change in ClaimChange.objects.filter(claim__in=[r.claim for r in recorded]):
        history.setdefault(change.claim_id, []).append(change)
    return ClaimsPage(
        today=today,
        soon=[r for r in open_rows if (r.deadline - today).days <= SOON_DAYS],
        later=[r for r in open_rows if SOON_DAYS < (r.deadline - today).days <= LATER_DAYS],
        claims=[(r, history.get(r.claim.pk, [])) for r in recorded if r.claim],
        missed=missed(rows, today),
        summary=monthly_summary(reconciliation(None, today)) if Payment.objects.exists() else [],
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
