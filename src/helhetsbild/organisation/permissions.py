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
    # Claims to Migrationsverket: candidates, recording a claim and its decision, payments, and
    # the personnummer a claim needs (each view and export logged).
    CLAIM_MANAGE = "claim.manage"
    # The access log entry by entry, its monthly sample and sign-off; person-level, so admins only.
    ACCESS_LOG_REVIEW = "accesslog.review"
    # That the monthly review is done (months, sample sizes, who signed): no entries, no persons.
    ACCESS_LOG_OVERSIGHT = "accesslog.oversight"
    # A data subject's "who has looked at me" report, from a personnummer; logged.
    ACCESS_LOG_SUBJECT_REPORT = "accesslog.subject_report"
    # Removing entries older than the retention period (helhetsbild purge-log).
    ACCESS_LOG_PURGE = "accesslog.purge"
    # The goal tree with its statuses, indicators and history: aggregates only, so every role.
    GOAL_VIEW = "goal.view"
    # Adding goals, indicators and targets, copying a year forward, closing a year.
    GOAL_EDIT = "goal.edit"
    # Entering outcomes and assessments for a goal: the committee's own staff for its goals.
    GOAL_ASSESS = "goal.assess"
    # Audits and action plans, their recommendations and the actions' status over time: public
    # documents, so every role, the auditors (readers) included.
    AUDIT_VIEW = "audit.view"
    # Importing an audit report (review, correct, confirm) and starting an action plan.
    AUDIT_EDIT = "audit.edit"
    # Adding actions to a recommendation and changing their status: the responsible committee's
    # caseworkers for its own actions, analysts (who coordinate the answer) for all.
    ACTION_UPDATE = "action.update"
    # The committees' interim and annual reports, drafts and archived: aggregates only, so every
    # role (docs/reports.md).
    REPORT_VIEW = "report.view"
    # Starting a committee's report and marking its sections ready: the committee's caseworkers
    # for its own sections, analysts for all, the council's included.
    REPORT_EDIT = "report.edit"
    # Archiving a report: generating the files as sent, and locking it.
    REPORT_ARCHIVE = "report.archive"


POLICY: dict[str, frozenset[Action]] = {
    Role.CASEWORKER: frozenset(
        {
            Action.IMPORT_RUN,
            Action.IMPORT_VIEW,
            Action.REGISTER_VIEW,
            Action.PERSON_VIEW_IDENTIFIED,
            Action.ANALYSIS_BUILD,
            Action.AGGREGATE_VIEW,
            Action.GOAL_VIEW,
            Action.GOAL_ASSESS,
            Action.AUDIT_VIEW,
            Action.ACTION_UPDATE,
            Action.REPORT_VIEW,
            Action.REPORT_EDIT,
        }
    ),
    Role.ANALYST: frozenset(
        {
            Action.AGGREGATE_VIEW,
            Action.JOURNEY_OPEN,
            Action.GOAL_VIEW,
            Action.GOAL_EDIT,
            Action.GOAL_ASSESS,
            Action.AUDIT_VIEW,
            Action.AUDIT_EDIT,
            Action.ACTION_UPDATE,
            Action.REPORT_VIEW,
            Action.REPORT_EDIT,
            Action.REPORT_ARCHIVE,
        }
    ),
    Role.CONTROLLER: frozenset(
        {
            Action.AGGREGATE_VIEW,
            Action.COMPENSATION_VIEW,
            Action.CLAIM_MANAGE,
            Action.GOAL_VIEW,
            Action.AUDIT_VIEW,
            Action.REPORT_VIEW,
        }
    ),
    Role.READER: frozenset(
        {
            Action.AGGREGATE_VIEW,
            Action.ACCESS_LOG_OVERSIGHT,
            Action.GOAL_VIEW,
            Action.AUDIT_VIEW,
            Action.REPORT_VIEW,
        }
    ),
    Role.ADMIN: frozenset(
        {
            Action.IMPORT_VIEW,
            Action.ANALYSIS_BUILD,
            Action.AGGREGATE_VIEW,
            Action.ACCESS_LOG_REVIEW,
            Action.ACCESS_LOG_OVERSIGHT,
            Action.ACCESS_LOG_SUBJECT_REPORT,
            Action.ACCESS_LOG_PURGE,
            Action.GOAL_VIEW,
            Action.GOAL_EDIT,
            Action.AUDIT_VIEW,
            Action.AUDIT_EDIT,
            Action.REPORT_VIEW,
        }
    ),
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


def actions_of(user: Viewer) -> frozenset[Action]:
    """Every action `user` may perform for some committee: `can` for all actions at once, in two
    queries, for the menu of every page."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    memberships = Membership.objects.filter(
        user=user, committee__active=True
    ) | Membership.objects.filter(user=user, committee__isnull=True)
    any_committee = Committee.objects.filter(active=True).exists()
    held: set[Action] = set()
    for membership in memberships:
        # A bound role always has its (active) committee; the others reach every active one.
        if membership.role in COMMITTEE_BOUND_ROLES or any_committee:
            held |= POLICY.get(membership.role, frozenset())
    return frozenset(held)


def can_for(user: Viewer, action: Action, committee: Committee | None) -> bool:
    """Whether `user` may perform `action` on a record of `committee`. A record of no committee
    (the council's goals) is reached only through a role bound to no committee."""
    if committee is not None:
        return committees_for(user, action).filter(pk=committee.pk).exists()
    if not user.is_authenticated or not user.is_active:
        return False
    return any(
        role not in COMMITTEE_BOUND_ROLES and action in POLICY.get(role, frozenset())
        for role in roles_of(user)
    )


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
