"""The committee's report as one document model, built once from the selectors and rendered to
HTML, Word and PDF by `render`, so the three formats cannot say different things.

Everything in it has passed disclosure control before it arrives here: goal readings come from
`goals.selectors` (values of protected cells), tables by sex from the engine's protected cells
through `disclosure.display`, charts from the same specification as the indicator page
(`charts.series_by_sex_spec`), with hidden points left out. A hidden cell is `..`, with the one
explanation every hidden cell shares as a footnote.
"""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhetsbild.analysis import charts
from helhetsbild.analysis import selectors as analysis_selectors
from helhetsbild.analysis.catalogue import Direction, Indicator, indicator
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, Cell, display
from helhetsbild.analysis.downloads import unit_label
from helhetsbild.analysis.overview import SeriesRow, series_by_sex
from helhetsbild.analysis.store import StoreMissing
from helhetsbild.goals import selectors as goal_selectors
from helhetsbild.goals.models import GoalIndicator, GoalKind, Source, UnitChoice
from helhetsbild.goals.selectors import GoalNode, GoalTree, IndicatorReading, goal_tree_for
from helhetsbild.goals.status import RULE_TEXT, THRESHOLD_TEXT, Basis, Status, format_value
from helhetsbild.plans import selectors as plan_selectors
from helhetsbild.plans.models import Status as ActionStatus
from helhetsbild.reports.models import Report, ReportKind
from helhetsbild.reports.selectors import Section, require_view, sections_of

NO_VALUE = "–"
_DIRECTIONS = {
    Direction.UP: gettext_lazy("Högre värde är bättre"),
    Direction.DOWN: gettext_lazy("Lägre värde är bättre"),
    Direction.NONE: gettext_lazy("Varken högre eller lägre värde är bättre i sig"),
}


@dataclass(frozen=True)
class Value:
    """A number as the document prints it; a hidden one is `..` and carries the footnote."""

    text: str

    @property
    def suppressed(self) -> bool:
        return self.text == SUPPRESSED_MARK


@dataclass(frozen=True)
class Chart:
    """A chart and its text alternative: the same specification as the indicator page."""

    spec: dict[str, Any]
    alt: str

    @cached_property
    def image_source(self) -> str:
        return charts.image_source(self.spec)

    @cached_property
    def png(self) -> bytes:
        return charts.png(self.spec)


@dataclass(frozen=True)
class GroupLine:
    """One group of an indicator against its target: the total, women or men."""

    label: str
    value: Value
    target: str
    status: Status | None


@dataclass(frozen=True)
class SexTable:
    caption: str
    headings: tuple[str, ...]
    rows: list[tuple[str, list[Value]]]

    @property
    def has_suppressed(self) -> bool:
        return any(value.suppressed for _period, values in self.rows for value in values)


@dataclass(frozen=True)
class IndicatorPart:
    title: str
    source: str
    unit: str
    status: Status
    explanation: str
    groups: list[GroupLine]
    chart: Chart | None
    chart_note: str  # why there is no chart, when there is none
    table: SexTable


@dataclass(frozen=True)
class AssessmentPart:
    fulfilment: str
    analysis: str
    comment: str
    by: str
    at: dt.datetime


@dataclass(frozen=True)
class ActivityPart:
    title: str
    owner: str
    status: Status
    explanation: str
    from_assessment: bool
    analysis: str


@dataclass(frozen=True)
class Readiness:
    """A section's ready mark as the document lists it."""

    title: str
    owner: str
    ready: bool
    by: str
    at: dt.datetime | None


@dataclass(frozen=True)
class GoalPart:
    anchor: str
    title: str
    kind: str
    owner: str
    responsible: str
    description: str
    serves: list[str]  # the goals above, the vision first: the red thread
    status: Status
    explanation: str
    from_assessment: bool
    indicators: list[IndicatorPart]
    assessment: AssessmentPart | None
    activities: list[ActivityPart]
    readiness: Readiness


@dataclass(frozen=True)
class ActionRow:
    audit: str
    recommendation: str
    action: str
    responsible: str
    timetable: str
    committee: str
    status: str  # a plans Status value
    status_label: str
    overdue: bool


@dataclass(frozen=True)
class ActionsPart:
    summary: str
    rows: list[ActionRow]
    readiness: Readiness


