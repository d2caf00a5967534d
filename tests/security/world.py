"""One small municipality with a user for every role, and an object behind every URL parameter.

KS and SN are the two committees whose secrecy the tests look at: each has an import batch and
an open quarantine row; KS alone knows Bo (the small register's KS-only person), SN and KS both
know Anna. The analysis store is built, there is a goal tree, an audit with an action of KS's, an
API key for every user, an interim report of KS's, and one row of every model the admin site
shows.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.analysis import engine
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.store import build_store
from helhetsbild.analysis.tasks import store_rebuild
from helhetsbild.api.services import api_token_create
from helhetsbild.goals.models import Goal, GoalIndicator, GoalKind
from helhetsbild.goals.services import (
    goal_add,
    goal_assessment_add,
    goal_period_close,
    goal_statuses_record,
)
from helhetsbild.imports.models import BatchState, ImportBatch, QuarantineRow
from helhetsbild.organisation.models import Committee, GroupRoleMapping, Role
from helhetsbild.plans.models import Action, Audit
from helhetsbild.reports.models import Report, ReportKind
from helhetsbild.reports.services import report_create
from tests.analysis.small_register import ANNA, BO, Keys, import_small_register
from tests.factories import TODAY, make_committees, make_user, run_import, write_kind
from tests.goals.support import Tree, make_tree, manual_indicator, report
from tests.plans.world import make_action, make_audit
from tests.security.routes import Route

# The committee whose objects fill the URLs, and the one whose caseworker must not reach them.
OWN, OTHER = "KS", "SN"


class Who(StrEnum):
    """The visitors the matrix asks about: every role, a caseworker of the other committee,
    a signed-in user with no role at all, and no one signed in."""

    ANONYMOUS = "anonym"
    NO_ROLE = "utan-roll"
    CASEWORKER = "handläggare-KS"
    CASEWORKER_OTHER = "handläggare-SN"
    ANALYST = "analytiker"
    CONTROLLER = "controller"
    READER = "läsare"
    ADMIN = "systemförvaltare"


ROLE_OF = {
    Who.CASEWORKER: Role.CASEWORKER,
    Who.CASEWORKER_OTHER: Role.CASEWORKER,
    Who.ANALYST: Role.ANALYST,
    Who.CONTROLLER: Role.CONTROLLER,
    Who.READER: Role.READER,
    Who.ADMIN: Role.ADMIN,
}


@dataclass(frozen=True)
class World:
    committees: dict[str, Committee]
    users: dict[Who, User]
    keys: dict[Who, str]  # each user's API key
    persons: Keys
    batches: dict[str, ImportBatch]  # the batch of each committee that left a quarantined row
    quarantine: dict[str, QuarantineRow]
    build: AnalysisBuild
    tree: Tree
    goal: Goal  # KS's goal under the tree's strategic goal
    goal_indicator: GoalIndicator  # on KS's goal, reported by hand
    audit: Audit
    action: Action  # KS's action on the audit's first recommendation
    report: Report  # KS's interim report of the goals' year
    sampled_month: dt.date  # an ended month, as the sample page wants one


def make_world(folder: Path) -> World:
    engine._cache.clear()
    committees = make_committees()
    users = _users(committees)
    persons = import_small_register(committees, folder)
    batches = {
        OWN: _quarantined_batch(committees[OWN], folder, BO),
        OTHER: _quarantined_batch(committees[OTHER], folder, ANNA),
    }
    build = build_store(actor=None, reference_date=TODAY)
    tree = make_tree(committees)
    goal = goal_add(
        actor=users[Who.ANALYST],
        year=tree.strategic.year,
        kind=GoalKind.COMMITTEE_GOAL,
        title="Snabbare bosättning",
        parent=tree.strategic,
        committee=committees[OWN],
    )
    goal_indicator = manual_indicator(goal, "Andel bosatta inom två månader", "up", 80)
    report(goal_indicator, 75)
    goal_assessment_add(
        actor=users[Who.CASEWORKER],
        goal=goal,
        fulfilment="partly_fulfilled",
        analysis="På väg.",
        comment="Enligt plan.",
    )
    goal_statuses_record(year=goal.year, actor=users[Who.ANALYST])
    goal_period_close(actor=users[Who.ANALYST], year=tree.vision.year - 1)
    audit = make_audit(committees)
    action = make_action(audit, committees[OWN])
    report_of_own = report_create(
        actor=None, kind=ReportKind.INTERIM, year=goal.year, committee=committees[OWN]
    )
    keys = {
        who: api_token_create(actor=None, user=user, name=f"nyckel {who}").key
        for who, user in users.items()
    }
    # The user without a role had one when the key was made: a key outlives a role taken away.
    users[Who.NO_ROLE].memberships.all().delete()
    _admin_rows(users)
    month_ago = timezone.localdate().replace(day=1) - dt.timedelta(days=1)
    return World(
        committees=committees,
        users=users,
        keys=keys,
        persons=persons,
        batches=batches,
        quarantine={code: batch.quarantine.get() for code, batch in batches.items()},
        build=build,
        tree=tree,
        goal=goal,
        goal_indicator=goal_indicator,
        audit=audit,
        action=action,
        report=report_of_own,
        sampled_month=month_ago.replace(day=1),
    )


def _users(committees: dict[str, Committee]) -> dict[Who, User]:
    users: dict[Who, User] = {
        Who.NO_ROLE: make_user(Role.READER, username="utan-roll"),  # type: ignore[dict-item]
        Who.CASEWORKER: make_user(Role.CASEWORKER, committees[OWN]),  # type: ignore[dict-item]
        Who.CASEWORKER_OTHER: make_user(Role.CASEWORKER, committees[OTHER]),  # type: ignore[dict-item]
    }
    for who in (Who.ANALYST, Who.CONTROLLER, Who.READER, Who.ADMIN):
        users[who] = make_user(ROLE_OF[who])  # type: ignore[assignment]
    # As single sign-on makes an administrator (organisation.oidc.memberships_sync).
    admin = users[Who.ADMIN]
    admin.is_staff = admin.is_superuser = True
    admin.save(update_fields=["is_staff", "is_superuser"])
    return users


def _quarantined_batch(committee: Committee, folder: Path, number: str) -> ImportBatch:
    """A payment file with a good row for Anna and one for `number` with a month that does not
    exist. KS's bad row is Bo's, so that nothing of SN's mentions him."""
    path = write_kind(
        folder / f"karantan-{committee.code}.csv",
        "forsorjningsstod",
        [
            [f"H-{committee.code}", ANNA, "2026-05", "700"],
            [f"H-{committee.code}", number, "2026-13", "1"],
        ],
    )
    result = run_import(committee, "forsorjningsstod", path, accept_valid=True)
    assert result.state == BatchState.PARTIAL, result.issues
    return ImportBatch.objects.get(pk=result.batch_id)


