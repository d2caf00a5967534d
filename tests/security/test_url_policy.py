"""Every URL of the project against every role and an anonymous visitor, checked against the
declared policy in tests/security/policy.py (ASVS 5.0 8.1.1, 8.2.1, 8.3.1).

The URL parameters are filled with real objects of KS (tests/security/world.py), so a 404 means
"not yours", never "does not exist". Each (URL, visitor) pair is one test; a POST is sent
wherever the table says a POST changes or reveals something.
"""

from collections.abc import Callable
from enum import Enum

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import Client
from django.urls import resolve, reverse

from helhetsbild.organisation.permissions import POLICY, Action
from tests.factories import PASSWORD
from tests.security.policy import URL_POLICY
from tests.security.routes import routes
from tests.security.world import ROLE_OF, Who, World, parameters

# Who may open which page is decided in Python, whatever the database: the matrix runs once.
pytestmark = [pytest.mark.django_db, pytest.mark.database_independent]

ROUTES = {route.key: route for route in routes()}
# Actions no URL is decided by: the rebuild an import starts (checked in the import's service
# and `helhetsbild analyse`) and the retention purge (`helhetsbild purge-log`).
NOT_DECIDED_BY_A_URL = {Action.ANALYSIS_BUILD, Action.ACCESS_LOG_PURGE}
# A pattern that an earlier one hides: its URL is answered by the earlier one's view.
SHADOWED = {"admin:login": "admin_login"}


class Method(Enum):
    GET = "GET"
    POST = "POST"


def _cases() -> list[object]:
    """(URL, visitor, method), named so that a failure says which."""
    cases = []
    for key in sorted(ROUTES.keys() & URL_POLICY.keys()):
        methods = [Method.GET] + ([Method.POST] if URL_POLICY[key].post else [])
        cases += [
            pytest.param(key, who, method, id=f"{method.value} {key} {who.name}")
            for method in methods
            for who in Who
        ]
    return cases


def test_every_url_has_a_policy_entry_and_every_entry_a_url() -> None:
    missing = sorted(ROUTES.keys() - URL_POLICY.keys())
    stale = sorted(URL_POLICY.keys() - ROUTES.keys())
    assert not missing, f"URL:er utan rad i tests/security/policy.py: {missing}"
    assert not stale, f"rader i tests/security/policy.py utan URL: {stale}"


def test_every_url_reaches_its_own_view_unless_known_to_be_hidden(world: World) -> None:
    """Otherwise a pattern hidden by an earlier one would have its rows checked against the
    wrong view."""
    for key, route in ROUTES.items():
        found = resolve(route.path(parameters(route, world)))
        if key in SHADOWED:
            assert found.view_name == SHADOWED[key], key
        else:
            assert found.func == route.pattern.callback, (key, found)


@pytest.mark.parametrize("key", sorted(URL_POLICY))
def test_the_table_agrees_with_the_permission_policy(key: str) -> None:
    """Each entry's visitors are exactly those whose role holds the entry's action."""
    for access in (URL_POLICY[key].get, URL_POLICY[key].post):
        if access is None or access.action is None:
            continue
        holders = {who for who, role in ROLE_OF.items() if access.action in POLICY[role]}
        if access.scoped:
            holders.discard(Who.CASEWORKER_OTHER)
        assert access.who == holders, (key, access.action)


def test_every_action_decides_some_url_or_is_known_not_to() -> None:
    used = {
        access.action
        for rule in URL_POLICY.values()
        for access in (rule.get, rule.post)
        if access is not None and access.action is not None
    }
    assert used | NOT_DECIDED_BY_A_URL == set(Action)
    assert not used & NOT_DECIDED_BY_A_URL


@pytest.fixture(scope="module")
def signed_in(world: World, django_db_blocker) -> dict[Who, Client]:  # type: ignore[no-untyped-def]
    """One client per visitor for the GETs, signed in once: the sessions are part of the world."""
    with django_db_blocker.unblock():
        return {who: _client(world, who, api=False) for who in Who}


