"""Settings from the environment: a value outside the fixed choices stops start-up."""

import pytest

from helhetsbild import config

BACKENDS = {"immediate": "immediate.Backend", "database": "database.Backend"}


def test_a_choice_gives_what_the_name_stands_for(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELHETSBILD_TASKS", "database")
    assert config.choice("HELHETSBILD_TASKS", BACKENDS, default="immediate") == "database.Backend"


def test_without_the_variable_the_default_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELHETSBILD_TASKS", raising=False)
    assert config.choice("HELHETSBILD_TASKS", BACKENDS, default="immediate") == "immediate.Backend"


def test_a_name_not_among_the_choices_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HELHETSBILD_TASKS", "celery")
    with pytest.raises(
        ValueError, match="HELHETSBILD_TASKS='celery' is not one of database, immediate"
    ):
        config.choice("HELHETSBILD_TASKS", BACKENDS, default="immediate")
