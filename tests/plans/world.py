"""A small audit with two recommendations and actions for KS and SN, for the service and page
tests."""

import datetime as dt

from helhetsbild.organisation.models import Committee
from helhetsbild.plans.models import Action, Audit, Status
from helhetsbild.plans.services import action_create, audit_create
from tests.factories import TODAY


def make_audit(committees: dict[str, Committee]) -> Audit:
    return audit_create(
        actor=None,
        title="Granskning av integrationsarbetet",
        auditor="KPMG",
        date=dt.date(2026, 3, 1),
        committees=[committees["KS"], committees["SN"]],
        questions=[("Finns det en plan?", "delvis uppfyllt"), ("Följs planen upp?", "")],
        recommendations=["Tydliggöra ansvaret.", "Följa upp planen årligen."],
    )


def make_action(
    audit: Audit,
    committee: Committee,
    *,
    deadline: dt.date | None = TODAY + dt.timedelta(days=30),
    status: str = Status.NOT_STARTED,
    position: int = 1,
    follow_up: str = "årsredovisningen",
    **options: object,
) -> Action:
    return action_create(
        actor=None,
        recommendation=audit.recommendations.get(position=position),
        text=f"Åtgärd för {committee.code}",
        responsible="Integrationssamordnare",
        committee=committee,
        deadline=deadline,
        continuous=deadline is None,
        follow_up="" if deadline else follow_up,
        status=status,
        today=TODAY - dt.timedelta(days=60),
        **options,  # type: ignore[arg-type]
    )
