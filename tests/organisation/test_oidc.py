"""Single sign-on against a small identity provider that lives in the test: it signs ID tokens
with an RSA key made here and answers the token and JWKS requests the library makes, so no
network is involved. A valid login maps the user's groups to roles; every kind of forged or
stale answer is refused."""

import base64
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import jwt
import pytest
import requests
from axes.models import AccessAttempt
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from helhetsbild.accesslog import events
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.organisation.models import GroupRoleMapping, Membership, Role
from helhetsbild.organisation.oidc import group_mapping_save

pytestmark = pytest.mark.django_db

ISSUER = "https://login.kommun.example"
CLIENT_ID = "helhetsbild"
AUTHORIZE = f"{ISSUER}/authorize"
TOKEN = f"{ISSUER}/token"
JWKS = f"{ISSUER}/jwks"
USERINFO = f"{ISSUER}/userinfo"
KEY_ID = "nyckel-1"


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Login:
    """What the provider remembers about one authorisation request it answered with a code."""

    claims: dict[str, Any]
    code_challenge: str


@dataclass
class IdentityProvider:
    """Answers like an OpenID provider; the tests tamper with what it signs."""

    key: rsa.RSAPrivateKey = field(default_factory=_rsa_key)
    logins: dict[str, Login] = field(default_factory=dict)
    userinfo: dict[str, Any] | None = None

    def authorize(self, location: str, **claims: Any) -> str:
        """The user logs in at the provider, which sends the browser back with a code."""
        assert location.startswith(AUTHORIZE)
        query = {name: values[0] for name, values in parse_qs(urlparse(location).query).items()}
        assert query["client_id"] == CLIENT_ID and query["code_challenge_method"] == "S256"
        code = f"kod-{len(self.logins) + 1}"
        now = int(time.time())
        self.logins[code] = Login(
            claims={
                "iss": ISSUER,
                "aud": CLIENT_ID,
                "sub": "a1b2c3",
                "iat": now,
                "exp": now + 300,
                "nonce": query["nonce"],
                "given_name": "Anna",
                "family_name": "Andersson",
                "email": "anna.andersson@kommun.example",
                **claims,
            },
            code_challenge=query["code_challenge"],
        )
        return (
            reverse("oidc_authentication_callback")
            + "?"
            + urlencode({"code": code, "state": query["state"]})
        )

    def id_token(self, claims: dict[str, Any], key: rsa.RSAPrivateKey | None = None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def post(self, url: str, data: dict[str, str], **_options: Any) -> requests.Response:
        assert url == TOKEN
        login = self.logins.get(data["code"])
        verifier = data.get("code_verifier", "")
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
        if login is None or challenge.rstrip(b"=").decode() != login.code_challenge:
            return _response(url, {"error": "invalid_grant"}, status=400)
        signing_key = login.claims.pop("signing_key", None)
        token = self.id_token(login.claims, signing_key)
        return _response(
            url, {"id_token": token, "access_token": "åtkomst", "token_type": "Bearer"}
        )

    def get(self, url: str, **_options: Any) -> requests.Response:
        if url == JWKS:
            public = jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
            return _response(url, {"keys": [{**public, "kid": KEY_ID, "alg": "RS256"}]})
        assert url == USERINFO and self.userinfo is not None
        return _response(url, self.userinfo)


def _response(url: str, body: dict[str, Any], status: int = 200) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response.url = url
    response.headers["Content-Type"] = "application/json"
    response._content = json.dumps(body).encode()
    return response


@pytest.fixture
def provider(settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[IdentityProvider]:  # type: ignore[no-untyped-def]
    settings.OIDC_LOGIN = True
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = AUTHORIZE
    settings.OIDC_OP_TOKEN_ENDPOINT = TOKEN
    settings.OIDC_OP_JWKS_ENDPOINT = JWKS
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "hemlighet"
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "helhetsbild.organisation.oidc.MunicipalOIDCBackend",
    ]
    fake = IdentityProvider()
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.post", fake.post)
    monkeypatch.setattr("mozilla_django_oidc.auth.requests.get", fake.get)
    yield fake


@pytest.fixture
def mappings(committees) -> None:  # type: ignore[no-untyped-def]
    GroupRoleMapping.objects.create(group="HB-analytiker", role=Role.ANALYST)
    GroupRoleMapping.objects.create(
        group="HB-handläggare-SN", role=Role.CASEWORKER, committee=committees["SN"]
    )
    GroupRoleMapping.objects.create(group="HB-förvaltare", role=Role.ADMIN)


def start(client: Client) -> str:
    response = client.get(reverse("oidc_authentication_init"))
    assert response.status_code == 302
    return str(response["Location"])


def sign_in(client: Client, provider: IdentityProvider, **claims: Any) -> Any:
    callback = provider.authorize(start(client), **claims)
    return client.get(callback)


def signed_in_user(client: Client) -> User | None:
    user_id = client.session.get("_auth_user_id")
    return User.objects.get(pk=user_id) if user_id else None


def roles(user: User) -> set[tuple[str, str | None]]:
    return {
        (m.role, m.committee.code if m.committee else None)
        for m in Membership.objects.filter(user=user).select_related("committee")
    }


def refused(response: Any, client: Client) -> bool:
    follow = client.get(response["Location"]) if response.status_code == 302 else response
    return (
        signed_in_user(client) is None
        and response["Location"] == reverse("login")
        and "Inloggningen via kommunens inloggningstjänst misslyckades" in follow.text
    )


def test_a_valid_login_maps_the_users_groups_to_roles(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = sign_in(client, provider, groups=["HB-analytiker", "HB-handläggare-SN", "Annat"])
    assert response.status_code == 302 and response["Location"] == reverse("home")
    user = signed_in_user(client)
    assert user is not None and user.username == "oidc:a1b2c3"
    assert (user.get_full_name(), user.has_usable_password()) == ("Anna Andersson", False)
    assert roles(user) == {(Role.ANALYST, None), (Role.CASEWORKER, "SN")}
    granted = AccessEvent.objects.filter(user=user, action=events.MEMBERSHIP_GRANTED)
    assert sorted(granted.values_list("committee_code", flat=True)) == ["", "SN"]
    assert client.get(reverse("home")).status_code == 200


def test_the_next_login_removes_roles_whose_group_is_gone(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    sign_in(Client(), provider, groups=["HB-analytiker", "HB-handläggare-SN"])
    client = Client()
    sign_in(client, provider, groups=["HB-analytiker"])
    user = signed_in_user(client)
    assert user is not None and roles(user) == {(Role.ANALYST, None)}
    revoked = AccessEvent.objects.get(user=user, action=events.MEMBERSHIP_REVOKED)
    assert (revoked.committee_code, revoked.detail) == ("SN", "roll caseworker")


def test_the_admin_group_opens_the_admin_site_and_losing_it_closes_it(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, provider, groups=["HB-förvaltare"])
    assert client.get("/admin/").status_code == 200
    sign_in(Client(), provider, groups=["HB-analytiker"])
    user = User.objects.get(username="oidc:a1b2c3")
    assert (user.is_staff, user.is_superuser) == (False, False)


def test_groups_that_map_to_nothing_give_no_roles_and_a_swedish_page(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    sign_in(Client(), provider, groups=["HB-analytiker"])
    client = Client()
    response = sign_in(client, provider, groups=["Annat"])
    assert response.status_code == 403 and "Ingen behörighet" in response.text
    assert signed_in_user(client) is None
    assert roles(User.objects.get(username="oidc:a1b2c3")) == set()


def test_the_groups_may_come_from_the_userinfo_endpoint(provider, mappings, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OIDC_OP_USER_ENDPOINT = USERINFO
    provider.userinfo = {"sub": "a1b2c3", "groups": ["HB-analytiker"]}
    client = Client()
    sign_in(client, provider)
    user = signed_in_user(client)
    assert user is not None and roles(user) == {(Role.ANALYST, None)}


def test_userinfo_about_another_subject_is_refused(provider, mappings, settings) -> None:  # type: ignore[no-untyped-def]
    settings.OIDC_OP_USER_ENDPOINT = USERINFO
    provider.userinfo = {"sub": "någon-annan", "groups": ["HB-analytiker"]}
    client = Client()
    assert refused(sign_in(client, provider), client)


@pytest.mark.parametrize(
    "forgery",
    [
        pytest.param({"signing_key": _rsa_key()}, id="signed-with-another-key"),
        pytest.param({"exp": int(time.time()) - 3600}, id="expired"),
        pytest.param({"aud": "ett-annat-system"}, id="meant-for-another-client"),
        pytest.param({"iss": "https://falsk.example"}, id="from-another-issuer"),
        pytest.param({"nonce": "en-annan-inloggning"}, id="nonce-of-another-login"),
    ],
)
def test_a_forged_or_stale_id_token_is_refused(provider, mappings, forgery) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    response = sign_in(client, provider, groups=["HB-analytiker"], **forgery)
    assert refused(response, client)
    assert not User.objects.filter(username="oidc:a1b2c3").exists()


def test_a_replayed_callback_is_refused(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    callback = provider.authorize(start(client), groups=["HB-analytiker"])
    client.get(callback)
    client.logout()
    start(client)  # a fresh login is under way in this browser, with its own state
    assert refused(client.get(callback), client)


def test_a_state_this_browser_did_not_start_is_refused(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    """Login CSRF: an attacker's code and state, planted in the victim's browser."""
    attacker, victim = Client(), Client()
    callback = provider.authorize(start(attacker), groups=["HB-analytiker"])
    start(victim)
    assert refused(victim.get(callback), victim)


def test_a_code_redeemed_without_the_pkce_verifier_is_refused(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    callback = provider.authorize(start(client), groups=["HB-analytiker"])
    code = parse_qs(urlparse(callback).query)["code"][0]
    provider.logins[code].code_challenge = "en-annan-utmaning"
    assert refused(client.get(callback), client)


def test_failed_single_sign_on_is_not_counted_by_password_lockout(
    provider, mappings, settings
) -> None:  # type: ignore[no-untyped-def]
    """Password lockout counts by user name and address; a single sign-on has no user name, and
    counting its failures against the address would lock out everyone behind one NAT."""
    settings.OIDC_OP_USER_ENDPOINT = USERINFO
    provider.userinfo = {"sub": "någon-annan"}  # fails after the token, as authentication does
    for _attempt in range(6):
        assert refused(sign_in(client := Client(), provider), client)
    assert not AccessAttempt.objects.exists()
    provider.userinfo = {"sub": "a1b2c3", "groups": ["HB-analytiker"]}
    client = Client()
    sign_in(client, provider, groups=["HB-analytiker"])
    assert signed_in_user(client) is not None


def test_a_deactivated_users_session_stops_working_at_once(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    sign_in(client, provider, groups=["HB-analytiker"])
    User.objects.filter(username="oidc:a1b2c3").update(is_active=False)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_login_starts_a_new_session(provider, mappings) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    callback = provider.authorize(start(client), groups=["HB-analytiker"])
    before = client.session.session_key
    client.get(callback)
    assert client.session.session_key != before and signed_in_user(client) is not None


def test_single_sign_on_is_absent_when_not_configured(committees) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    callback = reverse("oidc_authentication_callback") + "?code=x&state=y"
    assert client.get(callback).status_code == 404
    assert "kommunens inloggning" not in client.get(reverse("login")).text


def test_the_login_page_offers_single_sign_on_when_configured(provider) -> None:  # type: ignore[no-untyped-def]
    page = Client().get(reverse("login") + "?next=/analys/").text
    assert "Logga in med kommunens inloggning" in page
    assert 'href="/oidc/logga-in/?next=/analys/"' in page


def test_changing_the_mapping_in_the_admin_is_logged(committees) -> None:  # type: ignore[no-untyped-def]
    admin = User.objects.create_superuser("förvaltare", password="x")
    client = Client()
    client.force_login(admin)
    response = client.post(
        reverse("admin:organisation_grouprolemapping_add"),
        {"group": "HB-läsare", "role": Role.READER, "committee": ""},
    )
    assert response.status_code == 302
    mapping = GroupRoleMapping.objects.get(group="HB-läsare")
    client.post(
        reverse("admin:organisation_grouprolemapping_delete", args=[mapping.pk]), {"post": "yes"}
    )
    assert not GroupRoleMapping.objects.exists()
    details = AccessEvent.objects.filter(action=events.GROUP_MAPPING_CHANGED).values_list(
        "detail", flat=True
    )
    assert sorted(details) == [
        "sparade: grupp HB-läsare ger roll reader",
        "tog bort: grupp HB-läsare ger roll reader",
    ]


def test_only_those_allowed_may_change_the_mapping(committees) -> None:  # type: ignore[no-untyped-def]
    staff = User.objects.create_user("personal", is_staff=True)
    with pytest.raises(PermissionDenied):
        group_mapping_save(actor=staff, mapping=GroupRoleMapping(group="X", role=Role.READER))
    assert not GroupRoleMapping.objects.exists()
