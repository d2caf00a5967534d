"""Corrections after confirmation go through the admin site: audits, their questions and
recommendations. Actions are changed on the Åtgärder pages, where each change is dated and
commented; their history is shown here but never edited."""

from django.contrib import admin

from helhetsbild.plans.models import Action, Audit, AuditQuestion, Recommendation, StatusChange


class QuestionInline(admin.TabularInline):
    model = AuditQuestion
    extra = 0


class RecommendationInline(admin.TabularInline):
    model = Recommendation
    extra = 0


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "auditor", "date"]
    list_filter = ["kind", "committees"]
    search_fields = ["title", "auditor"]
    inlines = [QuestionInline, RecommendationInline]
    readonly_fields = ["created_at", "created_by", "source_name"]


class StatusChangeInline(admin.TabularInline):
    model = StatusChange
    extra = 0
    can_delete = False
    readonly_fields = ["status", "date", "comment", "changed_at", "changed_by"]

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["text", "committee", "deadline", "status"]
    list_filter = ["status", "committee"]
    search_fields = ["text", "responsible"]
    readonly_fields = ["status", "reminded_for", "created_at", "created_by"]
    inlines = [StatusChangeInline]
