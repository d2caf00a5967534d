from django import template

from helhetsbild.goals.selectors import NO_VALUE
from helhetsbild.goals.status import format_number, format_value

register = template.Library()


@register.filter
def goal_value(value: float | None, unit: str) -> str:
    """A stored target, outcome or baseline with its unit, as the explanations write it."""
    return NO_VALUE if value is None else format_value(value, unit)


@register.filter
def goal_number(value: float | None) -> str:
    return NO_VALUE if value is None else format_number(value)
