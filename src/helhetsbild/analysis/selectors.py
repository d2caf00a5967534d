"""Reads of the indicator results, for pages, downloads, the API and the command line.

Everything here is an aggregate that has passed disclosure control; the permission to see it is
`aggregate.view`. `user` None is the operator at the command line, as in `build_store`.
"""

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import Indicator, indicator, indicators
from helhetsbild.analysis.disclosure import Cell
from helhetsbild.organisation.permissions import Action, can


def catalogue_for(user: User | None) -> list[Indicator]:
    _require(user)
    return list(indicators().values())


def indicator_for(user: User | None, indicator_id: str) -> Indicator | None:
    _require(user)
    return indicator(indicator_id)


def result_for(user: User | None, item: Indicator) -> engine.Result:
    """One indicator's protected tables for every period of the current build."""
    _require(user)
    return engine.result(item)


def cells_for(
    user: User | None,
    items: list[Indicator] | None = None,
    first: int | None = None,
    last: int | None = None,
) -> list[Cell]:
    """Every published cell of the indicators (default all) for the years `first` to `last`."""
    _require(user)
    found = engine.results(items)
    return [cell for result in found.values() for cell in result.between(first, last)]


def catalogue_record(item: Indicator) -> dict[str, object]:
    """An indicator as the command line and the API describe it."""
    return {
        "id": item.id,
        "title": item.title,
        "definition": item.definition,
        "unit": str(item.unit),
        "direction": str(item.direction),
        "period": item.period,
        "kolada": item.kolada,
    }


def cell_record(cell: Cell) -> dict[str, object]:
    """A published cell as the command line, the API and the downloads give it: hidden numbers
    are null, never zero."""
    return {
        "indicator": cell.indicator,
        "period": cell.period,
        "breakdown": cell.breakdown,
        "group": cell.group,
        "unit": cell.unit,
        "value": cell.value,
        "numerator": cell.numerator,
        "denominator": cell.denominator,
        "suppressed": cell.suppressed,
    }


def _require(user: User | None) -> None:
    if user is not None and not can(user, Action.AGGREGATE_VIEW):
        raise PermissionDenied
