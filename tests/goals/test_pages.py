"""The Mål pages through Django's test client: every role sees them, only those allowed get the
forms and may post them, and an engine indicator shows the protected cells of a real store."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from helhetsbild.analysis import engine
from helhetsbild.analysis.catalogue import indicator
from helhetsbild.analysis.disclosure import TOTAL
from helhetsbild.analysis.store import build_store
from helhetsbild.goals.models import Assessment, Goal, Outcome, Source
from helhetsbild.goals.services import Values, goal_indicator_add
from helhetsbild.goals.status import RULE_TEXT, Fulfilment, format_value
from helhetsbild.organisation.models import Role
from tests.analysis.test_cli import import_synthetic
from tests.factories import TODAY, make_user
from tests.goals.support import YEAR, analyst, make_tree, report

pytestmark = pytest.mark.django_db

ROLES = [
    (Role.CASEWORKER, "SN"),
    (Role.ANALYST, None),
    (Role.CONTROLLER, None),
    (Role.READER, None),
    (Role.ADMIN, None),
]


@pytest.fixture
def tree(committees):  # type: ignore[no-untyped-def]
    found = make_tree(committees)
    report(found.work, 30)
    return found


def client_for(role: str, committee=None) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_user(role, committee))
    return client


def urls(tree) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        reverse("goals:tree") + f"?year={YEAR}",
        reverse("goals:goal", args=[tree.amn_goal.pk]),
        reverse("goals:goal", args=[tree.strategic.pk]),
        reverse("goals:thread", args=[tree.strategic.pk]),
    ]


@pytest.mark.parametrize(("role", "committee"), ROLES)
def test_every_role_sees_the_tree_the_goal_and_the_red_thread(
    tree, committees, role, committee
) -> None:  # type: ignore[no-untyped-def]
    client = client_for(role, committees.get(committee))
    for url in urls(tree):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert str(RULE_TEXT) in page
    tree_page = client.get(urls(tree)[0]).content.decode()
    assert ("Lägg till ett mål för" in tree_page) is (role in (Role.ANALYST, Role.ADMIN))
    goal_page = client.get(urls(tree)[1]).content.decode()
    assert "30 % mot målet 40 %: röd, mer än 10 % från målet." in goal_page
    assert 'class="status-shape" aria-hidden="true">■</span> Röd' in goal_page


def test_visitors_who_are_not_logged_in_are_sent_to_log_in(tree) -> None:  # type: ignore[no-untyped-def]
    for url in urls(tree):
        response = Client().get(url)
        assert response.status_code == 302 and "/logga-in/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "committee", "offered"),
    [
        (Role.CASEWORKER, "AMN", True),
        (Role.CASEWORKER, "SN", False),
        (Role.READER, None, False),
        (Role.ANALYST, None, True),
    ],
)
def test_the_assessment_form_is_offered_and_accepted_only_where_allowed(  # type: ignore[no-untyped-def]
    tree, committees, role, committee, offered
) -> None:
    client = client_for(role, committees.get(committee))
    page = client.get(reverse("goals:goal", args=[tree.amn_goal.pk])).content.decode()
    assert ("Spara bedömningen" in page) is offered
    assert ("Spara utfallet" in page) is offered
    response = client.post(
        reverse("goals:assess", args=[tree.amn_goal.pk]),
        {"fulfilment": Fulfilment.NOT_FULFILLED, "analysis": "Svagt år."},
    )
    assert response.status_code == (302 if offered else 403)
    assert Assessment.objects.filter(goal=tree.amn_goal).exists() is offered


def test_a_departing_assessment_without_comment_comes_back_with_the_error(tree, committees) -> None:  # type: ignore[no-untyped-def]
    client = client_for(Role.CASEWORKER, committees["AMN"])
    url = reverse("goals:assess", args=[tree.amn_goal.pk])
    response = client.post(url, {"fulfilment": Fulfilment.FULFILLED, "analysis": "Bra år."})
    assert response.status_code == 200
    assert "skiljer sig från den beräknade statusen (röd)" in response.content.decode()
    assert not Assessment.objects.exists()
    client.post(
        url, {"fulfilment": Fulfilment.FULFILLED, "analysis": "Bra år.", "comment": "Halvår."}
    )
    assert Assessment.objects.get().comment == "Halvår."


def test_an_outcome_from_the_page_is_a_new_row(tree, committees) -> None:  # type: ignore[no-untyped-def]
    client = client_for(Role.CASEWORKER, committees["AMN"])
    prefix = f"utfall{tree.work.pk}"
    client.post(
        reverse("goals:outcome_add", args=[tree.work.pk]),
        {f"{prefix}-total": "41,5", f"{prefix}-comment": "Rättad siffra"},
    )
    assert [o.total for o in Outcome.objects.filter(goal_indicator=tree.work)] == [30, 41.5]
    page = client.get(reverse("goals:goal", args=[tree.amn_goal.pk])).content.decode()
    assert "41,5 % mot målet 40 %: grön, målet är nått." in page
    assert "Rättad siffra" in page


@pytest.mark.parametrize(
    ("role", "allowed"), [(Role.ANALYST, True), (Role.READER, False), (Role.CASEWORKER, False)]
)
def test_adding_a_goal_from_the_page(tree, committees, role, allowed) -> None:  # type: ignore[no-untyped-def]
    client = client_for(role, committees["SN"] if role == Role.CASEWORKER else None)
    url = reverse("goals:goal_add") + f"?under={tree.sn_goal.pk}"
    assert client.get(url).status_code == (200 if allowed else 403)
    response = client.post(
        url,
        {
            "kind": "activity",
            "title": "Ny aktivitet",
            "parent": tree.sn_goal.pk,
            "committee": committees["SN"].pk,
        },
    )
    assert response.status_code == (302 if allowed else 403)
    assert Goal.objects.filter(title="Ny aktivitet").exists() is allowed


def test_a_misplaced_goal_is_shown_the_field_to_correct(tree, committees) -> None:  # type: ignore[no-untyped-def]
    client = client_for(Role.ANALYST)
    response = client.post(
        reverse("goals:goal_add") + f"?year={YEAR}",
        {"kind": "committee_goal", "title": "Utan nämnd", "parent": tree.strategic.pk},
    )
    assert response.status_code == 200
    assert "Välj den nämnd som ansvarar" in response.content.decode()


def test_copying_the_year_and_closing_it_from_the_tree(tree) -> None:  # type: ignore[no-untyped-def]
    client = client_for(Role.ANALYST)
    response = client.post(reverse("goals:year_copy", args=[YEAR]))
    assert response["Location"].endswith(f"?year={YEAR + 1}")
    assert Goal.objects.filter(year=YEAR + 1).count() == 5
    client.post(reverse("goals:period_close", args=[YEAR]))
    page = client.get(reverse("goals:tree") + f"?year={YEAR}").content.decode()
    assert "märks som sena rättelser" in page
    reader = client_for(Role.READER)
    assert reader.post(reverse("goals:period_close", args=[YEAR + 1])).status_code == 403


# With a real analysis store


@pytest.fixture
def fresh_results() -> Iterator[None]:
    engine._cache.clear()
    yield
    engine._cache.clear()


def test_an_engine_indicator_shows_the_protected_cells_by_sex(  # type: ignore[no-untyped-def]
    committees, tmp_path: Path, fresh_results
) -> None:
    import_synthetic(committees, tmp_path, persons=300)
    build_store(actor=None, reference_date=TODAY)
    tree = make_tree(committees)
    item = indicator("sjalvforsorjande_andel")
    assert item is not None
    cells = engine.result(item).cells
    year = max(int(c.period) for c in cells)
    baseline = year - 2
    goal_indicator = goal_indicator_add(
        actor=analyst(),
        goal=tree.strategic,
        source=Source.ENGINE,
        indicator_id=item.id,
        baseline_year=baseline,
        target=Values(50, 50, 50),
    )
    published = {(c.period, c.breakdown, c.group): c for c in cells}
    expected_baseline = published[(str(baseline), TOTAL, TOTAL)]
    assert goal_indicator.baseline_value == expected_baseline.value  # taken from the store
    assert year == YEAR  # the synthetic register ends on TODAY
    page = client_for(Role.READER).get(reverse("goals:goal", args=[tree.strategic.pk]))
    html = page.content.decode()
    for group in [(TOTAL, TOTAL), ("kön", "K"), ("kön", "M")]:
        shown = published[(str(year), *group)]
        if shown.suppressed:
            assert f'<abbr title="{shown.explanation}">..</abbr>' in html
        else:
            assert f">{format_value(shown.value, 'share')}<" in html
    hidden = any(published[(str(year), "kön", g)].suppressed for g in ("K", "M"))
    assert ("Kan inte bedömas: utfallet" in html) is hidden
