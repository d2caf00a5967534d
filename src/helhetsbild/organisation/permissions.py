"""The one permission policy: which role may do which action, and for which committees.

Selectors and services ask `committees_for(user, action)`; nothing else looks at roles. A role
that holds an action without a committee binding holds it for every committee.
"""

from enum import StrEnum

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest

from helhetsbild.organisation.models import Committee, Membership, Role


class Action(StrEnum):
    IMPORT_RUN = "import.run"
    IMPORT_VIEW = "import.view"
    REGISTER_VIEW = "register.view"
    PERSON_VIEW_IDENTIFIED = "person.view_identified"
    ANALYSIS_BUILD = "analysis.build"
    # Indicators, the overview and the journey of a cohort: aggregates after disclosure control.
    AGGREGATE_VIEW = "aggregate.view"
    # One newcomer's journey month by month, pseudonymised (no identity); logged.
    JOURNEY_OPEN = "journey.open"
    # Expected (and later received) state compensation per person; logged.
    COMPENSATION_VIEW = "compensation.view"


POLICY: dict[str, frozenset[Action]] = {
    Role.CASEWORKER: frozenset(
        {
            Action.IMPORT_RUN,
            Action.IMPORT_VIEW,
            Action.REGISTER_VIEW,
            Action.PERSON_VIEW_IDENTIFIED,
            Action.ANALYSIS_BUILD,
            Action.AGGREGATE_VIEW,
        }
    ),
    Role.ANALYST: frozenset({Action.AGGREGATE_VIEW, Action.JOURNEY_OPEN}),
    Role.CONTROLLER: frozenset({Action.AGGREGATE_VIEW, Action.COMPENSATION_VIEW}),
    Role.READER: frozenset({Action.AGGREGATE_VIEW}),
    Role.ADMIN: frozenset({Action.IMPORT_VIEW, Action.ANALYSIS_BUILD, Action.AGGREGATE_VIEW}),
}

# Roles whose actions reach only the committee of their membership.
COMMITTEE_BOUND_ROLES = frozenset({Role.CASEWORKER})


Viewer = User | AnonymousUser


def committees_for(user: Viewer, action: Action) -> QuerySet[Committee]:
    """The committees on whose records `user` may perform `action` (possibly none)."""
    if not user.is_authenticated or not user.is_active:
        return Committee.objects.none()
    memberships = Membership.objects.filter(
        user=user, committee__active=True
    ) | Membership.objects.filter(user=user, committee__isnull=True)
    roles = [m for m in memberships if action in POLICY.get(m.role, frozenset())]
    if any(m.role not in COMMITTEE_BOUND_ROLES for m in roles):
        return Committee.objects.filter(active=True)
    return Committee.objects.filter(active=True, pk__in=[m.committee_id for m in roles])


def can(user: Viewer, action: Action) -> bool:
    return committees_for(user, action).exists()


def roles_of(user: Viewer) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(Membership.objects.filter(user=user).values_list("role", flat=True))


def acting_user(request: HttpRequest) -> User:
    """The signed-in, active user behind a request; views pass it to services and selectors."""
    user = request.user
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    assert isinstance(user, User)
    return user
