"""The main activities of the person-month panel and their Swedish names, for every page that
shows them (the overview, the journey)."""

from django.utils.translation import gettext as _

from helhetsbild.register.codes import code_list

# The panel's ranking of activities (docs/analysis-store.md, "Main activity"): a month counts as
# the first of these that is true; pages show them in this order.
MAIN_ACTIVITIES = (
    "employment",
    "studies",
    "internship",
    "establishment_programme",
    "matching",
    "preparing",
    "mapping",
    "sfi",
    "civic_orientation",
    "placement",
    "none",
)


def main_activity_labels() -> dict[str, str]:
    """Code -> Swedish label, in the panel's order; most are the register's episode kinds."""
    episode_kinds = code_list("episode_kind").labels
    own = {"sfi": _("Sfi"), "none": _("Ingen registrerad aktivitet")}
    return {code: own.get(code) or episode_kinds[code] for code in MAIN_ACTIVITIES}
