"""The register: identities, and the records each committee owns about them.

An identity (`Person`) holds no facts, only the keyed pseudonym and the encrypted personnummer.
Every fact is a record owned by the committee that imported it and tied to the batch that last
wrote it; the same fact imported by two committees is two records, because each committee is its
own authority under secrecy law.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from helhetsbild.organisation.models import Committee
from helhetsbild.register.codes import choices


class Person(models.Model):
    """An identity. A samordningsnummer that later became a personnummer points at its successor."""

    pseudonym = models.CharField(max_length=64, unique=True)
    personnummer_encrypted = models.BinaryField()
    is_coordination_number = models.BooleanField(default=False)
    successor = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="predecessors"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("identitet")
        verbose_name_plural = _("identiteter")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(successor=models.F("pk")), name="person_not_own_successor"
            )
        ]

    def __str__(self) -> str:
        return self.short_pseudonym

    @property
    def short_pseudonym(self) -> str:
        return self.pseudonym[:10]


class OwnedRecord(models.Model):
    """Who owns the record and which import batch last wrote it."""

    # No index of their own: the natural key's unique index starts with the committee, and
    # nothing looks records up by batch; each index less makes every import row cheaper.
    committee = models.ForeignKey(
        Committee, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    batch = models.ForeignKey(
        "imports.ImportBatch", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} #{self.pk} ({self.committee_id})"


class PersonRecord(OwnedRecord):
    sex = models.CharField(_("kön"), max_length=1, choices=choices("sex"))
    birth_date = models.DateField(_("födelsedatum"))
    education_level = models.CharField(
        _("utbildningsnivå"), max_length=30, choices=choices("education_level"), blank=True
    )
    unaccompanied = models.BooleanField(_("ensamkommande"), null=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("personer")
        constraints = [
            models.UniqueConstraint(fields=["committee", "person"], name="personrecord_key")
        ]


class Permit(OwnedRecord):
    decision_date = models.DateField(_("beslutsdatum"))
    permit_type = models.CharField(_("typ"), max_length=20, choices=choices("permit_type"))
    ground = models.CharField(_("grund"), max_length=30, choices=choices("permit_ground"))

    class Meta:
        verbose_name = _("uppehållstillstånd")
        verbose_name_plural = _("uppehållstillstånd")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person", "decision_date"], name="permit_key"
            )
        ]


class Settlement(OwnedRecord):
    settlement_date = models.DateField(_("folkbokföringsdatum"))
    settlement_form = models.CharField(
        _("mottagandeform"), max_length=20, choices=choices("settlement_form")
    )
    household = models.CharField(_("hushåll"), max_length=64, blank=True)
    moved_out_date = models.DateField(_("utflyttningsdatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("mottagande")
        verbose_name_plural = _("mottaganden")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person", "settlement_date"], name="settlement_key"
            ),
            models.CheckConstraint(
                condition=models.Q(moved_out_date__isnull=True)
                | models.Q(moved_out_date__gte=models.F("settlement_date")),
                name="settlement_dates_ordered",
            ),
        ]


class Episode(OwnedRecord):
    """A spell of one activity: programme, civic orientation, labour measure, work, lease…"""

    kind = models.CharField(_("insats"), max_length=30, choices=choices("episode_kind"))
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    detail = models.CharField(_("detalj"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("insats")
        verbose_name_plural = _("insatser")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person", "kind", "start_date"], name="episode_key"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="episode_dates_ordered",
            ),
        ]


class SfiCourse(OwnedRecord):
    study_path = models.CharField(_("studieväg"), max_length=1, choices=choices("sfi_study_path"))
    course = models.CharField(_("kurs"), max_length=1, choices=choices("sfi_course"))
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    grade = models.CharField(_("betyg"), max_length=20, choices=choices("sfi_grade"), blank=True)

    class Meta:
        verbose_name = _("sfi-kurs")
        verbose_name_plural = _("sfi-kurser")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "person", "study_path", "course", "start_date"],
                name="sficourse_key",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="sficourse_dates_ordered",
            ),
        ]


class AssistancePayment(OwnedRecord):
    """Social assistance paid to a household for a month; `person` is the applicant."""

    household = models.CharField(_("hushåll"), max_length=64)
    month = models.DateField(_("månad"), help_text=_("Första dagen i månaden."))
    amount = models.DecimalField(_("belopp"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("försörjningsstöd")
        verbose_name_plural = _("försörjningsstöd")
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "household", "month"], name="assistancepayment_key"
            ),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="amount_not_negative"),
        ]
