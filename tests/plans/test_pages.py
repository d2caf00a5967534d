"""Granskningar and Åtgärder: import upload -> review -> confirm (nothing saved before the
confirmation), the audit page, the action list's filters, the status form, the exports read back,
and who may do what."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from helhetsbild.organisation.models import Role
from helhetsbild.plans.models import Action, Audit, Status
from helhetsbild.plans.services import action_status_change
from tests.factories import PASSWORD, TODAY, caseworker, make_user
from tests.plans.scoring import seed_text
from tests.plans.world import make_action, make_audit

pytestmark = pytest.mark.django_db

# After the actions' first entry (TODAY - 60 days), and already come.
LAST_MONTH = (TODAY - dt.timedelta(days=30)).isoformat()
EXPORT_HEADERS = ["Rekommendation", "Åtgärd", "Ansvarig", "Tidsplan", "Ansvarig nämnd", "Status"]


def logged_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_the_pages_have_the_names_the_menu_uses() -> None:
    assert reverse("plans:audits") == "/granskningar/"
    assert reverse("plans:actions") == "/granskningar/atgarder/"


def review_post(response) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """What the review form would send back unchanged: its fields with their proposed values."""
    context = response.context
    data: dict[str, str] = {}
    form = context["form"]
    for name in form.fields:
        value = form[name].value()
        if name == "committees":
            continue
        data[name] = "" if value is None else str(value)
    for formset in (context["questions"], context["recommendations"]):
        for name, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = str(value)
        for item in formset.forms:
            for name in ("text", "assessment"):
                if name in item.fields:
                    value = item[name].value()
                    data[f"{item.prefix}-{name}"] = "" if value is None else str(value)
    return data


def test_an_imported_report_is_proposed_reviewed_and_saved_only_on_confirmation(committees) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(Role.ANALYST))
    upload = SimpleUploadedFile("vanersborg.txt", seed_text("004_vanersborg").encode("utf-8"))

    proposal = client.post(reverse("plans:import"), {"file": upload})

    assert proposal.status_code == 200
    assert "Granska förslaget" in proposal.text and "Ingenting är sparat än" in proposal.text
    assert Audit.objects.count() == 0
    data = review_post(proposal)
    assert (
        data["title"] == "Granskning av kommunens arbete med integration och arbetsmarknadsinsatser"
    )
    assert data["rekommendationer-TOTAL_FORMS"] == "9"  # seven found, two empty rows to add
    # The reviewer corrects the auditor, removes the last recommendation and adds a committee.
    data["auditor"] = "KPMG AB"
    data["rekommendationer-6-DELETE"] = "on"
    data["committees"] = str(committees["KS"].pk)

    saved = client.post(reverse("plans:new"), data)

    audit = Audit.objects.get()
    assert saved.status_code == 302 and saved["Location"] == reverse("plans:audit", args=[audit.pk])
    assert audit.auditor == "KPMG AB" and audit.source_name == "vanersborg.txt"
    assert audit.recommendations.count() == 6 and audit.questions.count() == 8
    assert [c.code for c in audit.committees.all()] == ["KS"]


def test_a_review_with_errors_is_shown_again_and_saves_nothing(committees) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(Role.ANALYST))
    data = {
        "kind": "audit",
        "title": "",
        "fragor-TOTAL_FORMS": "0",
        "fragor-INITIAL_FORMS": "0",
        "rekommendationer-TOTAL_FORMS": "1",
        "rekommendationer-INITIAL_FORMS": "0",
        "rekommendationer-0-text": "Se över rutinerna.",
    }
    response = client.post(reverse("plans:new"), data)
    assert response.status_code == 200 and "Formuläret innehåller fel" in response.text
    assert Audit.objects.count() == 0


def test_a_file_of_another_kind_is_refused_in_swedish(committees) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(Role.ANALYST))
    upload = SimpleUploadedFile("rapport.odt", b"...")
    response = client.post(reverse("plans:import"), {"file": upload})
    assert "Välj en fil av typen .txt, .pdf eller .docx." in response.text


@pytest.mark.parametrize(
    ("role", "status"), [(Role.ANALYST, 200), (Role.ADMIN, 200), (Role.READER, 403)]
)
def test_who_may_import_a_report(committees, role: str, status: int) -> None:  # type: ignore[no-untyped-def]
    assert logged_in(make_user(role)).get(reverse("plans:import")).status_code == status
    assert logged_in(make_user(role)).get(reverse("plans:new")).status_code == status


def test_a_reader_follows_an_audit_its_recommendations_and_their_status(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    late = make_action(audit, committees["KS"], deadline=dt.date(2020, 1, 1))
    action_status_change(actor=None, action=late, status=Status.STARTED, comment="Igång.")

    response = logged_in(make_user(Role.READER)).get(reverse("plans:audit", args=[audit.pk]))

    text = response.text
    assert response.status_code == 200
    assert "Finns det en plan?" in text and "Delvis uppfyllt" in text
    assert "Rekommendation 1" in text and "Åtgärd för KS" in text
    assert '<span class="status status-started">Påbörjad</span>' in text
    assert "Försenad" in text  # in words, not colour alone
    assert "0 av 1 åtgärd klar" in text
    assert "Status över tid" in text
    assert "Lägg till åtgärd" not in text  # a reader changes nothing


def test_the_action_list_filters_mine_overdue_and_by_committee(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    worker = caseworker(committees["SN"])
    make_action(audit, committees["KS"], deadline=dt.date(2020, 1, 1))
    make_action(audit, committees["SN"], responsible_user=worker)
    client = logged_in(worker)
    url = reverse("plans:actions")

    def shown(query: str) -> int:
        return client.get(f"{url}?{query}").context["page"].paginator.count

    assert shown("") == 2
    assert shown("mine=on") == 1
    assert shown("overdue=on") == 1
    assert shown("committee=KS") == 1
    assert shown("committee=SN&overdue=on") == 0


def test_the_responsible_committee_changes_the_status_with_a_comment(committees) -> None:  # type: ignore[no-untyped-def]
    action = make_action(make_audit(committees), committees["KS"])
    url = reverse("plans:action", args=[action.pk])
    client = logged_in(caseworker(committees["KS"]))

    refused = client.post(url, {"status": Status.DONE, "date": LAST_MONTH, "comment": ""})
    assert refused.status_code == 200 and "Detta fält måste fyllas i." in refused.text
    saved = client.post(url, {"status": Status.DONE, "date": LAST_MONTH, "comment": "Klart."})

    assert saved.status_code == 302
    assert Action.objects.get(pk=action.pk).status == Status.DONE
    assert "Klart." in client.get(url).text


def test_another_committee_sees_the_action_but_may_not_change_it(committees) -> None:  # type: ignore[no-untyped-def]
    action = make_action(make_audit(committees), committees["KS"])
    url = reverse("plans:action", args=[action.pk])
    client = logged_in(caseworker(committees["SN"]))

    page = client.get(url)
    refused = client.post(url, {"status": Status.DONE, "date": LAST_MONTH, "comment": "Klart."})

    assert page.status_code == 200 and "Ändra status" not in page.text
    assert refused.status_code == 403
    assert Action.objects.get(pk=action.pk).status == Status.NOT_STARTED


def test_a_caseworker_adds_an_action_for_their_own_committee(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    recommendation = audit.recommendations.get(position=2)
    client = logged_in(caseworker(committees["SN"]))
    url = reverse("plans:action_new", args=[recommendation.pk])
    form = {
        "text": "Årlig uppföljning i nämnden",
        "responsible": "Verksamhetschef",
        "committee": committees["SN"].pk,
        "continuous": "on",
        "follow_up": "årsredovisningen",
        "status": Status.NOT_STARTED,
    }

    assert client.post(url, {**form, "committee": committees["KS"].pk}).status_code == 200
    response = client.post(url, form)

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.committee.code, action.continuous, action.history.count()) == ("SN", True, 1)


def test_the_answer_exported_as_word_and_excel_reads_back(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    make_action(audit, committees["KS"], deadline=dt.date(2026, 6, 30), status=Status.DONE)
    make_action(audit, committees["SN"], deadline=None)
    client = logged_in(make_user(Role.READER))
    expected = [
        [
            "Tydliggöra ansvaret.",
            "Åtgärd för KS",
            "Integrationssamordnare",
            "2026-06-30",
            "KS",
            "Klar",
        ],
        [
            "Tydliggöra ansvaret.",
            "Åtgärd för SN",
            "Integrationssamordnare",
            "Kontinuerligt, följs upp i årsredovisningen",
            "SN",
            "Ej påbörjad",
        ],
        ["Följa upp planen årligen.", "", "", "", "", ""],
    ]

    word = client.get(reverse("plans:export", args=[audit.pk, "docx"]))
    table = Document(io.BytesIO(word.content)).tables[0]
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert word["Content-Disposition"] == f'attachment; filename="atgarder-{audit.pk}.docx"'
    assert rows == [EXPORT_HEADERS, *expected]

    excel = client.get(reverse("plans:export", args=[audit.pk, "xlsx"]) + "?namnd=SN")
    sheet = load_workbook(io.BytesIO(excel.content)).active
    values = [[cell or "" for cell in row] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert values == [EXPORT_HEADERS, expected[1]]
    assert sheet.cell(row=4, column=6).fill.start_color.rgb.endswith("F4B6B6")


def test_the_audit_list_shows_progress_per_audit(committees) -> None:  # type: ignore[no-untyped-def]
    audit = make_audit(committees)
    make_action(audit, committees["KS"], status=Status.DONE)
    make_action(audit, committees["KS"], deadline=TODAY - dt.timedelta(days=400))
    text = logged_in(make_user(Role.CONTROLLER)).get(reverse("plans:audits")).text
    assert "Granskning av integrationsarbetet" in text and "1 av 2 åtgärder klara" in text


def test_an_audit_that_does_not_exist_is_not_found(committees) -> None:  # type: ignore[no-untyped-def]
    client = logged_in(make_user(Role.READER))
    assert client.get(reverse("plans:audit", args=[999])).status_code == 404
    assert client.get(reverse("plans:export", args=[999, "pdf"])).status_code == 404
