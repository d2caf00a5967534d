"""The adversary of disclosure control, shared by the tests of `protect` and of the published
indicator tables.

It knows what any reader of a published table knows: the published numbers, that the groups of
each breakdown add up to the total (for every number that adds up), and that those numbers are
whole and not negative. It tries to pin down every hidden number exactly, by linear algebra in
exact fractions and by interval reasoning. `test_disclosure.py` shows it succeeds against weaker
protection, so its failure against `protect` means something.
"""

from dataclasses import dataclass, field, replace
from fractions import Fraction
from math import ceil, floor
from typing import TypeAlias

from helhetsbild.analysis.disclosure import TOTAL, Cell, primary_reason

# --- the adversary -----------------------------------------------------------------------------

Var: TypeAlias = tuple[str, str | None, str]  # breakdown, group, measure
Functional: TypeAlias = dict[Var, Fraction]
Equation: TypeAlias = tuple[Functional, Fraction]

# What adds up across groups, as the indicator's published definition tells any reader (the
# months of the random tables are medians, which do not add up).
MEASURES = {
    "count": ("count",),
    "share": ("with", "without"),
    "amount": ("persons", "sum"),
    "months": ("persons",),
}


def known_number(cell: Cell, measure: str) -> Fraction:
    numbers = {
        "count": cell.value,
        "with": cell.numerator,
        "without": None if cell.numerator is None else (cell.denominator or 0) - cell.numerator,
        "persons": cell.denominator,
        "sum": cell.numerator,
    }
    return Fraction(numbers[measure])  # type: ignore[arg-type]


@dataclass
class Adversary:
    published: list[Cell]
    measures: tuple[str, ...]
    bounds: dict[Var, tuple[int, int]] = field(default_factory=dict)

    def recovered(self) -> dict[Var, Fraction]:
        """Every hidden number (and, for a share, group size) the published table pins down:
        by the equations alone (rank), or by the equations and the bounds together."""
        equations = self.equations()
        reduced = rref(equations)
        lows, highs = self.propagate(equations + reduced)
        found = {}
        for name, functional in self.targets().items():
            exact = solve(functional, reduced)
            low, high = span(functional, lows, highs)
            if exact is None and low is not None and low == high:
                exact = low
            if exact is not None:
                found[name] = exact
        return found

    def unknowns(self) -> list[Var]:
        return [
            (c.breakdown, c.group, m) for c in self.published if c.suppressed for m in self.measures
        ]

    def equations(self) -> list[Equation]:
        """For every breakdown and measure: the parts minus the total is zero."""
        total = next(c for c in self.published if c.breakdown == TOTAL)
        equations = []
        for breakdown in {c.breakdown for c in self.published} - {TOTAL}:
            parts = [c for c in self.published if c.breakdown == breakdown]
            for measure in self.measures:
                terms = [(Fraction(1), c) for c in parts] + [(Fraction(-1), total)]
                functional: Functional = {}
                constant = Fraction(0)
                for coefficient, cell in terms:
                    if cell.suppressed:
                        functional[(cell.breakdown, cell.group, measure)] = coefficient
                    else:
                        constant -= coefficient * known_number(cell, measure)
                if functional:
                    equations.append((functional, constant))
        return equations

    def targets(self) -> dict[Var, Functional]:
        targets = {var: {var: Fraction(1)} for var in self.unknowns()}
        if self.measures == MEASURES["share"]:
            for c in self.published:
                if c.suppressed:
                    both = {(c.breakdown, c.group, m): Fraction(1) for m in self.measures}
                    targets[(c.breakdown, c.group, "den")] = both
        return targets

    def propagate(self, equations: list[Equation]) -> tuple[dict, dict]:
        """Interval reasoning: every unknown is a whole number of at least 0 (or within what the
        adversary was told); narrow each one by each equation until nothing changes."""
        told = self.bounds
        lows: dict[Var, int] = {v: told[v][0] if v in told else 0 for v in self.unknowns()}
        highs: dict[Var, int | None] = {v: told[v][1] if v in told else None for v in lows}
        for _ in range(100):
            changed = False
            for functional, constant in equations:
                for var, coefficient in functional.items():
                    low, high = span(functional, lows, highs, skip=var)
                    # coefficient * var = constant - rest
                    ends = [
                        None if high is None else (constant - high) / coefficient,
                        None if low is None else (constant - low) / coefficient,
                    ]
                    lower, upper = ends if coefficient > 0 else ends[::-1]
                    if lower is not None and ceil(lower) > lows[var]:
                        lows[var], changed = ceil(lower), True
                    current = highs[var]
                    if upper is not None and (current is None or floor(upper) < current):
                        highs[var], changed = floor(upper), True
            if not changed:
                break
        return lows, highs


