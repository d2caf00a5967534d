"""API keys in the admin: an administrator creates one (the key is shown once, in a message),
sees when each was last used, and revokes them. Keys are never edited or deleted: a revoked
key stays listed with when it was revoked."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from helhetsbild.api.models import ApiToken
from helhetsbild.api.services import (
    DEFAULT_DAYS,
    MAX_DAYS,
    api_token_check,
    api_token_create,
    api_token_revoke,
)
from helhetsbild.organisation.permissions import acting_user


class ApiTokenAddForm(forms.ModelForm):
    days = forms.IntegerField(
        label=gettext_lazy("giltig i dagar"), initial=DEFAULT_DAYS, min_value=1, max_value=MAX_DAYS
    )

    class Meta:
        model = ApiToken
        fields = ["user", "name"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            api_token_check(user=cleaned["user"], name=cleaned["name"], days=cleaned["days"])
        return cleaned


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["prefix", "name", "user", "state", "expires_at", "last_used_at", "created_at"]
    list_select_related = ["user"]
    search_fields = ["prefix", "name", "user__username"]
    readonly_fields = [
        "prefix",
        "name",
        "user",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    ]
    actions = ["revoke"]

    def get_form(
        self, request: HttpRequest, obj: ApiToken | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        if obj is None:
            kwargs["form"] = ApiTokenAddForm
        return super().get_form(request, obj, change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: ApiToken | None = None) -> list[str]:
        return self.readonly_fields if obj is not None else []

    def save_model(
        self, request: HttpRequest, obj: ApiToken, form: forms.ModelForm, change: bool
    ) -> None:
        """Create through the service, then let the admin go on with the row it made."""
        issued = api_token_create(
            actor=acting_user(request),
            user=form.cleaned_data["user"],
            name=form.cleaned_data["name"],
            days=form.cleaned_data["days"],
        )
        obj.pk = issued.token.pk
        obj.refresh_from_db()
        messages.warning(
            request,
            _("Kopiera nyckeln nu, den visas bara den här gången: %(key)s") % {"key": issued.key},
        )

    @admin.display(description=gettext_lazy("status"))
    def state(self, obj: ApiToken) -> str:
        return str(obj.state().label)

    @admin.action(description=gettext_lazy("Återkalla valda nycklar"), permissions=["revoke"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        actor = acting_user(request)
        tokens = list(queryset.filter(revoked_at__isnull=True))
        for token in tokens:
            api_token_revoke(actor=actor, token=token)
        count = len(tokens)
        message = ngettext("%(n)s nyckel återkallad.", "%(n)s nycklar återkallade.", count)
        messages.success(request, message % {"n": count})

    def has_revoke_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("api.change_apitoken")

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
