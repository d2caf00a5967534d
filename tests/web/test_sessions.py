"""Sessions: cookies the browser guards, idle and absolute timeouts, and a deactivated user's
sessions ended at once."""

import datetime as dt
import os
import subprocess
import sys
import time

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.organisation.auth import user_deactivate
from helhetsbild.organisation.models import Role
from helhetsbild.web.middleware import SESSION_SEEN, SESSION_STARTED
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(committees) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.ANALYST)


def signed_in_client(user: User) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200  # the first request stamps the session
    return client


def sessions_of(user: User) -> list[Session]:
    return [
        s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    ]


def backdate(client: Client, *, started: float = 0, seen: float = 0) -> None:
    """Move the session's login and last request `started` and `seen` seconds into the past."""
    session = client.session
    session[SESSION_STARTED] -= started
    session[SESSION_SEEN] -= seen
    session.save()


def test_the_session_cookie_is_http_only_same_site_and_dies_with_the_browser(analyst) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.post(reverse("login"), {"username": analyst.username, "password": PASSWORD})
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert not cookie["max-age"] and not cookie["expires"]


def test_the_session_cookie_is_secure_when_configured(settings, analyst) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_COOKIE_SECURE = True
    client = Client()
    client.post(reverse("login"), {"username": analyst.username, "password": PASSWORD})
    assert client.cookies["sessionid"]["secure"]


def test_a_session_idle_past_the_limit_ends_with_a_swedish_message(analyst) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(analyst)
    backdate(client, started=31 * 60, seen=31 * 60)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login") + "?next=/"
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).text
    assert "du inte har varit aktiv på 30 minuter" in page


def test_a_session_in_use_lives_on_and_notes_each_use(analyst) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(analyst)
    backdate(client, started=29 * 60, seen=29 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[SESSION_SEEN] < 5


def test_a_busy_session_ends_twelve_hours_after_login(analyst) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(analyst)
    backdate(client, started=12 * 3600 + 1)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and "_auth_user_id" not in client.session
    assert "sedan du loggade in" in client.get(response["Location"]).text


def test_the_timeouts_follow_the_settings(settings, analyst) -> None:  # type: ignore[no-untyped-def]
    settings.SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=5)
    client = signed_in_client(analyst)
    backdate(client, seen=6 * 60)
    assert client.get(reverse("home")).status_code == 302


@pytest.mark.slow
def test_the_timeouts_come_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    environment = {
        **os.environ,
        "HELHETSBILD_DATA_DIR": str(tmp_path),
        "HELHETSBILD_SESSION_IDLE_MINUTES": "15",
        "HELHETSBILD_SESSION_ABSOLUTE_HOURS": "8",
    }
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_IDLE_TIMEOUT, s.SESSION_ABSOLUTE_TIMEOUT, s.SESSION_COOKIE_AGE)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**environment, "DJANGO_SETTINGS_MODULE": "helhetsbild.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split() == ["0:15:00", "8:00:00", "28800"]


def test_deactivating_a_user_ends_all_their_sessions(committees, analyst) -> None:  # type: ignore[no-untyped-def]
    office, home = signed_in_client(analyst), signed_in_client(analyst)
    colleague = signed_in_client(make_user(Role.READER))
    admin = make_user(Role.ADMIN)
    admin.is_superuser = True
    admin.save()
    assert user_deactivate(actor=admin, user=analyst) == 2
    assert not sessions_of(analyst)
    for client in (office, home):
        response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert colleague.get(reverse("home")).status_code == 200
    event = AccessEvent.objects.get(action=events.USER_DEACTIVATED)
    assert event.user == admin and "2 sessioner avslutade" in event.detail


def test_only_a_user_administrator_may_deactivate(committees, analyst) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(analyst)
    with pytest.raises(PermissionDenied):
        user_deactivate(actor=make_user(Role.READER), user=analyst)
    analyst.refresh_from_db()
    assert analyst.is_active and client.get(reverse("home")).status_code == 200


def test_the_admin_action_deactivates_and_logs_out(committees, analyst) -> None:  # type: ignore[no-untyped-def]
    victim = signed_in_client(analyst)
    admin = make_user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_changelist"),
        {"action": "deactivate", "_selected_action": [analyst.pk]},
    )
    assert response.status_code == 302
    analyst.refresh_from_db()
    assert not analyst.is_active
    assert not sessions_of(analyst)
    assert victim.get(reverse("home")).status_code == 302


def test_an_inactive_users_existing_session_no_longer_works(analyst) -> None:  # type: ignore[no-untyped-def]
    client = signed_in_client(analyst)
    analyst.is_active = False
    analyst.save()
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
