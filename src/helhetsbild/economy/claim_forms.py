"""Forms of the Återsökning page. They parse and check what a controller can correct on the spot
(a decision before the claim was sent, a payment without its date); `claim_save` records it."""

import datetime as dt
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from helhetsbild.economy.models import CLAIM_FIELDS, Claim, Decision
from helhetsbild.register.identity import PERSONNUMMER_IN_TEXT

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


COMMENT_MAX = 2000


class DescribedErrors(forms.Form):
    """Points every field in error at its message, the way web/field.html names it, also for
    an error a view adds after validation (a file the service refused)."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)
        for name in self.errors:  # filled by now: add_error runs within or after cleaning
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}_error"]
                if bound.help_text:
                    described.append(f"{bound.auto_id}_helptext")
                bound.field.widget.attrs |= {
                    "aria-describedby": " ".join(described),
                    "aria-invalid": "true",
                }


class CandidateKey(forms.Form):
    """Which candidate or claim a form is about: the person's pseudonym, the type and the first
    day of the period, sent in the POST body so that nothing about the person is in a URL."""

    person = forms.CharField(max_length=64, widget=forms.HiddenInput)
    type_code = forms.CharField(max_length=60, widget=forms.HiddenInput)
    period_first = forms.DateField(widget=forms.HiddenInput)

    def key(self) -> tuple[str, str, dt.date]:
        data = self.cleaned_data
        return data["person"], data["type_code"], data["period_first"]


def _date(label: "StrOrPromise") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("ÅÅÅÅ-MM-DD"),
    )


def _amount(label: "StrOrPromise") -> forms.IntegerField:
    field = forms.IntegerField(label=label, required=False, min_value=0, help_text=_("Hela kronor"))
    field.widget.attrs["inputmode"] = "numeric"
    return field


class ClaimForm(DescribedErrors, CandidateKey):
    """What a controller records about a claim: the application, then the decision and the
    payment. A field left empty is recorded as not known."""

    amount_applied = _amount(_("Sökt belopp, kr"))
    sent_on = _date(_("Skickad till Migrationsverket"))
    reference = forms.CharField(
        label=_("Migrationsverkets diarienummer"), max_length=60, required=False
    )
    decision = forms.ChoiceField(
        label=_("Beslut"), choices=[("", _("Inget beslut ännu")), *Decision.choices], required=False
    )
    amount_paid = _amount(_("Utbetalt belopp, kr"))
    paid_on = _date(_("Utbetald"))
    comment = forms.CharField(
        label=_("Kommentar"),
        max_length=COMMENT_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Till exempel varför ansökan delvis beviljades. Syns i historiken men följer inte "
            "med filen till Migrationsverket."
        ),
    )

    @classmethod
    def of(cls, claim: Claim | None, key: CandidateKey) -> "ClaimForm":
        """The form filled with what is recorded, for a controller to change."""
        initial: dict[str, Any] = dict(key.cleaned_data)
        if claim is not None:
            initial |= {name: getattr(claim, name) for name in CLAIM_FIELDS}
        return cls(initial=initial)

    def clean_comment(self) -> str:
        """Every controller reads the comment and the history keeps it for good: no place for
        a personnummer, which is seen only through the logged lookup."""
        comment: str = self.cleaned_data["comment"]
        if PERSONNUMMER_IN_TEXT.search(comment):
            raise forms.ValidationError(_("Kommentaren får inte innehålla ett personnummer."))
        return comment

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        today = timezone.localdate()
        for name in ("sent_on", "paid_on"):
            if data.get(name) and data[name] > today:
                self.add_error(name, _("Datumet kan inte ligga i framtiden."))
        if data.get("decision") and not data.get("sent_on"):
            self.add_error(
                "sent_on", _("Ange när ansökan skickades innan du registrerar beslutet.")
            )
        paid = [data.get("amount_paid") is not None, data.get("paid_on") is not None]
        if any(paid) and not all(paid):
            missing = "paid_on" if paid[0] else "amount_paid"
            self.add_error(missing, _("Ange både utbetalt belopp och dagen för utbetalningen."))
        if any(paid) and data.get("decision") == Decision.DENIED:
            self.add_error("amount_paid", _("En avslagen ansökan kan inte ha en utbetalning."))
        if any(paid) and not data.get("decision"):
            self.add_error("decision", _("Ange beslutet innan du registrerar utbetalningen."))
        sent, paid_on = data.get("sent_on"), data.get("paid_on")
        if sent and paid_on and paid_on < sent:
            self.add_error(
                "paid_on", _("Utbetalningen kan inte vara före dagen ansökan skickades.")
            )
        return data

    def values(self) -> dict[str, Any]:
        """The claim's fields as `claim_save` takes them: empty text, never None, for text."""
        data = self.cleaned_data
        return {name: data[name] for name in CLAIM_FIELDS} | {
            "reference": data["reference"].strip(),
            "decision": data["decision"],
            "comment": data["comment"].strip(),
        }


class ClaimChoice(forms.Form):
    """One recorded claim, by its number: for showing its personnummer."""

    claim = forms.ModelChoiceField(queryset=Claim.objects.select_related("person"))


class PaymentUpload(DescribedErrors):
    """A payment specification from Migrationsverket; read by `payments_import`, which also
    holds the size limit shared with the register's uploads."""

    file = forms.FileField(
        label=_("Utbetalningsspecifikation"),
        help_text=_(
            "CSV (semikolon, komma eller tabb, UTF-8) eller Excel (.xlsx) med kolumnerna "
            "personnummer, ersättningstyp, period, belopp och utbetalningsdatum."
        ),
        error_messages={"required": _("Välj filen med Migrationsverkets utbetalningar.")},
    )