def span(
    functional: Functional, lows: dict, highs: dict, skip: Var | None = None
) -> tuple[Fraction | None, Fraction | None]:
    """The interval a functional (without `skip`) can take; None where it is unbounded."""
    low: Fraction | None = Fraction(0)
    high: Fraction | None = Fraction(0)
    for var, c in functional.items():
        if var == skip:
            continue
        term_low, term_high = (lows[var], highs[var]) if c > 0 else (highs[var], lows[var])
        low = None if low is None or term_low is None else low + c * term_low
        high = None if high is None or term_high is None else high + c * term_high
    return low, high


def rref(equations: list[Equation]) -> list[Equation]:
    """Gauss-Jordan elimination in exact fractions; rows come back with unit pivots."""
    rows = [(dict(f), c) for f, c in equations]
    reduced: list[Equation] = []
    while rows:
        functional, constant = rows.pop()
        for pivot_row in reduced:
            functional, constant = eliminate(functional, constant, pivot_row)
        if not functional:
            continue
        pivot = next(iter(functional))
        scale = functional[pivot]
        new = ({v: c / scale for v, c in functional.items()}, constant / scale)
        reduced = [eliminate(f, c, new) for f, c in reduced] + [new]
    return reduced


def eliminate(functional: Functional, constant: Fraction, row: Equation) -> Equation:
    """Remove the pivot (first variable) of `row`, which has coefficient 1, from a functional."""
    pivot = next(iter(row[0]))
    factor = functional.get(pivot, Fraction(0))
    if not factor:
        return functional, constant
    result = dict(functional)
    for var, c in row[0].items():
        result[var] = result.get(var, Fraction(0)) - factor * c
        if not result[var]:
            del result[var]
    return result, constant - factor * row[1]


def solve(functional: Functional, reduced: list[Equation]) -> Fraction | None:
    """The value of a functional if it is a combination of the equations, else None."""
    rest, value = dict(functional), Fraction(0)
    for row in reduced:
        pivot = next(iter(row[0]))
        factor = rest.get(pivot, Fraction(0))
        if factor:
            rest, _ = eliminate(rest, Fraction(0), row)
            value += factor * row[1]
    return value if not rest else None


# --- what counts as a leak ---------------------------------------------------------------------


def leaks(
    published: list[Cell], measures: tuple[str, ...], told: dict[Var, tuple[int, int]] | None = None
) -> dict[Var, Fraction]:
    """Hidden numbers the adversary recovers, apart from those a published total of zero implies.

    A total with 0 % (or 100 %, or nobody receiving anything) is published only for groups of at
    least twice the threshold; it says the same of every part, hidden or not. That is the accepted
    group disclosure of the total, not a failure of the suppression.
    """
    total = next(c for c in published if c.breakdown == TOTAL)
    zero = set() if total.suppressed else {m for m in measures if known_number(total, m) == 0}
    if zero >= {"with", "without"}:
        zero.add("den")
    recovered = Adversary(published, measures, told or {}).recovered()
    return {var: value for var, value in recovered.items() if var[2] not in zero}


def too_small_in_sight(
    published: list[Cell], measures: tuple[str, ...], threshold: int
) -> list[tuple[object, ...]]:
    """Numbers a reader sees or can subtract that count 1..threshold-1 persons, restated
    independently of the module: every shown cell and, where the total is shown, the sum of the
    hidden parts of each breakdown (the total minus the shown parts)."""
    persons = {"count", "with", "without", "persons"} & set(measures)
    problems: list[tuple[object, ...]] = []
    for cell in published:
        if cell.suppressed:
            continue
        numbers = {m: known_number(cell, m) for m in measures}
        size = sum(numbers[m] for m in measures if m != "sum")
        if any(0 < numbers[m] < threshold for m in persons):
            problems.append(("small", cell))
        if 0 < size < 2 * threshold and 0 in numbers.values():
            problems.append(("all or none", cell))
    total = next(c for c in published if c.breakdown == TOTAL)
    if total.suppressed:
        return problems
    for breakdown in {c.breakdown for c in published} - {TOTAL}:
        parts = [c for c in published if c.breakdown == breakdown]
        if not any(c.suppressed for c in parts):
            continue
        for m in measures:
            whole = known_number(total, m)
            rest = whole - sum(known_number(c, m) for c in parts if not c.suppressed)
            needed = threshold if m in persons else 1
            if whole and rest < needed:
                problems.append(("hidden parts add up to a small number", breakdown, m, rest))
    return problems


def primary_only(cells: list[Cell], threshold: int) -> list[Cell]:
    """What a naive implementation would publish: small cells hidden, nothing else."""
    return [
        replace(c, value=None, numerator=None, denominator=None, suppressed=True)
        if primary_reason(c, threshold)
        else c
        for c in cells
    ]
