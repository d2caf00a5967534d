"""An analysis store built from the small hand-written register, and a reader with an API key."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from helhetsbild.analysis import engine
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.store import build_store
from helhetsbild.api.services import api_token_create
from helhetsbild.organisation.models import Committee, Role
from tests.analysis.small_register import import_small_register
from tests.factories import TODAY, make_user

# The test client's response (an HttpResponse with `.json()`).
Get = Callable[..., Any]


@pytest.fixture
def store(committees: dict[str, Committee], tmp_path: Path) -> AnalysisBuild:
    import_small_register(committees, tmp_path)
    # The engine caches results by build id, and a rolled-back test database gives the next
    # test's build the same id: start from nothing so no other test's results are read.
    engine._cache.clear()
    return build_store(actor=None, reference_date=TODAY)


@pytest.fixture
def reader(committees: dict[str, Committee]) -> User:
    """Permissions reach as far as the active committees, so there must be some."""
    return make_user(Role.READER)  # type: ignore[return-value]


@pytest.fixture
def key(reader: User) -> str:
    return api_token_create(actor=None, user=reader, name="Power BI").key


@pytest.fixture
def get(key: str) -> Get:
    """GET an API URL with the reader's key, another `key`, or none (`key=None`)."""

    def request(url: str, key: str | None = key, **params: str) -> Any:
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        return Client().get(url, params, headers=headers)

    return request
