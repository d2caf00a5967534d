"""The goal hierarchy of one year, the indicators that measure its goals, and what is reported
against them.

Goals and their indicators are the plan: each year has its own tree, and next year's plan is a
copy that is then changed (`services.goal_year_copy`). What is reported against the plan
(targets, outcomes entered by hand, assessments) and the statuses computed from it are
append-only rows with who and when: a correction is a new row, the current value is the latest
row, and nothing is ever overwritten (DESIGN.md §6, unlike the steering systems in use today).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhetsbild.accesslog.models import AppendOnlyModel
from helhetsbild.analysis.catalogue import indicator
from helhetsbild.analysis.disclosure import Unit
from helhetsbild.goals.status import (
    DEFAULT_YELLOW_WITHIN,
    FULFILMENT_LABELS,
    Basis,
    Fulfilment,
    Status,
)
from helhetsbild.organisation.models import Committee


class GoalKind(models.TextChoices):
    """Vänersborg's chain (inriktningsmål -> förväntade resultat -> aktiviteter), with the
    council's vision above it; a committee goal or an activity may have others of its kind under
    it, to any depth."""

    VISION = "vision", _("Vision")
    STRATEGIC_GOAL = "strategic_goal", _("Inriktningsmål")
    COMMITTEE_GOAL = "committee_goal", _("Nämndmål eller förväntat resultat")
    ACTIVITY = "activity", _("Aktivitet")


# How far down the chain each kind stands; a goal's parent stands higher (or, for committee
# goals and activities, at the same level).
KIND_LEVEL = {
    GoalKind.VISION: 0,
    GoalKind.STRATEGIC_GOAL: 1,
    GoalKind.COMMITTEE_GOAL: 2,
    GoalKind.ACTIVITY: 3,
}
# Set by the council, so no committee owns them.
COUNCIL_KINDS = frozenset({GoalKind.VISION, GoalKind.STRATEGIC_GOAL})
NESTING_KINDS = frozenset({GoalKind.COMMITTEE_GOAL, GoalKind.ACTIVITY})


class Source(models.TextChoices):
    ENGINE = "engine", _("Helhetsbildens indikator")
    KOLADA = "kolada", _("Kolada")
    MANUAL = "manual", _("Manuell indikator")


class DirectionChoice(models.TextChoices):
    UP = "up", _("Högre är bättre")
    DOWN = "down", _("Lägre är bättre")


class UnitChoice(models.TextChoices):
    SHARE = Unit.SHARE.value, _("andel (%)")
    COUNT = Unit.COUNT.value, _("antal")
    AMOUNT = Unit.AMOUNT.value, _("kronor")
    MONTHS = Unit.MONTHS.value, _("månader")


class GoalPeriod(models.Model):
    """A year of follow-up. Once closed, reports against it are still accepted but marked as late
    corrections and written to the access log."""

    year = models.PositiveSmallIntegerField(_("år"), unique=True)
    closed_at = models.DateTimeField(_("stängd"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["year"]
        verbose_name = _("uppföljningsår")
        verbose_name_plural = _("uppföljningsår")

    def __str__(self) -> str:
        return str(self.year)

    @property
    def closed(self) -> bool:
        return self.closed_at is not None


class Goal(models.Model):
    year = models.PositiveSmallIntegerField(_("år"), db_index=True)
    kind = models.CharField(_("nivå"), max_length=20, choices=GoalKind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("överordnat mål"),
    )
    title = models.CharField(_("rubrik"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("nämnd"),
        help_text=_("Tom för fullmäktiges vision och inriktningsmål."),
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ansvarig användare"),
    )
    responsible_role = models.CharField(
        _("ansvarig funktion"), max_length=200, blank=True, help_text=_("Till exempel Socialchef.")
    )
    order = models.PositiveIntegerField(_("ordning"), default=0)
    copied_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        ordering = ["year", "order", "id"]
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=sorted(COUNCIL_KINDS), committee=None)
                | models.Q(kind__in=sorted(NESTING_KINDS), committee__isnull=False),
                name="goal_committee_by_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    @property
    def responsible(self) -> str:
        """Who answers for the goal, as the pages write it."""
        names = [self.responsible_role]
        if self.responsible_user is not None:
            names.append(self.responsible_user.get_full_name() or self.responsible_user.username)
        return ", ".join(name for name in names if name)

    @property
    def owner(self) -> str:
        return str(self.committee) if self.committee else str(_("Kommunfullmäktige"))


class GoalIndicator(models.Model):
    """An indicator that measures a goal in its year: where its values come from, which way is
    better, the baseline, the yellow band and any break in its definition. Its targets are rows
    of `Target`, so that a changed target leaves the old one visible."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="indicators")
    source = models.CharField(_("källa"), max_length=20, choices=Source.choices)
    indicator_id = models.CharField(_("indikator"), max_length=100, blank=True)
    kolada_id = models.CharField(_("Kolada-id"), max_length=20, blank=True)
    title = models.CharField(_("namn"), max_length=300, blank=True)
    unit = models.CharField(_("enhet"), max_length=20, choices=UnitChoice.choices)
    direction = models.CharField(_("riktning"), max_length=10, choices=DirectionChoice.choices)
    baseline_value = models.FloatField(_("utgångsvärde"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("utgångsår"), null=True, blank=True)
    yellow_within = models.FloatField(
        _("gul inom (% av målvärdet)"),
        default=DEFAULT_YELLOW_WITHIN,
        help_text=_("Hur långt från målvärdet utfallet får ligga och ändå vara gult."),
    )
    method_break_year = models.PositiveSmallIntegerField(
        _("år för metodbyte"),
        null=True,
        blank=True,
        help_text=_("Första året med den nya definitionen, om definitionen ändrats."),
    )
    method_break_note = models.TextField(_("om metodbytet"), blank=True)
    order = models.PositiveIntegerField(_("ordning"), default=0)
    copied_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        ordering = ["goal", "order", "id"]
        verbose_name = _("målindikator")
        verbose_name_plural = _("målindikatorer")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(source=Source.ENGINE) | ~models.Q(indicator_id=""),
                name="goalindicator_engine_has_id",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=Source.KOLADA) | ~models.Q(kolada_id=""),
                name="goalindicator_kolada_has_id",
            ),
            models.CheckConstraint(
                condition=~models.Q(source=Source.MANUAL) | ~models.Q(title=""),
                name="goalindicator_manual_has_title",
            ),
            models.CheckConstraint(
                condition=models.Q(yellow_within__gte=0, yellow_within__lte=100),
                name="goalindicator_yellow_within_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        if self.source == Source.ENGINE:
            found = indicator(self.indicator_id)
            return found.title if found else self.indicator_id
        if self.source == Source.KOLADA:
            return f"{self.title} ({self.kolada_id})" if self.title else self.kolada_id
        return self.title

    @property
    def reported_by_hand(self) -> bool:
        """Kolada values are entered by hand until the Kolada client fetches them."""
        return self.source != Source.ENGINE


class Reported(AppendOnlyModel):
    """Who reported a row, when, and whether it came after its year was closed. Rows are reached
    through their own table (`Target.objects.filter(goal_indicator=...)`): the append-only
    manager gives no reverse relation the type checker can follow."""

    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("av"),
    )
    reported_at = models.DateTimeField(_("tid"), default=timezone.now)
    late = models.BooleanField(
        _("sen rättelse"), default=False, help_text=_("Registrerad efter att året stängts.")
    )

    class Meta:
        abstract = True


