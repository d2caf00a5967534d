"""The world is built once per test module and committed, since building the analysis store for
each of hundreds of requests would take minutes; each test still runs in a transaction that is
rolled back, so what a request writes (access log entries, sessions) does not leak into the next.
The database is emptied when the module is done."""

from collections.abc import Iterator

import pytest
from django.core.management import call_command
from django.test import Client

from helhetsbild.analysis import engine
from tests.security.world import Who, World, make_world


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[World]:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock():
        try:
            yield make_world(tmp_path_factory.mktemp("world"))
        finally:
            engine._cache.clear()
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker) -> dict[Who, Client]:  # type: ignore[no-untyped-def]
    """One client per visitor, signed in once (the sessions are part of the committed world)."""
    found = {}
    with django_db_blocker.unblock():
        for who in Who:
            client = Client()
            if who != Who.ANONYMOUS:
                client.force_login(world.users[who])
            found[who] = client
    return found