@dataclass(frozen=True)
class Definition:
    """An indicator the report uses, for the appendix (DESIGN.md §5: reports append the
    definitions they use)."""

    title: str
    source: str
    definition: str
    unit: str
    direction: str
    period: str
    kolada: str
    sql_file: str


@dataclass
class ReportDocument:
    title: str
    kind: str
    year: int
    period: str
    scope: str
    state: str  # "Utkast …" or "Arkiverad …", with when and by whom
    data_note: str  # which analysis build, data up to when; or why there is none
    rule: str
    thresholds: str
    goals: list[GoalPart]
    actions: ActionsPart
    appendix: list[Definition]
    suppressed_note: str  # the footnote for `..`, empty when nothing is hidden
    readiness: list[Readiness]

    @property
    def not_ready(self) -> list[Readiness]:
        return [item for item in self.readiness if not item.ready]

    @property
    def language(self) -> str:
        return "sv-SE"


def build_document(
    user: User | None, report: Report, *, now: dt.datetime | None = None
) -> ReportDocument:
    """The report as it stands: the goals of its year and scope with their current statuses,
    readings and analyses, the actions after audits, and the definitions used. `report` may be
    unsaved (the command line without a report on the page): then no section is ready."""
    require_view(user)
    now = now or timezone.now()
    tree = goal_tree_for(user, report.year)
    sections = sections_of(report)
    builder = _Builder(user, report, tree)
    goals = [builder.goal_part(section) for section in sections if section.goal is not None]
    actions = builder.actions_part(next(s for s in sections if s.goal is None))
    readiness = [part.readiness for part in goals] + [actions.readiness]
    return ReportDocument(
        title=_title(report),
        kind=report.get_kind_display(),
        year=report.year,
        period=_period(report),
        scope=report.scope,
        state=_state(report, now),
        data_note=_data_note(report, tree),
        rule=str(RULE_TEXT),
        thresholds=str(THRESHOLD_TEXT),
        goals=goals,
        actions=actions,
        appendix=builder.definitions(),
        suppressed_note=builder.suppressed_note,
        readiness=readiness,
    )


def _title(report: Report) -> str:
    return f"{report.get_kind_display()} {report.year} – {report.scope}"


def _period(report: Report) -> str:
    if report.kind == ReportKind.INTERIM:  # as the municipalities' delårsrapporter
        return _("januari–augusti %(year)s") % {"year": report.year}
    return _("januari–december %(year)s") % {"year": report.year}


def _state(report: Report, now: dt.datetime) -> str:
    if report.archived_at is not None:
        return _(
            "Arkiverad %(when)s av %(who)s. Rapporten är låst och visas som den skickades."
        ) % {
            "when": _when(report.archived_at),
            "who": _name(report.archived_by),
        }
    return _("Utkast, framtaget %(when)s. Siffrorna kan ändras tills rapporten arkiveras.") % {
        "when": _when(now)
    }


def _data_note(report: Report, tree: GoalTree) -> str:
    if tree.build is None:
        return _("Indikatorerna ur analysdatabasen saknas: %(reason)s") % {
            "reason": tree.store_missing
        }
    reference = tree.build.reference_date
    note = _(
        "Indikatorerna är beräknade i analysdatabasen (bygge %(build)s) med uppgifter till och "
        "med %(date)s, och har passerat röjandekontrollen."
    ) % {"build": tree.build.pk, "date": reference.isoformat()}
    if report.kind == ReportKind.INTERIM:
        note += " " + _("I en delårsrapport är årets värden preliminära: de gäller året hittills.")
    elif reference < dt.date(report.year, 12, 31):
        note += " " + _("Året var inte slut i uppgifterna, så årets värden gäller året hittills.")
    return note


