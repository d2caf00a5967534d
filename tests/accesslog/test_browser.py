"""The log pages in a real Chromium: axe-core (WCAG 2.1 A and AA) and reflow at 320 px on the
review with a person filter, the monthly sample, the overview of reviews and a person's report.
The personnummer typed in never reaches the address bar."""

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.organisation.models import Role
from helhetsbild.register.identity import parse_personnummer, pseudonym
from tests.accesslog.support import clock
from tests.browser import assert_accessible
from tests.factories import caseworker, make_user
from tests.web.world import ANNA, make_world

pytestmark = pytest.mark.browser


@pytest.fixture
def admin_page(
    chromium: Browser, live_server, transactional_db, committees, tmp_path: Path
) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    """An administrator's browser, signed in by session cookie (the second factor an admin
    needs at the login form is not what these tests are about), over a small logged world."""
    make_world(committees, tmp_path)
    admin = make_user(Role.ADMIN, username="systemforvaltare")
    user = caseworker(committees["SN"])
    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    for n in range(12):
        moment = timezone.make_aware(dt.datetime.combine(month, dt.time(8 + n)))
        with clock(moment):
            access_event_record(
                actor=user,
                action=events.PERSON_VIEWED,
                pseudonym=pseudonym(parse_personnummer(ANNA)) if n % 3 == 0 else f"{n:064x}",
                committee_code="SN" if n != 11 else "AMN",
                purpose="handläggning",
            )
    client = Client()
    client.force_login(admin)
    context = chromium.new_context(
        base_url=live_server.url, locale="sv-SE", viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.month = month  # type: ignore[attr-defined]
    yield page
    context.close()


def test_the_review_page_filters_by_personnummer_without_a_trace_in_the_url(
    admin_page: Page, axe: Axe
) -> None:
    page = admin_page
    page.goto("/logg/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomstloggen")
    expect(page.get_by_role("region", name="Poster i åtkomstloggen, senaste först")).to_be_visible()
    assert_accessible(page, axe, "Åtkomstloggen")

    page.get_by_label("Person").fill("1990")
    page.get_by_role("button", name="Visa").click()
    expect(page.locator(".field-error")).to_contain_text("Skriv ett personnummer")
    assert_accessible(page, axe, "Åtkomstloggen med fel")

    page.get_by_label("Person").fill(ANNA)
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", level=2, name="4 poster")).to_be_visible()
    assert not re.search(r"\d{8}-?\d{4}", page.url) and page.url.endswith("/logg/")
    assert_accessible(page, axe, "Åtkomstloggen filtrerad på person")


def test_the_monthly_sample_is_signed_off_in_the_browser(admin_page: Page, axe: Axe) -> None:
    page = admin_page
    month = page.month  # type: ignore[attr-defined]
    page.goto("/logg/stickprov/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Granskning av åtkomstloggen")
    assert_accessible(page, axe, "Granskningar")

    page.get_by_role("link", name=f"{month:%Y-%m}").click()
    table = page.get_by_role("table", name="Poster i stickprovet och varför de valdes")
    expect(table).to_contain_text("Person i en annan nämnds uppgifter")
    assert_accessible(page, axe, "Stickprov")
    page.get_by_role("checkbox", name="Granskad post nr 12").check()
    page.get_by_label("Kommentar").fill("AMN-visningen utreds med chefen.")
    page.get_by_role("button", name="Signera granskningen").click()
    expect(page.get_by_role("status")).to_have_text("Granskningen är signerad.")
    expect(page.locator("dl.facts")).to_contain_text("AMN-visningen utreds med chefen.")
    assert_accessible(page, axe, "Signerat stickprov")


def test_who_has_looked_at_me_in_the_browser(admin_page: Page, axe: Axe) -> None:
    page = admin_page
    page.goto("/logg/registrerad/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vem har tittat på mig?")
    assert_accessible(page, axe, "Utdrag för en registrerad")
    page.get_by_label("Personnummer").fill(ANNA)
    page.get_by_role("button", name="Visa utdraget").click()
    rows = page.get_by_role(
        "table", name="Åtkomster till personens uppgifter, äldst först"
    ).locator("tbody tr")
    expect(rows).to_have_count(5)
    assert ANNA not in page.url
    assert_accessible(page, axe, "Utdraget")
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner som CSV").click()
    assert download.value.suggested_filename.startswith("vem-har-tittat-")
