"""The committee's interim and annual reports: which report, who marked which of its sections
ready, and the files it was archived as.

A report's content is not stored while it is being written: it is built from the goals, the
indicator engine and the actions whenever it is generated, so a draft always shows the current
figures. Its sections follow from the goals of its year (`selectors.sections_of`); what is kept is
who marked each one ready, as append-only rows. Archiving generates the final files once, keeps
them with their SHA-256 and locks the report: from then on it is served as it was sent.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhetsbild.accesslog.models import AppendOnlyModel
from helhetsbild.goals.models import Goal
from helhetsbild.organisation.models import Committee


class ReportKind(models.TextChoices):
    """The values are the command line's `--kind`."""

    INTERIM = "delar", _("Delårsrapport")
    ANNUAL = "helar", _("Helårsrapport")


class FileFormat(models.TextChoices):
    HTML = "html", "HTML"
    DOCX = "docx", "Word"
    PDF = "pdf", "PDF"


class Report(models.Model):
    kind = models.CharField(_("slag"), max_length=10, choices=ReportKind.choices)
    year = models.PositiveSmallIntegerField(_("år"))
    committee = models.ForeignKey(
        Committee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("nämnd"),
        help_text=_("Tom för hela kommunens rapport."),
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    archived_at = models.DateTimeField(_("arkiverad"), null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "kind", "committee__code", "id"]
        verbose_name = _("rapport")
        verbose_name_plural = _("rapporter")
        constraints = [
            # One report of a kind per year and committee, and one for the whole municipality
            # (two partial indexes, because NULLs are distinct in a plain unique index).
            models.UniqueConstraint(
                fields=["kind", "year", "committee"],
                condition=models.Q(committee__isnull=False),
                name="report_unique_per_committee",
            ),
            models.UniqueConstraint(
                fields=["kind", "year"],
                condition=models.Q(committee__isnull=True),
                name="report_unique_for_municipality",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} – {self.scope}"

    @property
    def scope(self) -> str:
        return self.committee.name if self.committee else str(_("Hela kommunen"))

    @property
    def archived(self) -> bool:
        return self.archived_at is not None


class ReadyMark(AppendOnlyModel):
    """A section marked ready (or taken back) by a reporter. The latest row of a section counts;
    `goal` None is the section on the actions after audits."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    goal = models.ForeignKey(
        Goal, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ready = models.BooleanField(_("klar"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    marked_at = models.DateTimeField(_("tid"), default=timezone.now)

    class Meta:
        ordering = ["marked_at", "id"]
        verbose_name = _("klarmarkering")
        verbose_name_plural = _("klarmarkeringar")


class ReportFile(AppendOnlyModel):
    """A file of an archived report, in DATA_DIR/reports/<report id>/, with the SHA-256 that a
    download checks before it serves the bytes. Written once, when the report is archived."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="+")
    file_format = models.CharField(_("format"), max_length=10, choices=FileFormat.choices)
    name = models.CharField(_("filnamn"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("storlek i byte"))
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        ordering = ["report", "file_format"]
        verbose_name = _("arkiverad rapportfil")
        verbose_name_plural = _("arkiverade rapportfiler")
        constraints = [
            models.UniqueConstraint(fields=["report", "file_format"], name="reportfile_unique")
        ]
