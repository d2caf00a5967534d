"""Security headers on every page, templates that need no inline script or style, and Django's
deployment check clean with the environment production sets (docs/drift.md)."""

import base64
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import helhetsbild
from helhetsbild.organisation.models import Role
from tests.factories import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.database_independent]

# Templates of files, not pages: the committee report is downloaded as an attachment and must
# carry its own style, in the HTML file as in the PDF that WeasyPrint makes from it.
DOCUMENTS = {"reports/document.html"}
TEMPLATES = sorted(
    path
    for path in Path(helhetsbild.__file__).parent.glob("*/templates/**/*.html")
    if f"{path.parent.name}/{path.name}" not in DOCUMENTS
)


def directives(policy: str) -> dict[str, list[str]]:
    parts = (part.split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in parts}


def test_the_content_security_policy_allows_only_this_site_and_nothing_inline() -> None:
    response = Client().get(reverse("login"))
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]  # charts are data: images
    assert not [s for sources in policy.values() for s in sources if "unsafe" in s]


def test_every_page_carries_the_other_security_headers() -> None:
    response = Client().get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_https_requests_get_strict_transport_security_when_configured(settings) -> None:  # type: ignore[no-untyped-def]
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_signed_in_pages_are_never_stored(committees) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("home"))["Cache-Control"] == "no-store"


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: f"{path.parent.name}/{path.name}")
def test_templates_have_no_inline_script_or_style(template: Path) -> None:
    """The policy forbids them, so a browser would silently drop them."""
    text = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)", text, re.IGNORECASE)
    assert not re.search(r"<style\b|\sstyle=|\son[a-z]+=", text, re.IGNORECASE)


def production_environment(data_dir: Path) -> dict[str, str]:
    """The values docs/drift.md tells production to set, with made-up secrets and hosts.

    Nothing of the test process's own configuration is inherited but the database: in
    particular not DJANGO_ALLOW_ASYNC_UNSAFE, which the browser test modules set when collected
    and which no production server has."""
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("HELHETSBILD_", "DJANGO_")) or name == "HELHETSBILD_DATABASE_URL"
    }
    return {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "helhetsbild.settings",
        "HELHETSBILD_DATA_DIR": str(data_dir),
        "HELHETSBILD_SECRET_KEY": secrets.token_urlsafe(64),
        "HELHETSBILD_PSEUDONYM_KEY": secrets.token_urlsafe(32),
        "HELHETSBILD_ENCRYPTION_KEY": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "HELHETSBILD_ALLOWED_HOSTS": "helhetsbild.kommun.example",
        "HELHETSBILD_SECURE_COOKIES": "1",
        "HELHETSBILD_SSL_REDIRECT": "1",
        "HELHETSBILD_HSTS_SECONDS": "31536000",
        "HELHETSBILD_PASSWORD_LOGIN": "0",
        "HELHETSBILD_OIDC_ISSUER": "https://login.kommun.example",
        "HELHETSBILD_OIDC_AUTHORIZATION_ENDPOINT": "https://login.kommun.example/authorize",
        "HELHETSBILD_OIDC_TOKEN_ENDPOINT": "https://login.kommun.example/token",
        "HELHETSBILD_OIDC_JWKS_ENDPOINT": "https://login.kommun.example/jwks",
        "HELHETSBILD_OIDC_CLIENT_ID": "helhetsbild",
        "HELHETSBILD_OIDC_CLIENT_SECRET": secrets.token_urlsafe(32),
    }


@pytest.mark.slow
def test_the_deployment_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "helhetsbild.cli", "check", "--deploy", "--fail-level", "DEBUG"],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
def test_production_cookies_are_secure_and_host_only(tmp_path: Path) -> None:
    script = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SESSION_COOKIE_SECURE, "
        "s.CSRF_COOKIE_SECURE, s.AUTHENTICATION_BACKENDS[1:])"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env=production_environment(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.split(maxsplit=4) == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
        "['helhetsbild.organisation.oidc.MunicipalOIDCBackend']\n",
    ]


@pytest.mark.slow
def test_half_a_single_sign_on_configuration_stops_start_up(tmp_path: Path) -> None:
    environment = production_environment(tmp_path)
    del environment["HELHETSBILD_OIDC_JWKS_ENDPOINT"]
    result = subprocess.run(
        [sys.executable, "-m", "helhetsbild.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "HELHETSBILD_OIDC_JWKS_ENDPOINT is not" in result.stderr
