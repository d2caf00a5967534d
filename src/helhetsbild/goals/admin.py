"""The goal tables for the system administrator to look up, read only: changes go through the
pages and their services, which check permissions, keep history and record statuses."""

from django.contrib import admin
from django.http import HttpRequest

from helhetsbild.goals.models import (
    Assessment,
    Goal,
    GoalIndicator,
    GoalPeriod,
    Outcome,
    StatusRecord,
    Target,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(GoalPeriod)
class GoalPeriodAdmin(ReadOnlyAdmin):
    list_display = ["year", "closed_at", "closed_by"]


@admin.register(Goal)
class GoalAdmin(ReadOnlyAdmin):
    list_display = ["title", "year", "kind", "committee", "parent"]
    list_filter = ["year", "kind", "committee"]
    search_fields = ["title"]


@admin.register(GoalIndicator)
class GoalIndicatorAdmin(ReadOnlyAdmin):
    list_display = ["label", "goal", "source", "direction", "baseline_year", "method_break_year"]
    list_filter = ["source", "goal__year"]


@admin.register(Target, Outcome)
class ReportedValueAdmin(ReadOnlyAdmin):
    list_display = ["goal_indicator", "total", "women", "men", "reported_by", "reported_at", "late"]
    list_filter = ["late"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["goal", "fulfilment", "computed_status", "reported_by", "reported_at", "late"]
    list_filter = ["fulfilment", "late"]


@admin.register(StatusRecord)
class StatusRecordAdmin(ReadOnlyAdmin):
    list_display = ["goal", "status", "basis", "recorded_by", "recorded_at"]
    list_filter = ["status"]
