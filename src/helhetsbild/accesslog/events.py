"""Registered access-event codes with their Swedish labels (a test checks every code has one)."""

from django.utils.translation import gettext_lazy as _

PERSON_VIEWED = "register.person_viewed"
PERSON_SEARCHED = "register.person_searched"
IMPORT_REPORT_DOWNLOADED = "imports.report_downloaded"
QUARANTINE_VIEWED = "imports.quarantine_viewed"
QUARANTINE_DOWNLOADED = "imports.quarantine_downloaded"
QUARANTINE_ROW_CORRECTED = "imports.quarantine_row_corrected"
JOURNEY_OPENED = "analysis.journey_opened"
INDICATOR_DOWNLOADED = "analysis.indicator_downloaded"
API_TOKEN_CREATED = "api.token_created"
API_TOKEN_REVOKED = "api.token_revoked"
COMPENSATION_PERSON_SEARCHED = "economy.person_searched"

LABELS = {
    PERSON_VIEWED: _("Visade en identifierad person"),
    PERSON_SEARCHED: _("Sökte person på personnummer"),
    IMPORT_REPORT_DOWNLOADED: _("Laddade ner en importrapport"),
    QUARANTINE_VIEWED: _("Visade karantänrader med personnummer"),
    QUARANTINE_DOWNLOADED: _("Laddade ner karantänrader med personnummer"),
    QUARANTINE_ROW_CORRECTED: _("Rättade en karantänrad"),
    JOURNEY_OPENED: _("Öppnade en enskild pseudonymiserad resa"),
    INDICATOR_DOWNLOADED: _("Laddade ner en indikatortabell"),
    API_TOKEN_CREATED: _("Skapade en API-nyckel"),
    API_TOKEN_REVOKED: _("Återkallade en API-nyckel"),
    COMPENSATION_PERSON_SEARCHED: _("Sökte förväntad ersättning för en person på personnummer"),
}
