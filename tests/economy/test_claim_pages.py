"""The Återsökning page: controllers only, candidates by deadline, missed deadlines as okänt."""

from pathlib import Path

import pytest
from django.test import Client

from helhetsbild.organisation.models import Role
from tests.economy.register import import_economy_register
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db
URL = "/ekonomi/atersokning/"


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.CONTROLLER, 200), (Role.READER, 403), (Role.ANALYST, 403), (Role.ADMIN, 403)],
)
def test_only_controllers_open_the_page(register, role: str, status: int) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=make_user(role).username, password=PASSWORD)
    assert client.get(URL).status_code == status


def test_missed_deadlines_are_listed_with_the_amount_lost_as_okant(register) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=make_user(Role.CONTROLLER).username, password=PASSWORD)

    text = client.get(URL).text

    missed = text[text.index('id="missade"') :]
    assert "2024-06-30" in missed and "2023-10-01/2023-12-31" in missed  # Sara's care costs
    assert "2025-05-10" in missed and "okänt" in missed  # the cohort's empty rent
    assert "Återsökning" in text


def test_missed_deadlines_come_a_page_at_a_time_the_latest_first(
    register, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr("helhetsbild.economy.claim_views.MISSED_PER_PAGE", 1)
    client = Client()
    assert client.login(username=make_user(Role.CONTROLLER).username, password=PASSWORD)
    row_start = '<tr><th scope="row">'

    def missed_section(page: int) -> str:
        text = client.get(URL, {"missade": page}).text
        return text[text.index('id="missade"') : text.index('id="ansokningar"')]

    first = missed_section(1)
    total = int(first.split(" missade tidsfrister, förlorat")[0].rsplit(">", 1)[1])
    assert total >= 3
    deadlines = []
    for page in range(1, total + 1):
        section = missed_section(page)
        assert section.count(row_start) == 1
        assert f"Här visas {page}–{page}, de senaste först." in section
        deadlines.append(section.split(row_start)[1][:10])
    assert deadlines == sorted(deadlines, reverse=True)
    assert "?missade=2#missade" in first and "?missade=1#missade" in missed_section(2)
