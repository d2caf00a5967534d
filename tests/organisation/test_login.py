"""Local password login: only where enabled, Argon2, lockout after repeated failures, and the
code from a TOTP device after the password."""

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from helhetsbild import settings as project_settings
from helhetsbild.organisation.auth import PENDING_LOGIN_KEY
from helhetsbild.organisation.models import Role
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def post_login(client: Client, username: str, password: str, **extra: str) -> object:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, device.step, device.t0, device.digits):06d}"


@pytest.fixture
def analyst(committees) -> User:  # type: ignore[no-untyped-def]
    return make_user(Role.ANALYST)


def test_a_password_login_starts_a_new_session(analyst) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    before = client.session.session_key
    response = post_login(client, analyst.username, PASSWORD)
    assert response.status_code == 302 and signed_in(client)
    assert client.session.session_key != before


def test_passwords_are_hashed_with_argon2(settings, analyst) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS  # tests use a fast hasher
    analyst.set_password(PASSWORD)
    analyst.save()
    analyst.refresh_from_db()
    assert analyst.password.startswith("argon2$argon2id$")


def test_without_password_login_the_form_and_its_post_are_gone(settings, analyst) -> None:  # type: ignore[no-untyped-def]
    settings.PASSWORD_LOGIN = False
    client = Client()
    page = client.get(reverse("login")).text
    assert 'name="password"' not in page and "Inloggning är inte konfigurerad" in page
    response = post_login(client, analyst.username, PASSWORD)
    assert response.status_code == 405 and not signed_in(client)


def test_five_failures_lock_the_user_name_for_fifteen_minutes(analyst) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    for _attempt in range(4):
        assert post_login(client, analyst.username, "fel-lösenord").status_code == 200
    locked = post_login(client, analyst.username, "fel-lösenord")
    assert locked.status_code == 429 and "Inloggningen är spärrad i 15 minuter" in locked.text
    assert post_login(client, analyst.username, PASSWORD).status_code == 429
    assert not signed_in(client)
    # Another address may still try that user name, and this address another user name.
    assert post_login(Client(REMOTE_ADDR="10.0.0.2"), analyst.username, PASSWORD).status_code == 302
    other = make_user(Role.READER)
    assert post_login(Client(), other.username, PASSWORD).status_code == 302
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    assert post_login(client, analyst.username, PASSWORD).status_code == 302 and signed_in(client)


def test_a_user_with_a_totp_device_gives_the_code_after_the_password(analyst) -> None:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=analyst, name="telefon", confirmed=True)
    client = Client()
    response = post_login(client, analyst.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("login_code")
    assert not signed_in(client)
    assert client.get(reverse("home")).status_code == 302
    wrong = client.post(reverse("login_code"), {"code": "000000"})
    assert "Koden stämmer inte" in wrong.text and not signed_in(client)
    device.refresh_from_db()
    device.throttling_failure_timestamp = None  # skip django-otp's wait after a wrong code
    device.save()
    right = client.post(reverse("login_code"), {"code": code_for(device)})
    assert right.status_code == 302 and right["Location"] == reverse("home")
    assert signed_in(client) and PENDING_LOGIN_KEY not in client.session


def test_a_wrong_code_makes_the_next_attempt_wait(settings, analyst) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = TOTPDevice.objects.create(user=analyst, name="telefon", confirmed=True)
    client = Client()
    post_login(client, analyst.username, PASSWORD)
    client.post(reverse("login_code"), {"code": "000000"})
    client.post(reverse("login_code"), {"code": code_for(device)})
    assert not signed_in(client)


def test_an_unconfirmed_device_does_not_ask_for_a_code(analyst) -> None:  # type: ignore[no-untyped-def]
    TOTPDevice.objects.create(user=analyst, name="telefon", confirmed=False)
    client = Client()
    post_login(client, analyst.username, PASSWORD)
    assert signed_in(client)


def test_the_code_step_waits_five_minutes_at_most(analyst) -> None:  # type: ignore[no-untyped-def]
    device = TOTPDevice.objects.create(user=analyst, name="telefon", confirmed=True)
    client = Client()
    post_login(client, analyst.username, PASSWORD)
    session = client.session
    session[PENDING_LOGIN_KEY] = {**session[PENDING_LOGIN_KEY], "since": time.time() - 301}
    session.save()
    response = client.post(reverse("login_code"), {"code": code_for(device)})
    assert response["Location"] == reverse("login") and not signed_in(client)


def test_the_code_step_without_a_password_first_goes_back_to_login(analyst) -> None:  # type: ignore[no-untyped-def]
    response = Client().post(reverse("login_code"), {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == reverse("login")


def test_staff_can_be_required_to_have_a_second_factor(settings, committees) -> None:  # type: ignore[no-untyped-def]
    settings.OTP_REQUIRED_FOR_STAFF = True
    admin = make_user(Role.ADMIN)
    admin.is_staff = True
    admin.save()
    client = Client()
    refused = post_login(client, admin.username, PASSWORD)
    assert "kräver en kod från en kodgenerator" in refused.text and not signed_in(client)
    TOTPDevice.objects.create(user=admin, name="telefon", confirmed=True)
    assert post_login(client, admin.username, PASSWORD)["Location"] == reverse("login_code")
    reader = make_user(Role.READER)
    assert post_login(Client(), reader.username, PASSWORD)["Location"] == reverse("home")


def test_the_admin_site_logs_in_through_the_login_page(committees) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302 and response["Location"] == "/logga-in/?next=%2Fadmin%2F"
    client.force_login(make_user(Role.READER))
    assert client.get("/admin/login/?next=/admin/").status_code == 403
