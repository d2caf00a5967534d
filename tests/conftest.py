"""Shared fixtures. The data folder for tests is set before Django starts (pytest-env in
pyproject.toml, or a fresh folder from the Makefile), never a developer's `./data`."""

import os
from pathlib import Path

import pytest

# The browser tests' fixtures, registered for every module that asks for them.
from tests.browser import axe, chromium, page  # noqa: F401
from tests.factories import make_committees


def pytest_sessionstart(session: pytest.Session) -> None:
    """CI asks for PostgreSQL; a silent fallback to SQLite would prove nothing."""
    if os.environ.get("HELHETSBILD_REQUIRE_POSTGRES") == "1":
        from django.conf import settings

        engine = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in engine:
            pytest.exit(f"PostgreSQL krävs men databasmotorn är {engine}", returncode=3)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    from django.conf import settings

    if "postgresql" in settings.DATABASES["default"]["ENGINE"]:
        passed = len(terminalreporter.stats.get("passed", []))
        terminalreporter.write_line(f"PostgreSQL-testerna körde mot PostgreSQL: {passed} tester")


@pytest.fixture
def committees(db):  # type: ignore[no-untyped-def]
    return make_committees()


@pytest.fixture
def data_dir() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """Argon2 is meant to be slow; tests log in often and do not test the hash."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
