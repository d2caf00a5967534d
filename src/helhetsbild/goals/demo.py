"""The demo municipality's goals: a vision, two strategic goals of the council, goals of the four
committees measured by the indicator engine, a Kolada key figure with a method break, a manual
indicator and a few activities, for this year, with next year's plan copied beside it.

The chain is Vänersborg's (inriktningsmål -> förväntade resultat -> aktiviteter); some goals and
figures echo the audits in shared/seeds (Knivsta's 14 internships, its committee that judged a
goal fulfilled although an indicator fell). Targets are fixed numbers, as a council would set
them; the statuses are whatever the demo's synthetic data give.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.utils import timezone

from helhetsbild.goals.models import Goal, GoalKind, Source
from helhetsbild.goals.services import (
    Values,
    goal_add,
    goal_assessment_add,
    goal_indicator_add,
    goal_outcome_add,
    goal_year_copy,
)
from helhetsbild.goals.status import Fulfilment
from helhetsbild.organisation.models import Committee

# The demo users of helhetsbild.web.demo.demo_users, who act in the demo.
ANALYST = "analytiker"
CASEWORKER = "handlaggare.{code}"


@dataclass(frozen=True)
class DemoIndicator:
    source: str
    target: Values
    indicator_id: str = ""
    kolada_id: str = ""
    title: str = ""
    unit: str = ""
    direction: str = ""
    baseline_value: float | None = None
    baseline_back: int | None = None  # the baseline year, in years before the demo year
    method_break_back: int | None = None
    method_break_note: str = ""
    outcome: Values | None = None
    outcome_comment: str = ""


@dataclass(frozen=True)
class DemoGoal:
    kind: str
    title: str
    committee: str | None = None
    description: str = ""
    responsible_role: str = ""
    indicators: tuple[DemoIndicator, ...] = ()
    assessment: tuple[str, str, str] | None = None  # fulfilment, analysis, comment
    children: tuple["DemoGoal", ...] = field(default_factory=tuple)


def _engine(
    indicator_id: str, total: float, *, women: float | None = None, men: float | None = None
) -> DemoIndicator:
    return DemoIndicator(
        source=Source.ENGINE,
        indicator_id=indicator_id,
        target=Values(total, women, men),
        baseline_back=3,
    )


DEMO_TREE = DemoGoal(
    kind=GoalKind.VISION,
    title="Alla som flyttar hit blir snabbt delaktiga i arbets- och samhällslivet",
    description="Kommunfullmäktiges vision för mottagande och etablering av nyanlända.",
    children=(
        DemoGoal(
            kind=GoalKind.STRATEGIC_GOAL,
            title="Fler nyanlända kvinnor och män försörjer sig själva",
            description="Inriktningsmål: egen försörjning genom arbete eller studier, lika för "
            "kvinnor och män.",
            responsible_role="Kommundirektör",
            indicators=(
                _engine("sjalvforsorjande_andel", 55, women=52, men=58),
                DemoIndicator(
                    source=Source.KOLADA,
                    kolada_id="N00700",
                    title="Förvärvsarbetande skyddsbehövande och anhöriga 20–64 år",
                    unit="share",
                    direction="up",
                    target=Values(50),
                    baseline_value=45.0,
                    baseline_back=6,
                    method_break_back=4,
                    method_break_note="Exempel: statistiken bygger från det året på SCB:s nya "
                    "registerstatistik och kan inte jämföras med åren före.",
                    outcome=Values(48.0),
                    outcome_comment="Inmatat från Kolada tills Kolada-klienten hämtar värdet.",
                ),
            ),
            assessment=(
                Fulfilment.PARTLY_FULFILLED,
                "Andelen självförsörjande ökar för både kvinnor och män men kvinnorna ligger "
                "fortfarande efter. Arbetsmarknadsnämndens och socialnämndens mål drar åt rätt "
                "håll.",
                "Sammanvägd bedömning av nämndernas resultat och analys.",
            ),
            children=(
                DemoGoal(
                    kind=GoalKind.COMMITTEE_GOAL,
                    committee="AMN",
                    title="Fler går vidare till arbete eller studier efter kommunens "
                    "arbetsmarknadsinsatser",
                    responsible_role="Arbetsmarknadschef",
                    indicators=(
                        _engine("arbetsmarknadsinsats_arbete_6", 35),
                        _engine("manader_till_arbete", 72),
                    ),
                    children=(
                        DemoGoal(
                            kind=GoalKind.ACTIVITY,
                            committee="AMN",
                            title="Utveckla matchningen mot lokala arbetsgivare",
                            assessment=(
                                Fulfilment.PARTLY_FULFILLED,
                                "Samarbete inlett med sex arbetsgivare; fler behövs inom vård "
                                "och omsorg.",
                                "",
                            ),
                        ),
                        DemoGoal(
                            kind=GoalKind.ACTIVITY,
                            committee="KS",
                            title="Praktikplatser för nyanlända i alla förvaltningar",
                            responsible_role="HR-chef",
                            indicators=(
                                DemoIndicator(
                                    source=Source.MANUAL,
                                    title="Praktik- och språkpraktikplatser i kommunens "
                                    "verksamheter",
                                    unit="count",
                                    direction="up",
                                    target=Values(20),
                                    outcome=Values(14, 6, 8),
                                    outcome_comment="14 platser i fem verksamheter och ett "
                                    "bolag, enligt förvaltningarnas rapporter.",
                                ),
                            ),
                        ),
                    ),
                ),
                DemoGoal(
                    kind=GoalKind.COMMITTEE_GOAL,
                    committee="SN",
                    title="Färre nyanlända behöver försörjningsstöd",
                    responsible_role="Socialchef",
                    indicators=(_engine("forsorjningsstod_personer", 15),),
                    children=(
                        DemoGoal(
                            kind=GoalKind.ACTIVITY,
                            committee="SN",
                            title="Gemensam planering mellan försörjningsstödet och "
                            "arbetsmarknadsenheten",
                            assessment=(
                                Fulfilment.FULFILLED,
                                "Gemensamma planeringsmöten varannan vecka sedan februari.",
                                "",
                            ),
                        ),
                    ),
                ),
                DemoGoal(
                    kind=GoalKind.COMMITTEE_GOAL,
                    committee="KS",
                    title="Fler går vidare till arbete eller studier efter etableringsprogrammet",
                    responsible_role="Integrationsstrateg",
                    indicators=(_engine("etablering_arbete_studier_90", 40),),
                ),
            ),
        ),
        DemoGoal(
            kind=GoalKind.STRATEGIC_GOAL,
            title="Nyanlända lär sig svenska och om samhället och har en trygg bostad",
            responsible_role="Kommundirektör",
            children=(
                DemoGoal(
                    kind=GoalKind.COMMITTEE_GOAL,
                    committee="UN",
                    title="Fler klarar sfi och färre avbryter",
                    responsible_role="Rektor för vuxenutbildningen",
                    indicators=(
                        _engine("sfi_minst_tva_kurser", 50),
                        _engine("sfi_avbrott", 30),
                    ),
                    assessment=(
                        Fulfilment.FULFILLED,
                        "Avbrotten har minskat och fler elever klarar sina kurser.",
                        "Vi bedömer målet som uppfyllt eftersom avbrotten minskat tydligt, även "
                        "om andelen som klarar två kurser inte når målvärdet.",
                    ),
                    children=(
                        DemoGoal(
                            kind=GoalKind.ACTIVITY,
                            committee="UN",
                            title="Förstärkt sfi med kuratorsstöd",
                            assessment=(
                                Fulfilment.FULFILLED,
                                "Kurator finns på plats två dagar i veckan sedan hösten.",
                                "",
                            ),
                        ),
                    ),
                ),
                DemoGoal(
                    kind=GoalKind.COMMITTEE_GOAL,
                    committee="KS",
                    title="Fler har ett eget förstahandskontrakt",
                    responsible_role="Bostadssamordnare",
                    indicators=(_engine("forstahandskontrakt_24", 30),),
                    children=(
                        DemoGoal(
                            kind=GoalKind.ACTIVITY,
                            committee="KS",
                            title="Överenskommelse med bostadsbolaget om förstahandskontrakt",
                        ),
                    ),
                ),
                DemoGoal(
                    kind=GoalKind.COMMITTEE_GOAL,
                    committee="KS",
                    title="Alla deltar i samhällsorientering inom ett år",
                    responsible_role="Integrationsstrateg",
                    indicators=(_engine("samhallsorientering_12", 90),),
                ),
            ),
        ),
    ),
)


def goals_demo_ensure(year: int | None = None) -> int:
    """The demo goal tree for `year` (default this year) and the plan for the next, unless the
    year already has goals. Call it after `demo_users()` and the first `build_store`, so that
    baselines come from the analysis store. Returns how many goals the year has."""
    year = year or timezone.localdate().year
    if not Goal.objects.filter(year=year).exists():
        analyst = User.objects.get(username=ANALYST)
        _add(DEMO_TREE, year=year, parent=None, analyst=analyst)
        goal_year_copy(actor=analyst, year=year)
    return Goal.objects.filter(year=year).count()


def _add(spec: DemoGoal, *, year: int, parent: Goal | None, analyst: User) -> None:
    committee = Committee.objects.get(code=spec.committee) if spec.committee else None
    goal = goal_add(
        actor=analyst,
        year=year,
        kind=spec.kind,
        title=spec.title,
        description=spec.description,
        parent=parent,
        committee=committee,
        responsible_role=spec.responsible_role,
    )
    reporter = (
        User.objects.get(username=CASEWORKER.format(code=committee.code.lower()))
        if committee
        else analyst
    )
    for item in spec.indicators:
        goal_indicator = goal_indicator_add(
            actor=analyst,
            goal=goal,
            source=item.source,
            indicator_id=item.indicator_id,
            kolada_id=item.kolada_id,
            title=item.title,
            unit=item.unit,
            direction=item.direction,
            baseline_value=item.baseline_value,
            baseline_year=None if item.baseline_back is None else year - item.baseline_back,
            method_break_year=None
            if item.method_break_back is None
            else year - item.method_break_back,
            method_break_note=item.method_break_note,
            target=item.target,
        )
        if item.outcome is not None:
            goal_outcome_add(
                actor=reporter,
                goal_indicator=goal_indicator,
                values=item.outcome,
                comment=item.outcome_comment,
            )
    for child in spec.children:
        _add(child, year=year, parent=goal, analyst=analyst)
    if spec.assessment is not None:
        fulfilment, analysis, comment = spec.assessment
        goal_assessment_add(
            actor=reporter, goal=goal, fulfilment=fulfilment, analysis=analysis, comment=comment
        )
