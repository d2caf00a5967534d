from typing import Any

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helhetsbild.accesslog.services import permission_change_record
from helhetsbild.organisation.auth import user_deactivate
from helhetsbild.organisation.models import Committee, GroupRoleMapping, Membership
from helhetsbild.organisation.oidc import group_mapping_delete, group_mapping_save


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
    actions = ["deactivate"]
    # Fields of the user form that change what the user may do; a change goes to the access log.
    permission_fields = ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = [name for name in self.permission_fields if name in form.changed_data]
        if change and changed:
            assert isinstance(request.user, User)
            permission_change_record(
                actor=request.user, subject=obj, change=_("ändrade %s") % ", ".join(changed)
            )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Memberships are roles: each one added, changed or removed goes to the access log, in
        the transaction the admin saves in."""
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        assert isinstance(request.user, User)
        changes = (
            [_("fick rollen %s") % m for m in formset.new_objects]
            + [_("ändrad till rollen %s") % m for m, _fields in formset.changed_objects]
            + [_("miste rollen %s") % m for m in formset.deleted_objects]
        )
        for text in changes:
            permission_change_record(actor=request.user, subject=form.instance, change=text)

    @admin.action(
        description=gettext_lazy("Inaktivera valda användare och avsluta deras sessioner"),
        permissions=["change"],
    )
    def deactivate(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        assert isinstance(request.user, User)
        for user in queryset.filter(is_active=True):
            user_deactivate(actor=request.user, user=user)
        self.message_user(request, _("Användarna är inaktiverade och utloggade."), messages.SUCCESS)


@admin.register(GroupRoleMapping)
class GroupRoleMappingAdmin(admin.ModelAdmin):
    """The table that turns the identity provider's groups into roles at each login."""

    list_display = ["group", "role", "committee"]
    list_filter = ["role", "committee"]
    search_fields = ["group"]
    actions = None  # deletion one at a time, so that each goes through the access log

    def save_model(
        self, request: HttpRequest, obj: GroupRoleMapping, form: Any, change: bool
    ) -> None:
        assert isinstance(request.user, User)
        group_mapping_save(actor=request.user, mapping=obj)

    def delete_model(self, request: HttpRequest, obj: GroupRoleMapping) -> None:
        assert isinstance(request.user, User)
        group_mapping_delete(actor=request.user, mapping=obj)
