"""API keys: created by an administrator and shown once, kept only as a hash, revoked or expired
for good; every change is in the access log. Through the service, the command line and the admin."""

import datetime as dt
import hashlib
import io
from collections.abc import Callable

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.api.models import ApiToken, TokenState
from helhetsbild.api.services import api_token_create, api_token_revoke
from helhetsbild.organisation.models import Membership, Role
from tests.api.conftest import Get
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def administrator(db: None) -> User:
    """A staff user holding Django's permissions on API keys, as the demo's admin would."""
    user = make_user(Role.ADMIN, username="systemforvaltare")
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="api"))
    return User.objects.get(pk=user.pk)  # permissions are cached per instance


def cli(*args: str) -> str:
    out = io.StringIO()
    call_command("api-token", *args, stdout=out)
    return out.getvalue()


def test_a_new_key_is_given_once_and_only_its_hash_is_stored(
    administrator: User, reader: User
) -> None:
    issued = api_token_create(actor=administrator, user=reader, name="Power BI")

    token = ApiToken.objects.get()
    assert issued.key.startswith(f"hb_{token.prefix}_") and len(issued.key) > 40
    assert token.secret_hash == hashlib.sha256(issued.key.encode()).hexdigest()
    stored = [str(value) for value in ApiToken.objects.values().get().values()]
    assert not any(issued.key in value or issued.key[12:] in value for value in stored)
    assert token.expires_at - token.created_at == dt.timedelta(days=365)
    assert (token.user, token.created_by, token.state()) == (
        reader,
        administrator,
        TokenState.ACTIVE,
    )
    event = AccessEvent.objects.get()
    assert (event.user, event.action) == (administrator, events.API_TOKEN_CREATED)
    assert event.detail == f"Nyckel {token.prefix} ”Power BI” för {reader.username}"


def test_a_key_reads_until_it_is_revoked(
    store: AnalysisBuild, administrator: User, reader: User, get: Get, key: str
) -> None:
    assert get("/api/v1/indicators").status_code == 200

    token = api_token_revoke(actor=administrator, token=ApiToken.objects.get())

    response = get("/api/v1/indicators")
    assert response.status_code == 401
    assert response.json() == {"error": f"API-nyckeln {token.prefix} är återkallad."}
    assert token.state() == TokenState.REVOKED
    assert AccessEvent.objects.filter(
        user=administrator, action=events.API_TOKEN_REVOKED, detail__contains=token.prefix
    ).exists()
    with pytest.raises(ValidationError, match="redan återkallad"):
        api_token_revoke(actor=administrator, token=token)


def test_a_key_stops_working_when_it_expires(store: AnalysisBuild, get: Get) -> None:
    assert get("/api/v1/indicators").status_code == 200
    now = timezone.now()
    ApiToken.objects.update(created_at=now - dt.timedelta(days=366), expires_at=now)

    response = get("/api/v1/indicators")

    token = ApiToken.objects.get()
    assert response.status_code == 401 and token.state() == TokenState.EXPIRED
    expired = f"{timezone.localtime(now):%Y-%m-%d}"
    assert response.json() == {"error": f"API-nyckeln {token.prefix} gick ut {expired}."}


def test_the_last_use_is_recorded_to_the_minute(store: AnalysisBuild, get: Get) -> None:
    assert ApiToken.objects.get().last_used_at is None
    before = timezone.now()

    get("/api/v1/indicators")

    first = ApiToken.objects.get().last_used_at
    assert first is not None and first >= before
    get("/api/v1/results")
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=1))
    get("/api/v1/results")
    later = ApiToken.objects.get().last_used_at
    assert later is not None and later > first


@pytest.mark.parametrize(
    ("name", "days", "user_change", "message"),
    [
        ("  ", 365, None, "Ge nyckeln ett namn"),
        ("BI", 0, None, "från 1 till 730 dagar, inte 0"),
        ("BI", 731, None, "från 1 till 730 dagar, inte 731"),
        ("BI", 365, "deactivate", "Användaren reader-alla är inte aktiv."),
        ("BI", 365, "remove_role", "Användaren reader-alla får inte se indikatorer"),
    ],
)
def test_a_key_that_could_not_work_is_refused(
    reader: User, name: str, days: int, user_change: str | None, message: str
) -> None:
    if user_change == "deactivate":
        reader.is_active = False
        reader.save()
    if user_change == "remove_role":
        Membership.objects.filter(user=reader).delete()

    with pytest.raises(ValidationError, match=message):
        api_token_create(actor=None, user=reader, name=name, days=days)

    assert not ApiToken.objects.exists() and not AccessEvent.objects.exists()


