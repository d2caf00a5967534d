"""Audits and action plans: questions with assessments, recommendations (or development areas),
and the actions that answer them, each with an append-only history of its status.

One model serves both an auditor's report and a committee's own action plan: a recommendation is
what an action plan calls a development area, and an action is what it calls an activity.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhetsbild.accesslog.models import AppendOnlyModel
from helhetsbild.organisation.models import Committee
from helhetsbild.plans import extract


class AuditKind(models.TextChoices):
    AUDIT = "audit", _("Granskning")
    ACTION_PLAN = "action_plan", _("Handlingsplan")


class Assessment(models.TextChoices):
    """The auditors' three-step scale; the values are the words `extract` reads and writes."""

    MET = extract.MET, _("Uppfyllt")
    PARTLY_MET = extract.PARTLY_MET, _("Delvis uppfyllt")
    NOT_MET = extract.NOT_MET, _("Ej uppfyllt")


class Status(models.TextChoices):
    """Red, yellow and green in the committees' answers; shown in words, never by colour alone."""

    NOT_STARTED = "not_started", _("Ej påbörjad")
    STARTED = "started", _("Påbörjad")
    DONE = "done", _("Klar")


class Audit(models.Model):
    kind = models.CharField(
        _("slag"), max_length=20, choices=AuditKind.choices, default=AuditKind.AUDIT
    )
    title = models.CharField(_("titel"), max_length=300)
    auditor = models.CharField(
        _("granskare"), max_length=200, blank=True, help_text=_("T.ex. revisionsbyrån.")
    )
    date = models.DateField(_("datum"), null=True, blank=True)
    committees = models.ManyToManyField(
        Committee, blank=True, related_name="audits", verbose_name=_("berörda nämnder")
    )
    source_name = models.CharField(_("källfil"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )

    class Meta:
        ordering = ["-date", "-created_at"]
        verbose_name = _("granskning eller handlingsplan")
        verbose_name_plural = _("granskningar och handlingsplaner")

    def __str__(self) -> str:
        return self.title


class AuditQuestion(models.Model):
    """A revisionsfråga or kontrollmål, with the auditors' assessment where they gave one."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveIntegerField(_("ordning"))
    text = models.TextField(_("fråga eller kontrollmål"))
    assessment = models.CharField(
        _("bedömning"), max_length=20, choices=Assessment.choices, blank=True
    )

    class Meta:
        ordering = ["audit", "position"]
        verbose_name = _("revisionsfråga")
        verbose_name_plural = _("revisionsfrågor")
        constraints = [
            models.UniqueConstraint(fields=["audit", "position"], name="question_position_unique")
        ]

    def __str__(self) -> str:
        return self.text[:80]


class Recommendation(models.Model):
    """An auditor's recommendation, or a development area of an action plan."""

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="recommendations")
    position = models.PositiveIntegerField(_("ordning"))
    text = models.TextField(_("rekommendation"))

    class Meta:
        ordering = ["audit", "position"]
        verbose_name = _("rekommendation")
        verbose_name_plural = _("rekommendationer")
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "position"], name="recommendation_position_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]


# The type checker's Django plugin cannot follow the append-only manager of `history`.
class Action(models.Model):  # type: ignore[django-manager-missing]
    """What a committee does about a recommendation (an activity, in an action plan).

    `status` is the latest entry of its history, kept here so that lists can filter on it; only
    `services.action_status_change` writes it, together with the history entry.
    """

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.PROTECT, related_name="actions"
    )
    text = models.TextField(_("åtgärd"))
    responsible = models.CharField(
        _("ansvarig"), max_length=200, help_text=_("En person eller en roll.")
    )
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="responsible_actions",
        verbose_name=_("ansvarig användare"),
        help_text=_("Får påminnelser och ser åtgärden under ”Mina”."),
    )
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="actions", verbose_name=_("nämnd")
    )
    deadline = models.DateField(_("klart senast"), null=True, blank=True)
    continuous = models.BooleanField(_("kontinuerligt"), default=False)
    follow_up = models.CharField(
        _("följs upp i"),
        max_length=200,
        blank=True,
        help_text=_("Var ett kontinuerligt arbete följs upp, t.ex. årsredovisningen."),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    reminded_for = models.DateField(
        _("påmint inför"),
        null=True,
        blank=True,
        help_text=_("Den tidsgräns som en påminnelse senast skickades inför."),
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )

    class Meta:
        ordering = ["recommendation__audit", "recommendation__position", "pk"]
        verbose_name = _("åtgärd")
        verbose_name_plural = _("åtgärder")
        constraints = [
            # A date, or "kontinuerligt" with a named follow-up point: never neither, never both.
            models.CheckConstraint(
                condition=(
                    models.Q(continuous=False, deadline__isnull=False)
                    | (models.Q(continuous=True, deadline__isnull=True) & ~models.Q(follow_up=""))
                ),
                name="action_has_timetable",
            )
        ]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def timetable(self) -> str:
        """The deadline as committees write it in their answer to the auditors."""
        if self.continuous:
            return _("Kontinuerligt, följs upp i %(point)s") % {"point": self.follow_up}
        return self.deadline.isoformat() if self.deadline else ""

    def is_overdue(self, today: dt.date) -> bool:
        return self.deadline is not None and self.deadline < today and self.status != Status.DONE


class StatusChange(AppendOnlyModel):
    """One dated, commented change of an action's status; never changed or removed."""

    action = models.ForeignKey(Action, on_delete=models.PROTECT, related_name="history")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    date = models.DateField(_("gäller från"))
    comment = models.TextField(_("kommentar"))
    changed_at = models.DateTimeField(_("registrerad"), default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )

    class Meta(AppendOnlyModel.Meta):
        ordering = ["action", "date", "changed_at", "pk"]
        verbose_name = _("statusändring")
        verbose_name_plural = _("statusändringar")

    def __str__(self) -> str:
        return f"{self.date} {self.get_status_display()}"
