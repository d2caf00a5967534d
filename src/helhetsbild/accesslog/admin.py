from django.contrib import admin
from django.http import HttpRequest

from helhetsbild.accesslog.models import AccessEvent


@admin.register(AccessEvent)
class AccessEventAdmin(admin.ModelAdmin):
    """The access log is read, never edited: no add, change or delete, whoever asks."""

    list_display = [
        "sequence",
        "at",
        "username",
        "action",
        "committee_code",
        "pseudonym",
        "purpose",
    ]
    list_filter = ["action", "committee_code"]
    search_fields = ["pseudonym", "username"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