@pytest.mark.parametrize(("key", "who", "method"), _cases())
def test_url_answers_as_the_policy_says(
    key: str, who: Who, method: Method, world: World, signed_in: dict[Who, Client]
) -> None:
    rule = URL_POLICY[key]
    path = ROUTES[key].path(parameters(ROUTES[key], world))
    if rule.api:
        client = _client(world, who, api=True)
    elif method is Method.GET:
        client = signed_in[who]
    else:
        client = _client(world, who, api=False)  # a POST may log out
    send = _sender(client, method, post_body(key, world))
    access = rule.get if method is Method.GET else rule.post
    where = f"{method.value} {path} som {who.value}"

    if method is Method.GET and access is None:
        response = send(path, follow=True)
        if who is Who.ANONYMOUS and not rule.public:
            assert_sent_to_login(response, where)
        else:
            assert response.status_code in (403, 404, 405), (where, response.redirect_chain)
    elif access is not None and who in access.who:
        response = send(path, follow=False)
        if method is Method.GET:
            expected = (rule.answers or {}).get(who, rule.answer)
            assert response.status_code == expected, where
        else:
            assert response.status_code not in (401, 403, 404, 405), where
            assert response.status_code < 500, where
    elif rule.api:
        response = send(path, follow=False)
        assert response.status_code == (401 if who is Who.ANONYMOUS else 403), where
        assert "error" in response.json(), where
    elif who is Who.ANONYMOUS:
        assert_sent_to_login(send(path, follow=True), where)
    else:
        response = send(path, follow=True)
        assert response.status_code in (403, 404), (where, response.redirect_chain)


def test_the_api_answers_nothing_but_get_and_head(world: World) -> None:
    client = Client(headers={"Authorization": f"Bearer {world.keys[Who.READER]}"})
    for key, route in ROUTES.items():
        if key.startswith("api:"):
            path = route.path(parameters(route, world))
            for send in (client.post, client.put, client.delete, client.patch):
                assert send(path).status_code == 405, (send, path)


def test_a_session_does_not_open_the_api(world: World) -> None:
    client = Client()
    client.force_login(world.users[Who.READER])
    for key, route in ROUTES.items():
        if URL_POLICY[key].api:
            assert client.get(route.path(parameters(route, world))).status_code == 401, key


@pytest.mark.parametrize("key", sorted(k for k, rule in URL_POLICY.items() if rule.post))
def test_a_post_without_the_csrf_token_is_refused(key: str, world: World) -> None:
    """Even from a user who may POST: a form sent from another site carries no token."""
    access = URL_POLICY[key].post
    assert access is not None
    who = min(access.who - {Who.ANONYMOUS}, default=Who.READER)
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[who])
    path = ROUTES[key].path(parameters(ROUTES[key], world))
    response = client.post(path, post_body(key, world))
    assert response.status_code == 403, (key, who)
    assert b"CSRF" in response.content, key


def test_logging_out_ends_the_session_for_good(world: World) -> None:
    """ASVS 7.4.1: the old session cookie opens nothing after logout."""
    client = Client()
    client.force_login(world.users[Who.READER])
    assert client.get("/").status_code == 200
    old = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("logout")).status_code == 302
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = old
    assert_sent_to_login(replay.get("/", follow=True), "gammal sessionskaka")


def test_login_never_sends_anyone_off_the_site(world: World) -> None:
    """ASVS 3.7.2: a `next` pointing elsewhere is dropped for the start page."""
    user = world.users[Who.READER]
    user.set_password(PASSWORD)  # with this test's hasher
    user.save(update_fields=["password"])
    for target in ("https://angripare.example/", "//angripare.example/", "/analys/"):
        response = Client().post(
            f"{reverse('login')}?next={target}",
            {"username": user.username, "password": PASSWORD},
        )
        assert response.status_code == 302, target
        expected = target if target.startswith("/a") else reverse(settings.LOGIN_REDIRECT_URL)
        assert response["Location"] == expected, target


def assert_sent_to_login(response: HttpResponse, where: str) -> None:
    chain = [url for url, _status in response.redirect_chain]  # type: ignore[attr-defined]
    assert chain, f"{where}: ingen omdirigering, svar {response.status_code}"
    assert chain[-1].startswith(reverse(settings.LOGIN_URL)), (where, chain)
    assert response.status_code == 200, where


def post_body(key: str, world: World) -> dict[str, str]:
    """A valid form where a view checks permission only in its service, after the form: an
    empty one would be turned away before the check and prove nothing."""
    target, outcome = f"mal{world.goal_indicator.pk}", f"utfall{world.goal_indicator.pk}"
    return {
        "goals:target_set": {f"{target}-total": "85", f"{target}-comment": "Nytt mål"},
        "goals:outcome_add": {f"{outcome}-total": "70", f"{outcome}-comment": "Från KS"},
        "reports:mark": {"ready": "1"},
    }.get(key, {})


def _client(world: World, who: Who, *, api: bool) -> Client:
    if api:
        key = world.keys.get(who)
        return Client(headers={"Authorization": f"Bearer {key}"} if key else {})
    client = Client()
    if who is not Who.ANONYMOUS:
        client.force_login(world.users[who])
    return client


def _sender(client: Client, method: Method, body: dict[str, str]) -> Callable[..., HttpResponse]:
    if method is Method.GET:
        return client.get  # type: ignore[return-value]
    return lambda path, follow: client.post(path, body, follow=follow)
