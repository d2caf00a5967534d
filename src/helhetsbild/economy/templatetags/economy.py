"""Filters for the economy pages: kronor, and Swedish labels for the rules' codes."""

from collections.abc import Iterable

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from helhetsbild.economy.rules import LABELS
from helhetsbild.register.codes import code_list

register = template.Library()


@register.filter
def kronor(amount: int | None) -> str:
    """Whole kronor with Swedish digit grouping; an unknown amount reads 'okänt', never 0."""
    if amount is None:
        return _("okänt")
    return f"{number_format(amount, force_grouping=True)} kr"


@register.filter
def rule_label(code: str) -> str:
    return str(LABELS.get(code, code))  # type: ignore[call-overload]


@register.filter
def code_labels(codes: Iterable[str] | None, list_name: str) -> str:
    """The register labels of some codes, e.g. permit grounds; None means every code."""
    if codes is None:
        return _("alla")
    labels = code_list(list_name).labels
    return ", ".join(labels[code] for code in labels if code in codes)
