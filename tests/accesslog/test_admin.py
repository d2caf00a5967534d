"""A change of permissions in Django's admin goes to the access log, as one entry per change,
and the log itself cannot be edited there."""

import pytest
from django.test import Client

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.organisation.models import Membership, Role
from tests.factories import caseworker, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(committees):  # type: ignore[no-untyped-def]
    user = make_user(Role.ADMIN, username="admin")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def admin_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_roles_and_flags_changed_in_the_admin_are_logged(committees, superuser) -> None:  # type: ignore[no-untyped-def]
    target = caseworker(committees["SN"])
    held = Membership.objects.get(user=target)
    response = admin_client(superuser).post(
        f"/admin/auth/user/{target.pk}/change/",
        {
            "username": target.username,
            "first_name": target.first_name,
            "last_name": target.last_name,
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "date_joined_0": "2026-11-22",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "1",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(held.pk),
            "memberships-0-user": str(target.pk),
            "memberships-0-role": Role.CASEWORKER,
            "memberships-0-committee": str(committees["SN"].pk),
            "memberships-0-DELETE": "on",
            "memberships-1-user": str(target.pk),
            "memberships-1-role": Role.CASEWORKER,
            "memberships-1-committee": str(committees["AMN"].pk),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(
        Membership.objects.filter(user=target).values_list("committee__code", flat=True)
    ) == ["AMN"]
    logged = AccessEvent.objects.filter(action=events.PERMISSION_CHANGED).order_by("sequence")
    assert [(e.user, e.detail) for e in logged] == [
        (superuser, f"{target.username}: ändrade is_staff"),
        (superuser, f"{target.username}: fick rollen {target.username} – Handläggare – AMN"),
        (superuser, f"{target.username}: miste rollen {target.username} – Handläggare – SN"),
    ]


def test_the_log_is_read_only_in_the_admin(committees, superuser) -> None:  # type: ignore[no-untyped-def]
    event = access_event_record(actor=superuser, action=events.PERSON_VIEWED, pseudonym="a" * 64)
    client = admin_client(superuser)
    assert client.get("/admin/accesslog/accessevent/").status_code == 200
    assert client.get("/admin/accesslog/accessevent/add/").status_code == 403
    assert (
        client.post(f"/admin/accesslog/accessevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    client.post(f"/admin/accesslog/accessevent/{event.pk}/change/", {"purpose": "annat"})
    assert AccessEvent.objects.get().purpose == ""