def _when(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _name(user: User | None) -> str:
    if user is None:
        return _("systemet")
    return user.get_full_name() or user.username


class _Builder:
    """Reads what the sections need once, and keeps the footnote and the appendix as it goes."""

    def __init__(self, user: User | None, report: Report, tree: GoalTree) -> None:
        self.user = user
        self.report = report
        self.nodes = {node.goal.pk: node for node in tree.walk()}
        self.used: dict[str, Definition] = {}
        self.suppressed_note = ""

    def goal_part(self, section: Section) -> GoalPart:
        assert section.goal is not None
        node = self.nodes[section.goal.pk]
        goal = node.goal
        assessment = node.assessment
        return GoalPart(
            anchor=f"mal-{goal.pk}",
            title=goal.title,
            kind=str(GoalKind(goal.kind).label),
            owner=goal.owner,
            responsible=goal.responsible,
            description=goal.description,
            serves=[above.title for above in goal_selectors.ancestors_of(goal)],
            status=node.verdict.status,
            explanation=node.verdict.explanation,
            from_assessment=node.verdict.basis == Basis.ASSESSMENT,
            indicators=[self.indicator_part(node, reading) for reading in node.indicators],
            assessment=None
            if assessment is None
            else AssessmentPart(
                fulfilment=assessment.fulfilment_label,
                analysis=assessment.analysis,
                comment=assessment.comment,
                by=_name(assessment.reported_by),
                at=assessment.reported_at,
            ),
            activities=[
                self.activity_part(self.nodes[member.pk]) for member in section.members[1:]
            ],
            readiness=_readiness(section),
        )

    def activity_part(self, node: GoalNode) -> ActivityPart:
        return ActivityPart(
            title=node.goal.title,
            owner=node.goal.owner,
            status=node.verdict.status,
            explanation=node.verdict.explanation,
            from_assessment=node.verdict.basis == Basis.ASSESSMENT,
            analysis=node.assessment.analysis if node.assessment else "",
        )

    def indicator_part(self, node: GoalNode, reading: IndicatorReading) -> IndicatorPart:
        goal_indicator = reading.goal_indicator
        item = indicator(goal_indicator.indicator_id) if _from_engine(goal_indicator) else None
        unit = unit_label(item) if item else str(UnitChoice(goal_indicator.unit).label)
        first = goal_indicator.baseline_year or self.report.year - goal_selectors.HISTORY_YEARS
        chart = None
        chart_note = ""
        if item is not None:
            series = self._series(item, first)
            table = _engine_table(reading.title, unit, series)
            if series:
                chart = Chart(
                    spec=charts.series_by_sex_spec(series, item.unit),
                    alt=_chart_alt(reading.title, series, item.unit),
                )
            else:
                chart_note = _("Inga värden ur analysdatabasen för åren %(first)s–%(last)s.") % {
                    "first": first,
                    "last": self.report.year,
                }
        else:
            table = self._reported_table(node, reading, unit)
            chart_note = _(
                "Inget diagram: värdet rapporteras för hand ett år i taget; se tabellen."
            )
        if table.has_suppressed:
            self.suppressed_note = self.suppressed_note or self._explanation(item)
        self._define(goal_indicator, item)
        return IndicatorPart(
            title=reading.title,
            source=str(Source(goal_indicator.source).label),
            unit=unit,
            status=reading.verdict.status,
            explanation=reading.verdict.explanation,
            groups=[
                GroupLine(
                    label=group.label,
                    value=Value(group.value.text),
                    target=group.target or NO_VALUE,
                    status=group.verdict.status if group.verdict else None,
                )
                for group in reading.groups
            ],
            chart=chart,
            chart_note=chart_note,
            table=table,
        )

    def _series(self, item: Indicator, first: int) -> list[SeriesRow]:
        try:
            result = analysis_selectors.result_for(self.user, item)
        except StoreMissing:
            return []
        return [
            row for row in series_by_sex(result) if first <= int(row.period) <= self.report.year
        ]

    def _reported_table(self, node: GoalNode, reading: IndicatorReading, unit: str) -> SexTable:
        """A Kolada or manual indicator's values by year as reported by hand (not the register:
        nothing here passes disclosure control because nothing here counts persons)."""
        detail = goal_selectors.goal_detail_for(self.user, node.goal)
        history = next(
            h for h in detail.indicators if h.reading.goal_indicator.pk == reading.goal_indicator.pk
        )
        return SexTable(
            caption=_table_caption(reading.title, unit),
            headings=_table_headings(),
            rows=[
                (row.period, [Value(shown.text) for shown in row.values]) for row in history.rows
            ],
        )

    def _explanation(self, item: Indicator | None) -> str:
        if item is None:
            return ""
        try:
            cells = analysis_selectors.result_for(self.user, item).cells
        except StoreMissing:
            return ""
        return next((cell.explanation for cell in cells if cell.suppressed), "")

    def _define(self, goal_indicator: GoalIndicator, item: Indicator | None) -> None:
        if item is not None:
            self.used.setdefault(
                item.id,
                Definition(
                    title=item.title,
                    source=str(Source.ENGINE.label),
                    definition=item.definition,
                    unit=unit_label(item),
                    direction=str(_DIRECTIONS[item.direction]),
                    period=item.period,
                    kolada=item.kolada or NO_VALUE,
                    sql_file=f"{item.id}.sql",
                ),
            )
            return
        key = f"{goal_indicator.source}:{goal_indicator.kolada_id or goal_indicator.title}"
        if goal_indicator.source == Source.KOLADA:
            definition = _(
                "Kolada-nyckeltalet %(id)s. Värdet matas in för hand med kommentar tills "
                "Kolada-klienten hämtar det."
            ) % {"id": goal_indicator.kolada_id}
        else:
            definition = _(
                "Manuell indikator: den ansvarige rapporterar värdet för varje år med en "
                "kommentar om var det kommer ifrån."
            )
        self.used.setdefault(
            key,
            Definition(
                title=goal_indicator.label,
                source=str(Source(goal_indicator.source).label),
                definition=definition,
                unit=str(UnitChoice(goal_indicator.unit).label),
                direction=str(_DIRECTIONS[Direction(goal_indicator.direction)]),
                period=_("Kalenderåret"),
                kolada=goal_indicator.kolada_id or NO_VALUE,
                sql_file=NO_VALUE,
            ),
        )

    def definitions(self) -> list[Definition]:
        return sorted(self.used.values(), key=lambda d: d.title)

    def actions_part(self, section: Section) -> ActionsPart:
        today = timezone.localdate()
        actions = list(plan_selectors.actions_for(self.user, committee=self.report.committee))
        actions.sort(key=lambda a: (a.recommendation.audit.title, a.recommendation.position, a.pk))
        return ActionsPart(
            summary=plan_selectors.progress(actions, today).summary(),
            rows=[
                ActionRow(
                    audit=action.recommendation.audit.title,
                    recommendation=action.recommendation.text,
                    action=action.text,
                    responsible=action.responsible,
                    timetable=action.timetable,
                    committee=action.committee.code,
                    status=action.status,
                    status_label=str(ActionStatus(action.status).label),
                    overdue=action.is_overdue(today),
                )
                for action in actions
            ],
            readiness=_readiness(section),
        )


def _from_engine(goal_indicator: GoalIndicator) -> bool:
    return goal_indicator.source == Source.ENGINE


def _readiness(section: Section) -> Readiness:
    mark = section.mark if section.ready else None
    return Readiness(
        title=section.title,
        owner=section.owner,
        ready=section.ready,
        by=_name(mark.marked_by) if mark else "",
        at=mark.marked_at if mark else None,
    )


def _table_headings() -> tuple[str, ...]:
    return (_("År"), *charts.series_names())


def _table_caption(title: str, unit: str) -> str:
    return _("%(title)s per år, totalt och efter kön (%(unit)s)") % {"title": title, "unit": unit}


def _engine_table(title: str, unit: str, series: Sequence[SeriesRow]) -> SexTable:
    return SexTable(
        caption=_table_caption(title, unit),
        headings=_table_headings(),
        rows=[
            (row.period, [_value(cell) for cell in (row.total, row.women, row.men)])
            for row in series
        ],
    )


def _value(cell: Cell | None) -> Value:
    return Value(NO_VALUE if cell is None else display(cell))


def _chart_alt(title: str, series: Sequence[SeriesRow], unit: str) -> str:
    """What the chart shows, in words: the series, the years and where the total began and
    ended; the table after it has every number."""
    first, last = series[0], series[-1]
    words = {
        "title": title,
        "first": first.period,
        "last": last.period,
        "start": _spoken(first.total, unit),
        "end": _spoken(last.total, unit),
    }
    if first is last:
        return (
            _(
                "Diagram: %(title)s %(first)s, totalt %(end)s, för kvinnor och män. Siffrorna "
                "finns i tabellen efter diagrammet."
            )
            % words
        )
    return (
        _(
            "Linjediagram: %(title)s %(first)s–%(last)s, totalt och för kvinnor och män. Totalt "
            "%(start)s %(first)s och %(end)s %(last)s. Siffrorna finns i tabellen efter "
            "diagrammet."
        )
        % words
    )


def _spoken(cell: Cell, unit: str) -> str:
    if cell.suppressed:
        return _("dolt")
    if cell.value is None:
        return _("inget värde")
    return format_value(cell.value, unit)
