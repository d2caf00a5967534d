"""Reads of the goal tree with statuses computed on read, for the pages and the report builder.

Every status is computed afresh from the targets, the outcomes and the protected cells of the
indicator engine (`helhetsbild.analysis.selectors.result_for`), so a roll-up is never a stored
number that a change of rule could overwrite; `StatusRecord` keeps the history. `user` None is
the operator (the command line, or a service recording statuses), as in the analysis selectors.
The functions and shapes the report builder may rely on are listed in docs/goals.md.
"""

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.analysis import selectors as analysis_selectors
from helhetsbild.analysis.catalogue import Direction, indicator
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, TOTAL, Cell, Shown
from helhetsbild.analysis.models import AnalysisBuild
from helhetsbild.analysis.overview import SEX
from helhetsbild.analysis.store import StoreMissing, current_build
from helhetsbild.goals.models import (
    Assessment,
    Goal,
    GoalIndicator,
    GoalPeriod,
    Outcome,
    Source,
    StatusRecord,
    Target,
)
from helhetsbild.goals.status import (
    Fulfilment,
    Measure,
    Status,
    Verdict,
    format_value,
    goal_status,
    indicator_status,
    measure_status,
)
from helhetsbild.organisation.models import Committee
from helhetsbild.organisation.permissions import Action, can, can_for

# The groups an indicator is followed up for: the engine's total and its two sexes.
WOMEN, MEN = "K", "M"
GROUPS = (TOTAL, WOMEN, MEN)
# How many years before the year followed up a goal page's tables show, without a baseline.
HISTORY_YEARS = 4
NO_VALUE = "–"

Row = TypeVar("Row", Target, Outcome, Assessment)


@dataclass(frozen=True)
class Observed:
    """A value of one group in one year, as it may be shown: a hidden value has none."""

    value: float | None
    suppressed: bool = False
    explanation: str = ""  # why it is hidden, for the page's footnote


@dataclass(frozen=True)
class GroupReading:
    group: str  # TOTAL, "K" or "M"
    label: str
    value: Shown
    target: str  # the target as text, empty where the group has none
    verdict: Verdict | None  # None where the group has no target


@dataclass(frozen=True)
class IndicatorReading:
    """One goal indicator in its goal's year: value against target per group, and its status."""

    goal_indicator: GoalIndicator
    title: str
    definition: str
    target: Target | None
    groups: list[GroupReading]
    verdict: Verdict

    @property
    def total(self) -> GroupReading:
        return self.groups[0]


