"""Claims sent to Migrationsverket and the payments it made.

A claim's history is append-only: every change writes a `ClaimChange` with the fields before
and after, and a change row can be neither altered nor deleted, so the follow-up of a claim
can be audited like the access log.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# What a claim records after it is created, in the order of the form and of its history.
CLAIM_FIELDS = (
    "amount_applied",
    "sent_on",
    "reference",
    "decision",
    "amount_paid",
    "paid_on",
    "comment",
)
# The history's entry for a new claim, keyed "skapad", holds the deadline it was created with.
CREATED = "skapad"


class Decision(models.TextChoices):
    APPROVED = "approved", _("beviljad")
    PARTLY = "partly", _("delvis beviljad")
    DENIED = "denied", _("avslagen")


class Claim(models.Model):
    """One application for one person, type and period."""

    person = models.ForeignKey("register.Person", on_delete=models.PROTECT, related_name="+")
    type_code = models.CharField(_("ersättning"), max_length=60)
    period_first = models.DateField(_("periodens första dag"))
    period_last = models.DateField(_("periodens sista dag"))
    deadline = models.DateField(_("sista dag för ansökan"))
    rule = models.CharField(_("regel"), max_length=80, blank=True)
    amount_applied = models.PositiveIntegerField(_("sökt belopp"), null=True, blank=True)
    sent_on = models.DateField(_("skickad"), null=True, blank=True)
    reference = models.CharField(_("Migrationsverkets diarienummer"), max_length=60, blank=True)
    decision = models.CharField(_("beslut"), max_length=10, choices=Decision.choices, blank=True)
    amount_paid = models.PositiveIntegerField(_("utbetalt belopp"), null=True, blank=True)
    paid_on = models.DateField(_("utbetald"), null=True, blank=True)
    # Internal, e.g. why a claim was partly approved: never in the file to Migrationsverket.
    comment = models.TextField(_("kommentar"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ansökan")
        verbose_name_plural = _("ansökningar")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "type_code", "period_first"], name="claim_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.type_code} {self.period_first}"


class ClaimChange(models.Model):
    """A dated entry of a claim's history: what changed, by whom."""

    claim = models.ForeignKey(Claim, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(_("tidpunkt"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    username = models.CharField(max_length=150)
    # {field: [before, after]} as text, in the order of the form.
    changes = models.JSONField(_("ändringar"))

    class Meta:
        ordering = ["claim", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.claim_id} {self.at:%Y-%m-%d %H:%M}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a claim's history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("a claim's history is append-only")


class PaymentFile(models.Model):
    """A payment specification from Migrationsverket as imported."""

    name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sha256"], name="payment_file_once")]

    def __str__(self) -> str:
        return self.name


class Payment(models.Model):
    """One row of a specification: an amount paid for one person, type and period."""

    file = models.ForeignKey(PaymentFile, on_delete=models.CASCADE, related_name="payments")
    row = models.PositiveIntegerField()
    # The canonical identity; None when the register has no such person (received, not expected).
    person = models.ForeignKey(
        "register.Person", on_delete=models.PROTECT, null=True, related_name="+"
    )
    pseudonym = models.CharField(max_length=64)
    type_code = models.CharField(max_length=60)
    period_first = models.DateField()
    period_last = models.DateField()
    amount = models.IntegerField()  # negative: Migrationsverket took money back
    paid_on = models.DateField()

    def __str__(self) -> str:
        return f"{self.type_code} {self.period_first} {self.amount}"
