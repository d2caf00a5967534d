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
CLAIM_IDENTITY_VIEWED = "economy.claim_identity_viewed"
CLAIM_IDENTITY_EXPORTED = "economy.claim_identity_exported"
MEMBERSHIP_GRANTED = "organisation.membership_granted"
MEMBERSHIP_REVOKED = "organisation.membership_revoked"
GROUP_MAPPING_CHANGED = "organisation.group_mapping_changed"
USER_DEACTIVATED = "organisation.user_deactivated"
PERMISSION_CHANGED = "organisation.permission_changed"
ACCESS_LOG_PERSON_FILTERED = "accesslog.person_filtered"
ACCESS_LOG_SIGNED_OFF = "accesslog.sample_signed_off"
ACCESS_LOG_PURGED = "accesslog.purged"
SUBJECT_REPORT_VIEWED = "accesslog.subject_report_viewed"
SUBJECT_REPORT_DOWNLOADED = "accesslog.subject_report_downloaded"
GOAL_LATE_CORRECTION = "goals.late_correction"

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
    CLAIM_IDENTITY_VIEWED: _("Visade personnumret för en ansökan om statlig ersättning"),
    CLAIM_IDENTITY_EXPORTED: _("Exporterade personnummer för ansökan till Migrationsverket"),
    MEMBERSHIP_GRANTED: _("Fick en roll genom inloggning"),
    MEMBERSHIP_REVOKED: _("Miste en roll genom inloggning"),
    GROUP_MAPPING_CHANGED: _("Ändrade en gruppkoppling till roll"),
    USER_DEACTIVATED: _("Inaktiverade en användare"),
    PERMISSION_CHANGED: _("Ändrade en användares behörighet i administrationen"),
    ACCESS_LOG_PERSON_FILTERED: _("Granskade åtkomstloggen för en person"),
    ACCESS_LOG_SIGNED_OFF: _("Signerade granskningen av månadens stickprov ur åtkomstloggen"),
    ACCESS_LOG_PURGED: _("Gallrade åtkomstloggen efter lagringstiden"),
    SUBJECT_REPORT_VIEWED: _("Tog fram en registrerads utdrag ur åtkomstloggen"),
    SUBJECT_REPORT_DOWNLOADED: _("Laddade ner en registrerads utdrag ur åtkomstloggen"),
    GOAL_LATE_CORRECTION: _("Rapporterade mot ett mål efter att året stängts"),
}