class Target(Reported):
    """The target of a goal indicator in its goal's year: for all, and optionally for women and
    for men. The latest row is the target; earlier rows show how it changed."""

    goal_indicator = models.ForeignKey(GoalIndicator, on_delete=models.PROTECT, related_name="+")
    total = models.FloatField(_("målvärde totalt"), null=True, blank=True)
    women = models.FloatField(_("målvärde kvinnor"), null=True, blank=True)
    men = models.FloatField(_("målvärde män"), null=True, blank=True)
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        ordering = ["reported_at", "id"]
        verbose_name = _("målvärde")
        verbose_name_plural = _("målvärden")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=False)
                | models.Q(women__isnull=False)
                | models.Q(men__isnull=False),
                name="target_has_a_value",
            )
        ]


class Outcome(Reported):
    """A value entered by hand for a manual or Kolada indicator in its goal's year, with the
    comment the responsible person gives; a correction is a new row."""

    goal_indicator = models.ForeignKey(GoalIndicator, on_delete=models.PROTECT, related_name="+")
    total = models.FloatField(_("utfall totalt"), null=True, blank=True)
    women = models.FloatField(_("utfall kvinnor"), null=True, blank=True)
    men = models.FloatField(_("utfall män"), null=True, blank=True)
    comment = models.TextField(_("kommentar"))

    class Meta:
        ordering = ["reported_at", "id"]
        verbose_name = _("utfall")
        verbose_name_plural = _("utfall")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total__isnull=False)
                | models.Q(women__isnull=False)
                | models.Q(men__isnull=False),
                name="outcome_has_a_value",
            )
        ]


class Assessment(Reported):
    """The responsible person's assessment of a goal in its year, with the computed status it was
    made against, so that a later reader sees what the comment answered."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    fulfilment = models.CharField(
        _("bedömning"),
        max_length=20,
        choices=[(f.value, label) for f, label in FULFILMENT_LABELS.items()],
    )
    analysis = models.TextField(_("analys"))
    comment = models.TextField(_("kommentar till avvikelsen"), blank=True)
    computed_status = models.CharField(
        _("beräknad status"), max_length=20, choices=[(s.value, s.value) for s in Status]
    )
    computed_explanation = models.TextField(_("förklaring till beräknad status"))

    class Meta:
        ordering = ["reported_at", "id"]
        verbose_name = _("bedömning")
        verbose_name_plural = _("bedömningar")

    @property
    def fulfilment_label(self) -> str:
        return Fulfilment(self.fulfilment).label

    @property
    def computed(self) -> Status:
        return Status(self.computed_status)


class StatusRecord(AppendOnlyModel):
    """A goal's status as it was computed at a moment: a new row whenever it changes, never an
    update, so the history of a status is kept even though it is computed afresh on every read.
    `recorded_by` is whoever made the change that moved it (none after a new analysis build)."""

    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("status"), max_length=20, choices=[(s.value, s.value) for s in Status]
    )
    basis = models.CharField(max_length=20, choices=[(b.value, b.value) for b in Basis])
    explanation = models.TextField(_("förklaring"))
    analysis_build = models.PositiveIntegerField(_("analysbygge"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("tid"), default=timezone.now)

    class Meta:
        ordering = ["recorded_at", "id"]
        verbose_name = _("statushistorik")
        verbose_name_plural = _("statushistorik")

    @property
    def state(self) -> Status:
        return Status(self.status)

    @property
    def from_assessment(self) -> bool:
        return self.basis == Basis.ASSESSMENT
