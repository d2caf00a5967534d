"""The Rapporter pages through Django's test client: who sees what, starting a report, marking
sections, downloading and archiving; allowed and denied with the same setup."""

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from helhetsbild.organisation.models import Role
from helhetsbild.reports import selectors
from helhetsbild.reports.models import ReadyMark, Report, ReportKind
from helhetsbild.reports.services import report_create
from tests.factories import PASSWORD, caseworker, make_user
from tests.goals.support import YEAR
from tests.reports.world import SmallWorld, small_world

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("own_data_dir")]


@pytest.fixture
def world(committees) -> SmallWorld:  # type: ignore[no-untyped-def]
    return small_world(committees)


@pytest.fixture
def sn_report(world: SmallWorld) -> Report:
    return report_create(
        actor=None, kind=ReportKind.INTERIM, year=YEAR, committee=world.committees["SN"]
    )


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def mark_url(report: Report, key: str) -> str:
    return reverse("reports:mark", args=[report.pk, key])


def test_anonymous_visitors_are_sent_to_log_in(sn_report: Report) -> None:
    for url in [
        reverse("reports:list"),
        reverse("reports:report", args=[sn_report.pk]),
        reverse("reports:download", args=[sn_report.pk, "pdf"]),
    ]:
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_every_role_reads_the_reports_and_a_user_without_one_does_not(
    world: SmallWorld, sn_report: Report
) -> None:
    urls = [reverse("reports:list"), reverse("reports:report", args=[sn_report.pk])]
    for role in Role:
        bound = world.committees["KS"] if role == Role.CASEWORKER else None
        client = logged_in(make_user(role, bound))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (role, url)
            assert "Delårsrapport 2026" in response.text
    nobody = User.objects.create_user(username="utan-roll", password=PASSWORD)
    for url in urls:
        assert logged_in(nobody).get(url).status_code == 403


def test_a_caseworker_starts_the_committees_report_but_not_anothers(world: SmallWorld) -> None:
    client = logged_in(caseworker(world.committees["SN"]))
    page = client.get(reverse("reports:list")).text
    assert 'value="SN"' in page and 'value="KS"' not in page
    assert "Hela kommunen</option>" not in page

    data = {"kind": "delar", "year": str(YEAR), "committee": "SN"}
    response = client.post(reverse("reports:create"), data)
    created = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report", args=[created.pk])
    assert (created.kind, created.year, created.committee) == (
        "delar",
        YEAR,
        world.committees["SN"],
    )

    again = client.post(reverse("reports:create"), data)
    assert again.status_code == 400 and "Det finns redan en delårsrapport" in again.text
    refused = client.post(reverse("reports:create"), {**data, "committee": "KS"})
    assert refused.status_code == 400 and Report.objects.count() == 1
    reader = logged_in(make_user(Role.READER))
    assert "Ny rapport" not in reader.get(reverse("reports:list")).text
    assert reader.post(reverse("reports:create"), data).status_code == 403


def test_a_reporter_marks_own_sections_and_only_those(world: SmallWorld) -> None:
    report = report_create(actor=None, kind=ReportKind.ANNUAL, year=YEAR, committee=None)
    own, other = f"mal-{world.tree.sn_goal.pk}", f"mal-{world.tree.amn_goal.pk}"
    client = logged_in(caseworker(world.committees["SN"]))
    page = client.get(reverse("reports:report", args=[report.pk])).text
    assert page.count("Markera som klart") == 1  # the council and the actions are analysts'
    assert client.post(mark_url(report, own), {"ready": "1"}).status_code == 302
    assert client.post(mark_url(report, other), {"ready": "1"}).status_code == 403
    assert [(m.goal, m.ready) for m in ReadyMark.objects.all()] == [(world.tree.sn_goal, True)]
    page = client.get(reverse("reports:report", args=[report.pk])).text
    assert "Klart, Test caseworker" in page and "Ta bort klarmarkeringen" in page
    assert client.post(mark_url(report, "okant"), {"ready": "1"}).status_code == 404


def test_an_analyst_archives_and_the_page_then_offers_no_changes(
    world: SmallWorld, sn_report: Report
) -> None:
    client = logged_in(make_user(Role.ANALYST))
    url = reverse("reports:report", args=[sn_report.pk])
    client.post(reverse("reports:archive", args=[sn_report.pk]))
    assert "Alla avsnitt måste vara klarmarkerade" in client.get(url).text
    for section in selectors.sections_of(sn_report):
        client.post(mark_url(sn_report, section.key), {"ready": "1"})
    response = client.post(reverse("reports:archive", args=[sn_report.pk]), follow=True)
    assert "Rapporten är arkiverad och låst." in response.text
    assert (
        "Markera som klart" not in response.text and "Ta bort klarmarkeringen" not in response.text
    )
    assert "Arkivera och lås rapporten" not in response.text
    for stored in selectors.archived_files(sn_report):
        assert stored.sha256 in response.text
        download = client.get(reverse("reports:download", args=[sn_report.pk, stored.file_format]))
        assert download.content == (selectors.archive_folder(sn_report) / stored.name).read_bytes()
        assert download["Content-Disposition"] == f'attachment; filename="{stored.name}"'
    refused = client.post(mark_url(sn_report, "atgarder"), {"ready": "0"}, follow=True)
    assert "arkiverad och låst" in refused.text


def test_a_caseworker_may_not_archive(sn_report: Report, world: SmallWorld) -> None:
    client = logged_in(caseworker(world.committees["SN"]))
    assert "Arkivera och lås" not in client.get(reverse("reports:report", args=[sn_report.pk])).text
    assert client.post(reverse("reports:archive", args=[sn_report.pk])).status_code == 403


def test_a_draft_downloads_in_each_format(sn_report: Report) -> None:
    client = logged_in(make_user(Role.READER))
    expected = {
        "html": ("text/html; charset=utf-8", b"<!DOCTYPE html>"),
        "docx": (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            b"PK",
        ),
        "pdf": ("application/pdf", b"%PDF"),
    }
    for file_format, (content_type, start) in expected.items():
        response = client.get(reverse("reports:download", args=[sn_report.pk, file_format]))
        assert response["Content-Type"] == content_type
        assert response.content.startswith(start)
        assert f"delarsrapport-2026-SN.{file_format}" in response["Content-Disposition"]
    assert client.get(reverse("reports:download", args=[sn_report.pk, "odt"])).status_code == 404
