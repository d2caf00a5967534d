"""docs/goals.md is the report builder's guide: every public read and change is described there."""

import inspect
from pathlib import Path

import pytest

from helhetsbild.goals import selectors, services

DOCS = Path(__file__).resolve().parents[2] / "docs" / "goals.md"


def public_functions(module: object) -> list[str]:
    return [
        name
        for name, value in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and value.__module__ == getattr(module, "__name__", "")
    ]


@pytest.mark.parametrize("name", public_functions(selectors) + public_functions(services))
def test_every_public_read_and_change_is_documented(name: str) -> None:
    assert f"`{name}(" in DOCS.read_text(encoding="utf-8")