@pytest.mark.parametrize("action", ["create", "revoke"])
def test_only_a_user_with_the_admin_permission_manages_keys(
    administrator: User, reader: User, action: str
) -> None:
    manage: dict[str, Callable[[User], object]] = {
        "create": lambda actor: api_token_create(actor=actor, user=reader, name="BI"),
        "revoke": lambda actor: api_token_revoke(actor=actor, token=token),
    }
    token = api_token_create(actor=None, user=reader, name="BI").token
    analyst = make_user(Role.ANALYST)

    with pytest.raises(PermissionDenied):
        manage[action](analyst)  # type: ignore[arg-type]
    manage[action](administrator)


def test_the_command_line_creates_lists_and_revokes_keys(reader: User) -> None:
    created = cli("create", "--user", reader.username, "--name", "Power BI", "--days", "30")

    token = ApiToken.objects.get()
    lines = created.splitlines()
    assert lines[0] == (
        f"API-nyckel {token.prefix} skapad för {reader.username}, gäller till "
        f"{timezone.localtime(token.expires_at):%Y-%m-%d}:"
    )
    key = lines[1]
    assert token.secret_hash == hashlib.sha256(key.encode()).hexdigest()
    assert lines[2] == "Spara nyckeln nu: den visas bara den här gången." and len(lines) == 3
    assert token.expires_at - token.created_at == dt.timedelta(days=30)
    assert token.created_by is None
    event = AccessEvent.objects.get(action=events.API_TOKEN_CREATED)
    assert event.user == reader and event.detail.endswith("(på kommandoraden)")

    listed = cli("list").splitlines()
    assert listed[0].split()[:2] == ["prefix", "status"]
    assert listed[1].split()[:3] == [token.prefix, "Giltig", reader.username]
    assert key not in "".join(listed)

    assert cli("revoke", token.prefix) == f"API-nyckel {token.prefix} (Power BI) är återkallad.\n"
    assert cli("list").splitlines()[1].split()[:2] == [token.prefix, "Återkallad"]
    assert AccessEvent.objects.filter(action=events.API_TOKEN_REVOKED).count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--user", "ingen", "--name", "BI"], "Användaren ingen finns inte."),
        (["create", "--user", "reader-alla", "--name", "BI", "--days", "0"], "från 1 till 730"),
        (["revoke", "abcdef12"], "Ingen nyckel har prefixet abcdef12."),
    ],
)
def test_the_command_line_says_what_is_wrong(reader: User, args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        cli(*args)
    assert not ApiToken.objects.exists()


def test_an_administrator_creates_a_key_in_the_admin_and_sees_it_once(
    store: AnalysisBuild, administrator: User, reader: User
) -> None:
    client = Client()
    assert client.login(username=administrator.username, password=PASSWORD)

    assert "giltig i dagar" in client.get("/admin/api/apitoken/add/").text
    response = client.post(
        "/admin/api/apitoken/add/",
        {"user": reader.pk, "name": "Power BI", "days": "90"},
        follow=True,
    )

    token = ApiToken.objects.get()
    shown = [str(m) for m in response.context["messages"]]
    key = next(m for m in shown if m.startswith("Kopiera nyckeln nu")).rsplit(" ", 1)[1]
    assert token.secret_hash == hashlib.sha256(key.encode()).hexdigest()
    assert (token.created_by, token.expires_at - token.created_at) == (
        administrator,
        dt.timedelta(days=90),
    )
    page = client.get(f"/admin/api/apitoken/{token.pk}/change/")
    assert page.status_code == 200 and token.prefix in page.text and key not in page.text
    api = Client().get("/api/v1/indicators", headers={"Authorization": f"Bearer {key}"})
    assert api.status_code == 200


def test_the_admin_form_refuses_a_key_that_could_not_work(
    administrator: User, reader: User
) -> None:
    Membership.objects.filter(user=reader).delete()
    client = Client()
    assert client.login(username=administrator.username, password=PASSWORD)

    response = client.post(
        "/admin/api/apitoken/add/", {"user": reader.pk, "name": "BI", "days": "365"}
    )

    assert response.status_code == 200 and "får inte se indikatorer" in response.text
    assert not ApiToken.objects.exists()


def test_an_administrator_revokes_keys_in_the_admin_but_never_edits_or_deletes_them(
    administrator: User, reader: User
) -> None:
    token = api_token_create(actor=None, user=reader, name="Power BI").token
    client = Client()
    assert client.login(username=administrator.username, password=PASSWORD)

    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [token.pk]},
        follow=True,
    )

    token.refresh_from_db()
    assert token.state() == TokenState.REVOKED
    assert AccessEvent.objects.get(action=events.API_TOKEN_REVOKED).user == administrator
    changed = client.post(
        f"/admin/api/apitoken/{token.pk}/change/", {"name": "ändrad", "user": reader.pk}
    )
    assert changed.status_code == 403
    assert (
        client.post(f"/admin/api/apitoken/{token.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    token.refresh_from_db()
    assert token.name == "Power BI"
