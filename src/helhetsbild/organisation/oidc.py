"""Single sign-on with the municipality's identity provider (OpenID Connect).

mozilla-django-oidc runs the authorisation code flow (state, nonce, PKCE). This module adds what
a register under secrecy law needs on top: the ID token's issuer, audience and lifetime are
checked as well as its signature; users are matched on the provider's stable subject, never on
an e-mail address; and at every login the user's roles are made to equal what their groups map
to in `GroupRoleMapping`.
"""

from collections.abc import Iterable
from typing import Any

import jwt
from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.organisation.models import GroupRoleMapping, Membership, Role

# Users from the identity provider are named by it; the prefix keeps them apart from local
# accounts (Django's user name rules do not allow a colon), so no provider can take one over.
USERNAME_PREFIX = "oidc:"
# Clock difference allowed between the provider and this server when checking a token's times.
CLOCK_LEEWAY_SECONDS = 60


def username_for(claims: dict[str, Any]) -> str:
    return f"{USERNAME_PREFIX}{claims['sub']}"


def groups_of(claims: dict[str, Any]) -> set[str]:
    """The user's groups from the configured claim: a list of names or ids, or a single one."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list):
        return {str(group) for group in value if isinstance(group, str | int)}
    return set()


class MunicipalOIDCBackend(OIDCAuthenticationBackend):
    # The library's get_user returns deactivated users too; Django's refuses them, so a
    # deactivated user's session stops working at once.
    get_user = ModelBackend.get_user

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        """Only the callback view logs in through the provider (it passes the nonce it kept);
        the library would otherwise redeem a `code` found in any login request's query."""
        if request is None or "nonce" not in kwargs:
            return None
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def get_payload_data(self, token: bytes | str, key: Any) -> dict[str, Any]:
        """The library checks only the signature; an ID token must also come from our issuer,
        be meant for us and be within its lifetime (OIDC Core 3.1.3.7)."""
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_ISSUER,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["iss", "aud", "sub", "exp", "iat"]},
            )
        except jwt.PyJWTError as error:
            raise SuspiciousOperation(f"ID token refused: {error}") from error
        return payload

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The verified ID token's claims, with the userinfo endpoint's added where one is
        configured (some providers give the groups only there)."""
        if not self.OIDC_OP_USER_ENDPOINT:
            return payload
        userinfo: dict[str, Any] = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        return {**payload, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[User]:
        return User.objects.filter(username=username_for(claims))

    def create_user(self, claims: dict[str, Any]) -> User:
        user = User.objects.create_user(username_for(claims))  # no usable password
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        """Name and e-mail follow the provider; so do the roles, from the user's groups."""
        user.first_name = str(claims.get("given_name", ""))[:150]
        user.last_name = str(claims.get("family_name", ""))[:150]
        user.email = str(claims.get("email", ""))[:254]
        user.save(update_fields=["first_name", "last_name", "email"])
        if user.is_active:
            memberships_sync(user=user, groups=groups_of(claims))
        return user


@transaction.atomic
def memberships_sync(*, user: User, groups: Iterable[str]) -> None:
    """Make `user`'s memberships equal to what `groups` map to: missing ones added, others
    removed. Each change is a change of permissions and goes to the access log, with the user
    whose login caused it as actor. The admin role also opens Django's admin site."""
    mappings = GroupRoleMapping.objects.filter(group__in=set(groups)).select_related("committee")
    wanted = {(m.role, m.committee_id): m for m in mappings}
    held = {(m.role, m.committee_id): m for m in user.memberships.select_related("committee")}
    for key in sorted(wanted.keys() - held.keys(), key=str):
        mapping = wanted[key]
        Membership.objects.create(user=user, role=mapping.role, committee=mapping.committee)
        access_event_record(
            actor=user,
            action=events.MEMBERSHIP_GRANTED,
            committee_code=mapping.committee.code if mapping.committee else "",
            detail=f"roll {mapping.role} genom grupp {mapping.group}"[:300],
        )
    for key in sorted(held.keys() - wanted.keys(), key=str):
        membership = held[key]
        membership.delete()
        access_event_record(
            actor=user,
            action=events.MEMBERSHIP_REVOKED,
            committee_code=membership.committee.code if membership.committee else "",
            detail=f"roll {membership.role}",
        )
    administers = any(role == Role.ADMIN for role, _committee in wanted)
    if (user.is_staff, user.is_superuser) != (administers, administers):
        user.is_staff = user.is_superuser = administers
        user.save(update_fields=["is_staff", "is_superuser"])


@transaction.atomic
def group_mapping_save(*, actor: User, mapping: GroupRoleMapping) -> None:
    """Save a group's mapping to a role; it changes the permissions of everyone in the group
    from their next login, so it goes to the access log."""
    needed = "change" if mapping.pk else "add"
    if not actor.has_perm(f"organisation.{needed}_grouprolemapping"):
        raise PermissionDenied
    mapping.save()
    _mapping_record(actor=actor, mapping=mapping, change="sparade")


@transaction.atomic
def group_mapping_delete(*, actor: User, mapping: GroupRoleMapping) -> None:
    if not actor.has_perm("organisation.delete_grouprolemapping"):
        raise PermissionDenied
    _mapping_record(actor=actor, mapping=mapping, change="tog bort")
    mapping.delete()


def _mapping_record(*, actor: User, mapping: GroupRoleMapping, change: str) -> None:
    access_event_record(
        actor=actor,
        action=events.GROUP_MAPPING_CHANGED,
        committee_code=mapping.committee.code if mapping.committee else "",
        detail=f"{change}: grupp {mapping.group} ger roll {mapping.role}"[:300],
    )
