"""Statistical disclosure control: the one place where aggregates become publishable.

Every result cell passes through `protect` before it reaches a page, a download or the API
(DESIGN.md §5, issue 3 item 5). The rules and their limits are written out for readers in
docs/disclosure-control.md; this module is the single implementation of them.

A table is one indicator in one period: a total and one or more breakdowns of the same
population (`kön`, a target-group dimension), each of whose groups are the parts of the total.
Because the parts add up to the total, hiding a small cell is not enough: the reader could
subtract. `protect` therefore hides small cells (primary suppression) and then further cells
until no hidden number can be worked out from the published ones (complementary suppression).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from math import isclose
from typing import TypeAlias

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext

TOTAL = "total"
# Kolada's mark for a value withheld for confidentiality, so users recognise the convention.
SUPPRESSED_MARK = ".."
# The mark official Swedish statistics use for "cannot occur", e.g. a share of an empty group.
UNDEFINED_MARK = "."
# The issue and the reference both refuse thresholds below three persons.
LOWEST_THRESHOLD = 3


class Unit(StrEnum):
    SHARE = "share"
    COUNT = "count"
    AMOUNT = "amount"
    MONTHS = "months"


class Rule(StrEnum):
    """Why a cell is hidden on its own account.

    Deliberately not part of the published cell: a reader who knew which hidden cells are small
    could bound them to 1..threshold-1 and solve for them (see the tests).
    """

    FEW_PERSONS = "few_persons"
    ALL_OR_NONE = "all_or_none"


@dataclass(frozen=True, kw_only=True)
class Cell:
    """One result of one indicator, period and group: the shape every consumer reads.

    `value` is the figure shown (a count, a share, an average or median); `numerator` and
    `denominator` are what it was computed from (for a share: persons with the attribute and
    persons in the group; for an average: the sum and the persons; for a count, `value` is the
    count). `group` is None where the group is unknown, for example a missing sex.
    """

    indicator: str
    period: str
    breakdown: str
    group: str | None
    unit: str
    value: float | None
    numerator: int | float | None
    denominator: int | None
    suppressed: bool = False
    explanation: str = ""


_Key: TypeAlias = tuple[str, str | None]

# Measures that count persons must reach the threshold; a sum of money or months need not.
_PERSON_MEASURES = frozenset({"count", "with", "without", "persons"})


def protect(cells: Iterable[Cell], threshold: int | None = None) -> list[Cell]:
    """Return the cells of one table with primary and complementary suppression applied.

    `cells` are all the cells of one published table: the total and every group of every
    breakdown, with the true numbers. Hidden cells come back with `value`, `numerator` and
    `denominator` set to None, so no number can leak through a download. The threshold defaults
    to `settings.MIN_CELL_SIZE`.
    """
    table = list(cells)
    if not table:
        return []
    limit = _threshold(threshold)
    total, breakdowns = _structure(table)
    hidden = {_key(cell) for cell in table if primary_reason(cell, limit) is not None}
    while (extra := _next_complementary(total, breakdowns, hidden, limit)) is not None:
        hidden.add(extra)
    explanation = _explanation(limit)
    return [_suppress(cell, explanation) if _key(cell) in hidden else cell for cell in table]


def primary_reason(cell: Cell, threshold: int | None = None) -> Rule | None:
    """Why this cell may not be shown whatever the rest of the table shows, or None.

    A share splits its group into those with and those without the attribute; both are counts
    of persons, so both must be 0 or at least the threshold (a share of 39 out of 40 reveals one
    person as surely as 1 out of 40). A share of 0 % or 100 %, or an average of zero, says
    something about every member of the group, so it needs a group of at least twice the threshold.
    """
    limit = _threshold(threshold)
    measures = _measures(cell)
    if any(0 < measures[name] < limit for name in measures.keys() & _PERSON_MEASURES):
        return Rule.FEW_PERSONS
    if 0 < _size(cell) < 2 * limit and 0 in measures.values():
        return Rule.ALL_OR_NONE
    return None


@dataclass(frozen=True)
class Shown:
    """A value as a table cell shows it (the shape of `analysis/cell.html`): the text, and why
    it is hidden when it is."""

    text: str
    explanation: str = ""

    @property
    def suppressed(self) -> bool:
        return self.text == SUPPRESSED_MARK


def display(cell: Cell) -> str:
    """The text a table shows for a cell: Kolada's `..` when hidden, so never a `0`."""
    if cell.suppressed:
        return SUPPRESSED_MARK
    if cell.value is None:
        return UNDEFINED_MARK
    decimals = 0 if cell.unit in (Unit.COUNT, Unit.AMOUNT) else 1
    # Django truncates floats to the decimal places asked for; round first.
    return number_format(round(cell.value, decimals), decimal_pos=decimals, force_grouping=True)


def _threshold(threshold: int | None) -> int:
    limit = settings.MIN_CELL_SIZE if threshold is None else threshold
    if limit < LOWEST_THRESHOLD:
        raise ValueError(f"threshold {limit} is below the lowest allowed, {LOWEST_THRESHOLD}")
    return int(limit)


def _key(cell: Cell) -> _Key:
    return (cell.breakdown, cell.group)


def _size(cell: Cell) -> float:
    """How many persons the cell is about; used to choose the cheapest cell to hide."""
    return _number(cell, "value" if cell.unit == Unit.COUNT else "denominator")