@dataclass
class GoalNode:
    """A goal with its status, the readings of its indicators and the goals under it.

    `verdict` is the status shown; `computed` the status without the fallback to the assessment,
    which an assessment must comment on where it departs from it.
    """

    goal: Goal
    verdict: Verdict
    computed: Verdict
    indicators: list[IndicatorReading]
    assessment: Assessment | None
    children: list["GoalNode"] = field(default_factory=list)

    def walk(self) -> Iterator["GoalNode"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class GoalTree:
    year: int
    period: GoalPeriod | None
    roots: list[GoalNode]
    build: AnalysisBuild | None
    store_missing: str  # why engine values are missing, in Swedish; empty when they are not

    def walk(self) -> Iterator[GoalNode]:
        for root in self.roots:
            yield from root.walk()

    def node(self, goal_id: int) -> GoalNode:
        return next(node for node in self.walk() if node.goal.pk == goal_id)

    @property
    def counts(self) -> list[tuple[Status, int]]:
        found = Counter(node.verdict.status for node in self.walk())
        return [(status, found[status]) for status in Status if found[status]]

    @property
    def closed(self) -> bool:
        return self.period is not None and self.period.closed


@dataclass(frozen=True)
class YearOption:
    year: int
    goals: int
    plan: bool  # after the current year: a plan being prepared
    closed: bool


@dataclass(frozen=True)
class SeriesRow:
    period: str
    values: list[Shown]  # total, women, men


@dataclass(frozen=True)
class IndicatorHistory:
    """An indicator's values by year and sex, for the table beside its status."""

    reading: IndicatorReading
    rows: list[SeriesRow]


@dataclass(frozen=True)
class GoalDetail:
    node: GoalNode
    ancestors: list[Goal]
    period: GoalPeriod | None
    indicators: list[IndicatorHistory]
    statuses: list[StatusRecord]
    assessments: list[Assessment]
    outcomes: list[Outcome]
    targets: list[Target]
    store_missing: str
    may_edit: bool
    may_assess: bool


@dataclass(frozen=True)
class RedThread:
    """A goal with the goals above it up to the vision, and everything under it across
    committees."""

    ancestors: list[GoalNode]
    node: GoalNode
    committees: list[Committee]  # those that hold a goal or an activity under it


def current_year() -> int:
    return timezone.localdate().year


def goal_years_for(user: User | None) -> list[YearOption]:
    """The years that have goals, and always this year and the next, whose plan may be begun."""
    _require(user, Action.GOAL_VIEW)
    counts = Counter(Goal.objects.values_list("year", flat=True))
    closed = set(GoalPeriod.objects.filter(closed_at__isnull=False).values_list("year", flat=True))
    this_year = current_year()
    years = sorted(set(counts) | {this_year, this_year + 1})
    return [
        YearOption(year=year, goals=counts[year], plan=year > this_year, closed=year in closed)
        for year in years
    ]


def goal_for(user: User | None, goal_id: int) -> Goal:
    """Raises Goal.DoesNotExist for an unknown goal; goals are not secret, so no scoping."""
    _require(user, Action.GOAL_VIEW)
    return Goal.objects.select_related("committee", "responsible_user", "parent").get(pk=goal_id)


def goal_indicator_for(user: User | None, goal_indicator_id: int) -> GoalIndicator:
    _require(user, Action.GOAL_VIEW)
    return GoalIndicator.objects.select_related("goal", "goal__committee").get(pk=goal_indicator_id)


def goal_tree_for(user: User | None, year: int) -> GoalTree:
    """Every goal of the year as a tree, each with its status and indicator readings."""
    _require(user, Action.GOAL_VIEW)
    goals = list(
        Goal.objects.filter(year=year).select_related("committee", "responsible_user", "parent")
    )
    return _tree(user, year, goals)


def goal_status_for(user: User | None, goal: Goal) -> GoalNode:
    """One goal's status with the goals under it (its status derives from them)."""
    return goal_tree_for(user, goal.year).node(goal.pk)


def red_thread_for(user: User | None, goal: Goal) -> RedThread:
    tree = goal_tree_for(user, goal.year)
    node = tree.node(goal.pk)
    ancestors: list[GoalNode] = []
    above = goal.parent
    while above is not None:
        ancestors.insert(0, tree.node(above.pk))
        above = above.parent
    committees = {n.goal.committee for n in node.walk() if n.goal.committee is not None}
    return RedThread(
        ancestors=ancestors, node=node, committees=sorted(committees, key=lambda c: c.code)
    )


def goal_detail_for(user: User | None, goal: Goal) -> GoalDetail:
    """Everything the goal page shows: status, readings, tables by sex and the history."""
    tree = goal_tree_for(user, goal.year)
    node = tree.node(goal.pk)
    indicator_ids = [reading.goal_indicator.pk for reading in node.indicators]
    return GoalDetail(
        node=node,
        ancestors=ancestors_of(goal),
        period=tree.period,
        indicators=[
            IndicatorHistory(reading=reading, rows=_history_rows(user, reading, goal.year))
            for reading in node.indicators
        ],
        statuses=list(
            StatusRecord.objects.filter(goal=goal).select_related("recorded_by").order_by("-id")
        ),
        assessments=list(
            Assessment.objects.filter(goal=goal).select_related("reported_by").order_by("-id")
        ),
        outcomes=list(
            Outcome.objects.filter(goal_indicator__in=indicator_ids)
            .select_related("reported_by", "goal_indicator")
            .order_by("-id")
        ),
        targets=list(
            Target.objects.filter(goal_indicator__in=indicator_ids)
            .select_related("reported_by", "goal_indicator")
            .order_by("-id")
        ),
        store_missing=tree.store_missing,
        may_edit=user is not None and can_edit(user, goal.committee),
        may_assess=user is not None and can_assess(user, goal),
    )


def can_edit(user: User, committee: Committee | None) -> bool:
    """Adding goals, indicators and targets for a committee's goals (None: the council's)."""
    return can_for(user, Action.GOAL_EDIT, committee)


def can_assess(user: User, goal: Goal) -> bool:
    """The goal's named responsible person, or whoever assesses goals for its committee."""
    if goal.responsible_user_id is not None and goal.responsible_user_id == user.pk:
        return can(user, Action.GOAL_VIEW)
    return can_for(user, Action.GOAL_ASSESS, goal.committee)


def indicator_reading(
    goal_indicator: GoalIndicator,
    year: int,
    observed: dict[str, Observed],
    target: Target | None,
) -> IndicatorReading:
    """A goal indicator's groups against their targets and its status. The groups assessed are
    those with a target; without any, the total is, and says what is missing."""
    unit = goal_indicator.unit
    targets = {
        TOTAL: target.total if target else None,
        WOMEN: target.women if target else None,
        MEN: target.men if target else None,
    }
    labels = {TOTAL: _("Totalt"), WOMEN: _("Kvinnor"), MEN: _("Män")}
    assessed = [group for group in GROUPS if targets[group] is not None] or [TOTAL]
    groups = []
    for group in GROUPS:
        seen = observed.get(group, Observed(None))
        verdict = None
        if group in assessed:
            verdict = measure_status(
                Measure(
                    value=seen.value,
                    target=targets[group],
                    unit=unit,  # type: ignore[arg-type]
                    direction=Direction(goal_indicator.direction),
                    year=year,
                    yellow_within=goal_indicator.yellow_within,
                    suppressed=seen.suppressed,
                    baseline_value=goal_indicator.baseline_value if group == TOTAL else None,
                    baseline_year=goal_indicator.baseline_year,
                    method_break_year=goal_indicator.method_break_year,
                )
            )
        target_value = targets[group]
        groups.append(
            GroupReading(
                group=group,
                label=labels[group],
                value=_shown(seen, unit),
                target="" if target_value is None else format_value(target_value, unit),
                verdict=verdict,
            )
        )
    verdict = indicator_status(
        [(g.label, g.verdict) for g in groups if g.verdict is not None and g.group in assessed]
    )
    found = (
        indicator(goal_indicator.indicator_id) if goal_indicator.source == Source.ENGINE else None
    )
    return IndicatorReading(
        goal_indicator=goal_indicator,
        title=goal_indicator.label,
        definition=found.definition if found else "",
        target=target,
        groups=groups,
        verdict=verdict,
    )


def engine_observed(cells: Iterable[Cell], year: int) -> dict[str, Observed]:
    """The total and the two sexes of one year from an indicator's protected cells."""
    period = str(year)
    found = {}
    for cell in cells:
        if cell.period != period:
            continue
        if cell.breakdown == TOTAL:
            found[TOTAL] = _observed(cell)
        elif cell.breakdown == SEX and cell.group in (WOMEN, MEN):
            found[cell.group] = _observed(cell)
    return found


def outcome_observed(outcome: Outcome | None) -> dict[str, Observed]:
    if outcome is None:
        return {}
    return {
        TOTAL: Observed(outcome.total),
        WOMEN: Observed(outcome.women),
        MEN: Observed(outcome.men),
    }


def _tree(user: User | None, year: int, goals: Sequence[Goal]) -> GoalTree:
    goal_ids = [goal.pk for goal in goals]
    goal_indicators = list(GoalIndicator.objects.filter(goal__in=goal_ids))
    targets = _latest(
        Target.objects.filter(goal_indicator__in=goal_indicators), "goal_indicator_id"
    )
    outcomes = _latest(
        Outcome.objects.filter(goal_indicator__in=goal_indicators), "goal_indicator_id"
    )
    assessments = _latest(
        Assessment.objects.filter(goal__in=goal_ids).select_related("reported_by"), "goal_id"
    )
    cells, missing = _engine_cells(user, goal_indicators)
    readings: dict[int, list[IndicatorReading]] = {}
    for goal_indicator in goal_indicators:
        if goal_indicator.source == Source.ENGINE:
            observed = engine_observed(cells.get(goal_indicator.indicator_id, ()), year)
        else:
            observed = outcome_observed(outcomes.get(goal_indicator.pk))
        readings.setdefault(goal_indicator.goal_id, []).append(
            indicator_reading(goal_indicator, year, observed, targets.get(goal_indicator.pk))
        )
    children: dict[int | None, list[Goal]] = {}
    known = set(goal_ids)
    for goal in goals:
        parent = goal.parent_id if goal.parent_id in known else None
        children.setdefault(parent, []).append(goal)

    def node(goal: Goal) -> GoalNode:
        below = [node(child) for child in children.get(goal.pk, [])]
        own = readings.get(goal.pk, [])
        parts = [reading.verdict for reading in own] + [child.verdict for child in below]
        assessment = assessments.get(goal.pk)
        fulfilment = Fulfilment(assessment.fulfilment) if assessment else None
        return GoalNode(
            goal=goal,
            verdict=goal_status(parts, fulfilment),
            computed=goal_status(parts),
            indicators=own,
            assessment=assessment,
            children=below,
        )

    return GoalTree(
        year=year,
        period=GoalPeriod.objects.filter(year=year).first(),
        roots=[node(goal) for goal in children.get(None, [])],
        build=None if missing else current_build(),
        store_missing=missing,
    )


def _engine_cells(
    user: User | None, goal_indicators: Iterable[GoalIndicator]
) -> tuple[dict[str, tuple[Cell, ...]], str]:
    """The protected cells of every engine indicator used, or why there are none."""
    found: dict[str, tuple[Cell, ...]] = {}
    for goal_indicator in goal_indicators:
        if goal_indicator.source != Source.ENGINE or goal_indicator.indicator_id in found:
            continue
        item = indicator(goal_indicator.indicator_id)
        if item is None:
            continue
        try:
            found[item.id] = analysis_selectors.result_for(user, item).cells
        except StoreMissing as error:
            return {}, str(error)
    return found, ""


def _history_rows(user: User | None, reading: IndicatorReading, year: int) -> list[SeriesRow]:
    """The years from the baseline (or a few years back) to the year followed up."""
    goal_indicator = reading.goal_indicator
    first = goal_indicator.baseline_year or year - HISTORY_YEARS
    if goal_indicator.source == Source.ENGINE:
        item = indicator(goal_indicator.indicator_id)
        if item is None:
            return []
        try:
            cells = analysis_selectors.result_for(user, item).between(first, year)
        except StoreMissing:
            return []
        by_year = {int(period): engine_observed(cells, int(period)) for period in _periods(cells)}
    else:
        by_year = _baseline_row(goal_indicator, first) | {
            earlier.goal.year: outcome_observed(
                Outcome.objects.filter(goal_indicator=earlier).order_by("-id").first()
            )
            for earlier in _earlier_versions(goal_indicator)
            if earlier.goal.year >= first
        }
    return [
        SeriesRow(
            period=str(each),
            values=[
                _shown(by_year[each].get(g, Observed(None)), goal_indicator.unit) for g in GROUPS
            ],
        )
        for each in sorted(by_year)
    ]


def _baseline_row(goal_indicator: GoalIndicator, first: int) -> dict[int, dict[str, Observed]]:
    """A hand-reported indicator's baseline, as a row of its table where no outcome covers it."""
    year, value = goal_indicator.baseline_year, goal_indicator.baseline_value
    if year is None or value is None or year < first:
        return {}
    return {year: {TOTAL: Observed(value)}}


def _earlier_versions(goal_indicator: GoalIndicator) -> Iterator[GoalIndicator]:
    """The indicator in this year's goal and in the earlier years' goals it was copied from."""
    current: GoalIndicator | None = goal_indicator
    while current is not None:
        yield current
        current = (
            GoalIndicator.objects.select_related("goal").filter(pk=current.copied_from_id).first()
            if current.copied_from_id
            else None
        )


def _periods(cells: Iterable[Cell]) -> list[str]:
    return sorted({cell.period for cell in cells})


def ancestors_of(goal: Goal) -> list[Goal]:
    """The goals above `goal`, from the top: the red thread it serves."""
    found: list[Goal] = []
    above = goal.parent
    while above is not None:
        found.insert(0, above)
        above = above.parent
    return found


def _latest(rows: Iterable[Row], key: str) -> dict[int, Row]:
    """The latest row per key of an append-only table: the current value, never an update."""
    found: dict[int, Row] = {}
    for row in sorted(rows, key=lambda r: r.pk):
        found[getattr(row, key)] = row
    return found


def _observed(cell: Cell) -> Observed:
    return Observed(cell.value, cell.suppressed, cell.explanation)


def _shown(seen: Observed, unit: str) -> Shown:
    if seen.suppressed:
        return Shown(SUPPRESSED_MARK, seen.explanation)
    if seen.value is None:
        return Shown(NO_VALUE)
    return Shown(format_value(seen.value, unit))


def _require(user: User | None, action: Action) -> None:
    if user is not None and not can(user, action):
        raise PermissionDenied
