"""What other apps may hear from the analysis store, so that the store need not know them."""

from django.dispatch import Signal

# Sent once a build is complete and current, with `build` (the AnalysisBuild). The goals app
# records the statuses that the new values move. A receiver that fails is logged; the build
# stands.
build_completed = Signal()
