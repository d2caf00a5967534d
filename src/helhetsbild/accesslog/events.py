"""Registered access-event codes with their Swedish labels (a test checks every code has one)."""

from django.utils.translation import gettext_lazy as _

PERSON_VIEWED = "register.person_viewed"
PERSON_SEARCHED = "register.person_searched"
IMPORT_REPORT_DOWNLOADED = "imports.report_downloaded"
QUARANTINE_VIEWED = "imports.quarantine_viewed"
QUARANTINE_DOWNLOADED = "imports.quarantine_downloaded"
QUARANTINE_ROW_CORRECTED = "imports.quarantine_row_corrected"

LABELS = {
    PERSON_VIEWED: _("Visade en identifierad person"),
    PERSON_SEARCHED: _("Sökte person på personnummer"),
    IMPORT_REPORT_DOWNLOADED: _("Laddade ner en importrapport"),
    QUARANTINE_VIEWED: _("Visade karantänrader med personnummer"),
    QUARANTINE_DOWNLOADED: _("Laddade ner karantänrader med personnummer"),
    QUARANTINE_ROW_CORRECTED: _("Rättade en karantänrad"),
}
