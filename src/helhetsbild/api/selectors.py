"""What the API answers: the analysis selectors' records, wrapped with the build they come from.

The records are `catalogue_record` and `cell_record`, the shape the command line and the
downloads give, so that `helhetsbild indicators --format json` and the API cannot drift apart.
"""

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.utils import timezone

from helhetsbild.analysis.catalogue import Indicator, breakdowns_of
from helhetsbild.analysis.disclosure import TOTAL
from helhetsbild.analysis.selectors import (
    catalogue_for,
    catalogue_record,
    cell_record,
    cells_for,
    indicator_for,
)
from helhetsbild.analysis.store import current_build, open_store
from helhetsbild.api.models import ApiToken

Payload = dict[str, object]


def catalogue_payload(user: User) -> Payload:
    items = catalogue_for(user)
    return {"build": _build_record(), "indicators": [catalogue_record(item) for item in items]}


def indicator_payload(user: User, indicator_id: str) -> Payload | None:
    item = indicator_for(user, indicator_id)
    if item is None:
        return None
    return {"build": _build_record(), "indicator": catalogue_record(item)}


def results_payload(
    user: User,
    items: list[Indicator] | None,
    first: int | None,
    last: int | None,
    breakdown: str | None = None,
) -> Payload:
    """The published cells of `items` (default all) for the years `first` to `last`, those of
    one breakdown only if `breakdown` is given."""
    cells = cells_for(user, items, first, last)
    return {
        "build": _build_record(),
        "cells": [cell_record(cell) for cell in cells if breakdown in (None, cell.breakdown)],
    }


def breakdown_ids(item: Indicator) -> list[str]:
    """What the `breakdown` parameter may be for one indicator: the total and its breakdowns."""
    return [TOTAL, *(part.id for part in breakdowns_of(item))]


def api_tokens() -> QuerySet[ApiToken]:
    """Every key, revoked and expired ones too, for the operator at the command line (the admin
    lists them itself, under Django's permission to view them)."""
    return ApiToken.objects.select_related("user")


def _build_record() -> Payload:
    """The current build. Opening the store raises the same `StoreMissing` as every other
    reader when there is none yet."""
    with open_store():
        build = current_build()
    # open_store found a complete build, and a complete build has finished (a constraint).
    assert build is not None and build.finished_at is not None
    return {
        "id": build.pk,
        "reference_date": build.reference_date.isoformat(),
        "finished_at": timezone.localtime(build.finished_at).isoformat(timespec="seconds"),
    }
