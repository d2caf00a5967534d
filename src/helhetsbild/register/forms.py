from django import forms
from django.utils.translation import gettext_lazy as _

from helhetsbild.register.identity import InvalidPersonnummer, Personnummer, parse_personnummer


class PersonSearchForm(forms.Form):
    """Sent by POST, so that a personnummer never stands in a URL or a server log."""

    personnummer = forms.CharField(
        label=_("Personnummer"), max_length=13, help_text=_("ÅÅÅÅMMDD-NNNN")
    )

    def clean_personnummer(self) -> Personnummer:
        try:
            return parse_personnummer(self.cleaned_data["personnummer"])
        except InvalidPersonnummer as error:
            raise forms.ValidationError(
                _("Personnumret %(reason)s."), params={"reason": error}
            ) from None