def _measures(cell: Cell) -> dict[str, float]:
    """The numbers of a cell that add up across the groups of a breakdown."""
    if cell.unit == Unit.COUNT:
        if cell.denominator is not None or cell.numerator not in (None, cell.value):
            # Any other number would be published unprotected beside the count.
            raise ValueError(f"{_describe(cell)}: a count has no denominator, use a share")
        return {"count": _number(cell, "value")}
    persons = _number(cell, "denominator")
    if cell.unit == Unit.SHARE:
        having = _number(cell, "numerator")
        if having > persons:
            raise ValueError(f"{_describe(cell)}: numerator exceeds denominator")
        return {"with": having, "without": persons - having}
    if cell.unit in (Unit.AMOUNT, Unit.MONTHS):
        if cell.numerator is None:  # a median: only the persons add up
            return {"persons": persons}
        return {"persons": persons, "sum": _number(cell, "numerator")}
    raise ValueError(f"{_describe(cell)}: unknown unit {cell.unit!r}")


def _number(cell: Cell, field: str) -> float:
    """A field the rules need; missing or negative numbers are engine errors, so fail loudly."""
    number = getattr(cell, field)
    if number is None or number < 0:
        raise ValueError(f"{_describe(cell)}: {field} must be a number of at least 0")
    return float(number)


def _describe(cell: Cell) -> str:
    return f"{cell.indicator} {cell.period} {cell.breakdown}={cell.group}"


def _structure(cells: Sequence[Cell]) -> tuple[Cell, dict[str, list[Cell]]]:
    """Split a table into its total and its breakdowns, refusing anything the rules can't protect.

    The protection rests on each breakdown's parts adding up to the total, so a table where they
    do not (a group left out, say persons of unknown sex) is refused rather than half-protected.
    """
    first = cells[0]
    identity = (first.indicator, first.period, first.unit)
    if any((c.indicator, c.period, c.unit) != identity for c in cells):
        raise ValueError("a table holds one indicator, one period and one unit")
    if any(c.suppressed for c in cells):
        raise ValueError("protect takes the true numbers, not cells that are already protected")
    if len({_key(c) for c in cells}) != len(cells):
        raise ValueError(f"{_describe(first)}: a group occurs twice in the table")
    totals = [c for c in cells if c.breakdown == TOTAL]
    if len(totals) != 1:
        raise ValueError(f"{_describe(first)}: a table needs exactly one total cell")
    breakdowns: dict[str, list[Cell]] = {}
    for cell in cells:
        if cell.breakdown != TOTAL:
            breakdowns.setdefault(cell.breakdown, []).append(cell)
    for name, parts in breakdowns.items():
        _check_parts_add_up(totals[0], name, parts)
    return totals[0], breakdowns


def _check_parts_add_up(total: Cell, breakdown: str, parts: list[Cell]) -> None:
    for name, whole in _measures(total).items():
        summed = sum(_measures(part)[name] for part in parts)
        if not isclose(summed, whole, rel_tol=1e-9, abs_tol=1e-6):
            raise ValueError(
                f"{_describe(total)}: the groups of {breakdown!r} add up to {summed} {name}, "
                f"not the total's {whole}; every group, unknown ones too, must be in the table"
            )


def _next_complementary(
    total: Cell, breakdowns: dict[str, list[Cell]], hidden: set[_Key], threshold: int
) -> _Key | None:
    """The next cell to hide so that no hidden number can be worked out, or None when safe.

    With the total shown, the hidden parts of a breakdown add up to a number anyone can compute
    (the total minus the shown parts). That sum must not single out one cell, must not be zero
    (which pins every hidden part to zero) and must itself pass the threshold. With the total
    hidden, every breakdown must hide a part, or the shown parts would add up to it.
    """
    total_hidden = _key(total) in hidden
    for parts in breakdowns.values():
        concealed = [part for part in parts if _key(part) in hidden]
        short = set() if total_hidden else _short_measures(total, concealed, threshold)
        if _breakdown_is_safe(concealed, total_hidden, short):
            continue
        shown = [part for part in parts if _key(part) not in hidden]
        return _key(_cheapest(shown, short)) if shown else _key(total)
    return None


def _breakdown_is_safe(concealed: list[Cell], total_hidden: bool, short: set[str]) -> bool:
    if total_hidden:
        return bool(concealed)
    return not concealed or (len(concealed) > 1 and not short)


def _short_measures(total: Cell, concealed: list[Cell], threshold: int) -> set[str]:
    """The measures whose sum over the hidden parts is too small to publish.

    A measure that is zero in the total is zero in every part: hiding more cannot change that,
    and a total of 0 %, 100 % or an average of zero is shown only for a group of at least twice
    the threshold, where the rules accept it.
    """
    short = set()
    for name, whole in _measures(total).items():
        hidden_sum = sum(_measures(part)[name] for part in concealed)
        needed = threshold if name in _PERSON_MEASURES else 0
        if whole > 0 and (hidden_sum == 0 or hidden_sum < needed):
            short.add(name)
    return short


def _cheapest(shown: list[Cell], short: set[str]) -> Cell:
    """The shown part to hide next: one that fills a shortfall, else the smallest non-empty."""

    def cost(part: Cell) -> tuple[bool, bool, float, str]:
        helps = any(_measures(part)[name] > 0 for name in short)
        size = _size(part)
        return (bool(short) and not helps, size == 0, size, str(part.group))

    return min(shown, key=cost)


def _explanation(threshold: int) -> str:
    """One explanation for every hidden cell, so that it does not tell which cells are small."""
    return gettext(
        "Visas inte, för att skydda enskilda personer: uppgiften bygger på färre än "
        "%(threshold)d personer eller skulle göra det möjligt att räkna fram en sådan uppgift."
    ) % {"threshold": threshold}


def _suppress(cell: Cell, explanation: str) -> Cell:
    return replace(
        cell, value=None, numerator=None, denominator=None, suppressed=True, explanation=explanation
    )