def _admin_rows(users: dict[Who, User]) -> None:
    """One row of each model the admin shows that the rest of the world does not create."""
    Group.objects.create(name="Behörighetsgrupp")
    GroupRoleMapping.objects.create(group="helhetsbild-lasare", role=Role.READER)
    access_event_record(actor=users[Who.ADMIN], action=events.PERMISSION_CHANGED, detail="test")
    attempt = {"user_agent": "test", "ip_address": "127.0.0.1", "username": "utan-roll"}
    AccessAttempt.objects.create(**attempt, failures_since_start=1)
    AccessLog.objects.create(**attempt)
    AccessFailureLog.objects.create(**attempt)
    TOTPDevice.objects.create(user=users[Who.NO_ROLE], name="telefon", confirmed=False)
    queued = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=queued):
        store_rebuild.enqueue(actor_id=None, batch_id=0)


def parameters(route: Route, world: World) -> dict[str, object]:
    """A real object of KS for every parameter the route takes."""
    values: dict[str, object] = {
        "batch_id": world.batches[OWN].pk,
        "row_id": world.quarantine[OWN].pk,
        "committee_code": OWN,
        "person_id": world.persons.bo,  # known to KS only
        "indicator_id": "sjalvforsorjande_andel",
        "file_format": "csv",
        "goal_id": world.goal.pk,
        "goal_indicator_id": world.goal_indicator.pk,
        "year": world.goal.year,
        "month": world.sampled_month.month,
        "audit_id": world.audit.pk,
        "recommendation_id": world.action.recommendation_id,
        "action_id": world.action.pk,
        "id": world.users[Who.READER].pk,
        "app_label": "organisation",
        "url": "finns-inte/",
        "content_type_id": ContentType.objects.get_for_model(type(world.audit)).pk,
        "object_id": world.audit.pk,
        "report_id": world.report.pk,
        "key": f"mal-{world.goal.pk}",
    }
    if route.key == "accesslog:month":
        values["year"] = world.sampled_month.year
    if route.key == "plans:export":
        values["file_format"] = "xlsx"
    if route.key == "reports:download":
        values["file_format"] = "html"
    model = _admin_model_of(route)
    if model is not None:
        first = model._default_manager.order_by("pk").first()
        assert first is not None, f"världen saknar en rad av {model} för {route.key}"
        values["object_id"] = values["pk"] = first.pk
    assert set(route.parameters) <= values.keys(), route
    return values


def _admin_model_of(route: Route) -> type | None:
    for model in admin.site._registry:
        if route.route.startswith(f"admin/{model._meta.app_label}/{model._meta.model_name}/"):
            return model
    return None
