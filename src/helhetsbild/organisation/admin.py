from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from helhetsbild.organisation.models import Committee, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "active"]
    search_fields = ["code", "name"]


admin.site.unregister(get_user_model())


@admin.register(get_user_model())
class MemberAdmin(UserAdmin):
    inlines = [MembershipInline]
