"""The overview and indicator pages through Django's test client: who sees them, what they show
without a store, and that every number on them is the protected one, hidden cells as `..`."""

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from helhetsbild.analysis import engine
from helhetsbild.analysis.activities import main_activity_labels
from helhetsbild.analysis.catalogue import breakdowns_of, indicator, indicators
from helhetsbild.analysis.disclosure import SUPPRESSED_MARK, TOTAL, display
from helhetsbild.analysis.overview import overview_for
from helhetsbild.analysis.store import build_store, open_store
from helhetsbild.organisation.models import Role
from tests.analysis.test_cli import import_synthetic
from tests.factories import PASSWORD, TODAY, caseworker, make_user

pytestmark = pytest.mark.django_db

# Big enough for published numbers beside hidden ones, small enough to build in a second.
PERSONS = 300
SHARE = "sjalvforsorjande_andel"
COUNT = "mottagna"


@pytest.fixture(autouse=True)
def fresh_results() -> Iterator[None]:
    """Each test builds its own store; a rolled-back build id may come again with other data."""
    engine._cache.clear()
    yield
    engine._cache.clear()


@pytest.fixture
def world(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    build_small_world(committees, tmp_path)
    return committees


def build_small_world(committees, folder: Path) -> None:  # type: ignore[no-untyped-def]
    import_synthetic(committees, folder, persons=PERSONS)
    build_store(actor=None, reference_date=TODAY)


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def reader() -> Client:
    return logged_in(make_user(Role.READER))


def page_urls(indicator_id: str = SHARE) -> list[str]:
    return [
        reverse("analysis:overview"),
        reverse("analysis:catalogue"),
        reverse("analysis:indicator", args=[indicator_id]),
    ]


class Tables(HTMLParser):
    """The tables of a page as {caption: [[cell text, ...], ...]}, header row included."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self._rows: list[list[str]] | None = None
        self._caption: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._caption = [], []
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self._caption = [" ".join("".join(self._caption).split())]
        elif tag == "table" and self._rows is not None:
            self.tables[(self._caption or [""])[0]] = self._rows
            self._rows = self._caption = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._caption is not None and self._rows == []:
            self._caption.append(data)


def body_rows(table: list[list[str]]) -> dict[str, list[str]]:
    """A table's rows after the header, by their first cell."""
    return {row[0]: row[1:] for row in table[1:]}


# ---------------------------------------------------------------------------------------------
# Who may see the pages


def test_anonymous_visitors_are_sent_to_log_in() -> None:
    for url in [*page_urls(), reverse("analysis:download", args=[SHARE, "csv"])]:
        response = Client().get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_readers_analysts_controllers_and_caseworkers_see_every_page(world) -> None:  # type: ignore[no-untyped-def]
    users = [
        make_user(Role.READER),
        make_user(Role.ANALYST),
        make_user(Role.CONTROLLER),
        caseworker(world["SN"]),
    ]
    headings = ["<h1>Översikt</h1>", "<h1>Indikatorer</h1>", "<h1>Självförsörjande nyanlända</h1>"]
    for user in users:
        client = logged_in(user)
        for url, heading in zip(page_urls(), headings, strict=True):
            response = client.get(url)
            assert response.status_code == 200, (user.username, url)
            assert heading in response.text, (user.username, url)


def test_a_user_without_a_role_is_refused_the_same_pages(world) -> None:  # type: ignore[no-untyped-def]
    nobody = User.objects.create_user(username="utan-roll", password=PASSWORD)
    client = logged_in(nobody)
    for url in [*page_urls(), reverse("analysis:download", args=[SHARE, "csv"])]:
        assert client.get(url).status_code == 403, url


def test_an_unknown_indicator_or_file_format_is_not_found(world) -> None:  # type: ignore[no-untyped-def]
    client = reader()
    assert client.get(reverse("analysis:indicator", args=["finns_inte"])).status_code == 404
    assert client.get(reverse("analysis:download", args=["finns_inte", "csv"])).status_code == 404
    assert client.get(reverse("analysis:download", args=[SHARE, "pdf"])).status_code == 404


# ---------------------------------------------------------------------------------------------
# Before the first build


def test_without_a_store_the_pages_say_so_in_swedish(committees) -> None:  # type: ignore[no-untyped-def]
    client = reader()
    message = "Analysdatabasen är inte byggd än"
    overview = client.get(reverse("analysis:overview"))
    assert overview.status_code == 200 and message in overview.text
    page = client.get(reverse("analysis:indicator", args=[SHARE]))
    assert page.status_code == 200 and message in page.text
    assert indicator(SHARE).definition in page.text  # type: ignore[union-attr]
    assert "<figure" not in page.text
    assert client.get(reverse("analysis:catalogue")).status_code == 200
    download = client.get(reverse("analysis:download", args=[SHARE, "xlsx"]))
    assert download.status_code == 302
    assert download["Location"] == reverse("analysis:indicator", args=[SHARE])


def test_a_store_built_from_an_empty_register_gives_pages_without_numbers(committees) -> None:  # type: ignore[no-untyped-def]
    build_store(actor=None, reference_date=TODAY)
    client = reader()
    overview = client.get(reverse("analysis:overview"))
    assert overview.status_code == 200
    assert "Nyckeltalen har inga värden i analysdatabasen än." in overview.text
    activities = body_rows(
        Tables(overview.text).tables["Efter huvudsaklig aktivitet, november 2026"]
    )
    assert activities["Totalt"] == ["0"]
    page = client.get(reverse("analysis:indicator", args=[SHARE]))
    assert page.status_code == 200
    assert "Det finns inga värden för indikatorn i analysdatabasen än." in page.text


# ---------------------------------------------------------------------------------------------
# The catalogue


def test_the_catalogue_lists_every_indicator_under_its_theme(world) -> None:  # type: ignore[no-untyped-def]
    text = reader().get(reverse("analysis:catalogue")).text
    for item in indicators().values():
        assert item.theme in text
        assert reverse("analysis:indicator", args=[item.id]) in text
        assert item.definition in text
    assert text.index("Mottagna nyanlända") > text.index('<h2 id="tema-')
    assert "N01986" in text  # mottagna's Kolada id
    assert "saknas" in text  # indicators without one


# ---------------------------------------------------------------------------------------------
# The indicator page


def test_the_indicator_page_describes_the_indicator(world) -> None:  # type: ignore[no-untyped-def]
    item = indicator("manader_till_arbete")
    assert item is not None
    text = reader().get(reverse("analysis:indicator", args=[item.id])).text
    assert item.definition in text and item.period in text
    assert "Median, månader" in text
    assert "Lägre värde är bättre" in text
    assert "<dt>Kolada-id</dt><dd>saknas</dd>" in text
    assert '<pre class="source"><code>-- id = &quot;manader_till_arbete&quot;' in text
    assert '<figure class="chart"><img src="data:image/svg+xml;base64,' in text
    assert reverse("analysis:download", args=[item.id, "csv"]) in text
    assert reverse("analysis:download", args=[item.id, "xlsx"]) in text


def test_the_time_series_shows_the_protected_total_and_split_by_sex(world) -> None:  # type: ignore[no-untyped-def]
    item = indicator(SHARE)
    assert item is not None
    result = engine.result(item)
    cells = {(c.period, c.breakdown, c.group): c for c in result.cells}
    tables = Tables(reader().get(reverse("analysis:indicator", args=[SHARE])).text).tables
    series = tables["Självförsörjande nyanlända per period (andel, procent)"]
    assert series[0] == ["Period", "Totalt", "Kvinnor", "Män"]
    assert body_rows(series) == {
        period: [
            display(cells[(period, TOTAL, TOTAL)]),
            display(cells[(period, "kön", "K")]),
            display(cells[(period, "kön", "M")]),
        ]
        for period in result.periods
    }


def test_the_breakdowns_of_the_latest_period_are_shown_by_default(world) -> None:  # type: ignore[no-untyped-def]
    item = indicator(SHARE)
    assert item is not None
    result = engine.result(item)
    latest = result.periods[-1]
    tables = Tables(reader().get(reverse("analysis:indicator", args=[SHARE])).text).tables
    sex = tables[f"Kön, {latest}"]
    assert sex[0] == [
        "Grupp",
        "Andel, procent",
        "Täljare (antal med utfallet)",
        "Nämnare (antal i gruppen)",
    ]
    total = next(c for c in result.cells if c.period == latest and c.breakdown == TOTAL)
    women = next(c for c in result.cells if c.period == latest and c.group == "K")
    rows = body_rows(sex)
    assert rows["Kvinna"][0] == display(women)
    assert rows["Totalt"][0] == display(total)
    for part in breakdowns_of(item):
        assert f"{part.label}, {latest}" in tables


def test_choosing_a_period_shows_its_breakdowns(world) -> None:  # type: ignore[no-untyped-def]
    item = indicator(COUNT)
    assert item is not None
    first = engine.result(item).periods[0]
    url = reverse("analysis:indicator", args=[COUNT])
    response = reader().get(url, {"period": first})
    tables = Tables(response.text).tables
    assert f"Kön, {first}" in tables
    assert f'<option value="{first}" selected>' in response.text
    # A period the indicator does not have falls back to the latest, and says why.
    wrong = reader().get(url, {"period": "1999"})
    assert f"Kön, {engine.result(item).periods[-1]}" in Tables(wrong.text).tables
    assert "Indikatorn har inga värden för 1999." in wrong.text


def test_a_hidden_cell_is_shown_as_two_dots_never_as_a_number(world) -> None:  # type: ignore[no-untyped-def]
    item = indicator(SHARE)
    assert item is not None
    hidden = [c for c in engine.result(item).cells if c.suppressed and c.breakdown != TOTAL]
    assert hidden, "the small world should have hidden cells"
    cell = hidden[-1]
    part = next(p for p in breakdowns_of(item) if p.id == cell.breakdown)
    response = reader().get(reverse("analysis:indicator", args=[SHARE]), {"period": cell.period})
    row = body_rows(Tables(response.text).tables[f"{part.label}, {cell.period}"])
    assert row[part.label_of(cell.group)] == [SUPPRESSED_MARK] * 3
    assert f'<abbr title="{cell.explanation}">..</abbr>' in response.text
    assert 'id="dolda-uppgifter"' in response.text


# ---------------------------------------------------------------------------------------------
# The overview


def test_the_overview_counts_newcomers_by_main_activity_and_sex(world) -> None:  # type: ignore[no-untyped-def]
    with open_store() as store:
        living_here = store.execute(
            "SELECT count(*) FROM person_months, build_info WHERE month = reference_month"
        ).fetchone()[0]  # type: ignore[index]
    tables = Tables(reader().get(reverse("analysis:overview")).text).tables
    activities = body_rows(tables["Efter huvudsaklig aktivitet, november 2026"])
    assert list(activities) == [*main_activity_labels().values(), "Totalt"]
    assert activities["Totalt"] == [str(living_here)]
    sexes = body_rows(tables["Efter kön, november 2026"])
    assert list(sexes)[:2] == ["Kvinna", "Man"] and sexes["Totalt"] == [str(living_here)]
    shown = [
        int(row[0]) for label, row in activities.items() if label != "Totalt" and row[0] != ".."
    ]
    hidden = [label for label, row in activities.items() if row == [SUPPRESSED_MARK]]
    assert sum(shown) <= living_here
    # Hidden groups are never one alone (it could be worked out from the total), nor zero.
    assert len(hidden) != 1


def test_the_overview_activity_table_is_protected_as_one_table(world) -> None:  # type: ignore[no-untyped-def]
    table = overview_for(None).activities
    assert table.total.value is not None
    for cells in ([c for _, c in table.by_activity], [c for _, c in table.by_sex]):
        assert sum(c.value or 0 for c in cells if not c.suppressed) <= table.total.value
        assert all(c.value is None for c in cells if c.suppressed)
        assert all(c.value == 0 or c.value >= 5 for c in cells if not c.suppressed)


def test_the_overview_shows_each_key_indicator_with_trend_and_split(world) -> None:  # type: ignore[no-untyped-def]
    text = reader().get(reverse("analysis:overview")).text
    tables = Tables(text).tables
    for item in indicators().values():
        link = reverse("analysis:indicator", args=[item.id])
        assert (link in text) == item.key, item.id
        if not item.key:
            continue
        result = engine.result(item)
        trend = tables[next(caption for caption in tables if caption.startswith(item.title))]
        assert [row[0] for row in trend[1:]] == result.periods[-10:]
        latest = result.periods[-1]
        total = next(c for c in result.cells if c.period == latest and c.breakdown == TOTAL)
        assert trend[-1][1] == display(total)


def test_the_overview_shows_how_fresh_each_committees_data_is(world) -> None:  # type: ignore[no-untyped-def]
    tables = Tables(reader().get(reverse("analysis:overview")).text).tables
    sources = tables["Senaste import per nämnd och slag av uppgifter"]
    assert sources[0] == ["Nämnd", "Slag", "Importomgångar", "Senaste import"]
    kinds = [row[1] for row in sources[1:]]
    assert sorted(kinds) == sorted(
        ["Försörjningsstöd", "Insatser", "Mottagande", "Personer", "Sfi", "Uppehållstillstånd"]
    )
    assert all(row[0].endswith("(KS)") and row[2] == "1" for row in sources[1:])
