"""Payment specifications uploaded on the Återsökning page and the reconciliation it shows:
a good file is read and counted, a bad one is explained (file, row, column, value) and
changes nothing, the same file twice is refused, and the follow-up lists per person what was
expected but not received, received but not expected, partly paid and paid late."""

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client

from helhetsbild.economy import services
from helhetsbild.economy.claim_selectors import RECONCILIATION_ROWS, follow_up
from helhetsbild.economy.models import Payment, PaymentFile
from helhetsbild.economy.reconciliation import Line, PaymentFileError, Status
from helhetsbild.organisation.models import Role
from helhetsbild.register.identity import parse_personnummer, pseudonym
from tests.economy.register import COHORT, SARA, import_economy_register
from tests.factories import caseworker, make_user, personnummer

pytestmark = pytest.mark.django_db
PAGE = "/ekonomi/atersokning/"
UPLOAD = "/ekonomi/atersokning/utbetalningar/"
SCHABLON = "standard_compensation"
HEADER = "Personnummer;Ersättningstyp;Period;Belopp;Utbetalningsdatum"
STRANGER = personnummer("19800101", "983")  # not in the register
# June 2024's standard compensation, 6 875 kr each, due by 2024-07-31 (the mapping's month).
JUNE = [
    f"{COHORT[0]};Schablonersättning;2024-06;6 875,00;2024-06-25",  # matched
    f"{COHORT[1]};Schablonersättning;2024-06;3000;2024-06-25",  # partly paid
    f"{COHORT[2]};Schablonersättning;2024-06;6875;2024-09-03",  # paid late
    f"{STRANGER};Schablonersättning;2024-06;6875;2024-06-25",  # not expected
]  # COHORT[3], COHORT[4] and Sara: expected, not received


def _short(number: str) -> str:
    return pseudonym(parse_personnummer(number))[:10]


@pytest.fixture
def register(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import_economy_register(committees, tmp_path)


@pytest.fixture
def controller(register) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(make_user(Role.CONTROLLER))
    return client


def _file(lines: list[str], name: str = "utbetalningar.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8"))


def _upload(client: Client, lines: list[str], name: str = "utbetalningar.csv"):  # type: ignore[no-untyped-def]
    return client.post(UPLOAD, {"file": _file(lines, name)}, follow=True)


def test_a_good_file_is_read_and_the_page_says_how_many_were_read_and_agree(
    controller: Client,
) -> None:
    response = _upload(controller, [HEADER, *JUNE])

    assert response.redirect_chain == [(PAGE, 302)]
    assert (
        "Utbetalningar inlästa från utbetalningar.csv: 4. Av dem stämmer 2 med väntad ersättning"
        in response.text
    )
    assert Payment.objects.count() == 4 and PaymentFile.objects.get().name == "utbetalningar.csv"


def test_the_reconciliation_lists_each_person_to_follow_up(controller: Client) -> None:
    _upload(controller, [HEADER, *JUNE])

    text = controller.get(PAGE).text
    section = text[text.index('id="avstamning"') :]

    def group(status: Status) -> str:
        start = section.index(f'id="avstamning-{status}"')
        return section[start : section.index("</table>", start)]

    # The cohort's initial compensation is expected in June 2024 too, and none was paid.
    missing = group(Status.MISSING)
    assert "Väntad men inte mottagen (8)" in missing
    assert all(_short(n) in missing for n in (COHORT[3], COHORT[4], SARA))
    assert "6\xa0875 kr" in missing and '<th scope="row">2024-06</th>' in missing
    assert missing.count("<td>Ersättning för initiala kostnader för ekonomiskt bistånd</td>") == 5
    unexpected = group(Status.UNEXPECTED)
    assert "Mottagen men inte väntad (1)" in unexpected and _short(STRANGER) in unexpected
    partial = group(Status.PARTIAL)
    assert "Delvis betald (1)" in partial and _short(COHORT[1]) in partial
    assert "3\xa0000 kr" in partial and "<td>Schablonersättning</td>" in partial
    late = group(Status.LATE)
    assert "Betald sent (1)" in late and "2024-09-03" in late and _short(COHORT[2]) in late
    assert "Övriga rader: stämmer 1." in section
    assert SARA not in text and STRANGER not in text


def test_before_any_payment_the_section_says_so(controller: Client) -> None:
    text = controller.get(PAGE).text

    assert "Inga utbetalningar är inlästa." in text[text.index('id="avstamning"') :]


def test_the_follow_up_is_most_recent_first_and_bounded_with_a_count_of_the_rest() -> None:
    lines = [
        Line(f"p{i:03d}", SCHABLON, dt.date(2024, i % 12 + 1, 1), 6875, 0, None, Status.MISSING)
        for i in range(RECONCILIATION_ROWS + 7)
    ]

    groups, others = follow_up(lines)

    missing = groups[0]
    assert missing.status == Status.MISSING and missing.label == "väntad men inte mottagen"
    assert len(missing.lines) == RECONCILIATION_ROWS and missing.rest == 7
    assert missing.count == RECONCILIATION_ROWS + 7
    shown = [line.month for line in missing.lines]
    assert shown == sorted(shown, reverse=True) and shown[0].month == 12
    assert missing.lines[0].type_name == "Schablonersättning"
    assert [g.lines for g in groups[1:]] == [[], [], []] and others == {}


@pytest.mark.parametrize(
    ("lines", "shown"),
    [
        pytest.param(
            [HEADER.replace(";", "|"), JUNE[0].replace(";", "|")],
            [
                "fel.csv: Rubrikraden &#x27;Personnummer|Ersättningstyp|Period|Belopp|"
                "Utbetalningsdatum&#x27; innehåller inga kända kolumner",
                "med semikolon, komma eller tabb som avgränsare",
            ],
            id="wrong delimiter",
        ),
        pytest.param(
            [HEADER.replace("Belopp", "Summa"), JUNE[0]],
            [
                "fel.csv: kolumnen belopp eller belopp kr saknas i rubrikraden.",
                "fel.csv: rubrikraden har kolumner som inte känns igen: Summa.",
            ],
            id="unknown column",
        ),
        pytest.param(
            [HEADER, JUNE[0], JUNE[1].replace(";3000;", ";12,50;")],
            [
                "fel.csv, rad 3, kolumnen Belopp, värdet &#x27;12,50&#x27;: ska vara ett belopp "
                "i hela kronor"
            ],
            id="bad amount",
        ),
        pytest.param(
            [HEADER, JUNE[0].replace("Schablonersättning", "Bonus")],
            ["fel.csv, rad 2, kolumnen Ersättningstyp, värdet &#x27;Bonus&#x27;: okänd"],
            id="unknown type",
        ),
    ],
)
def test_a_bad_file_is_explained_at_the_field_and_changes_nothing(
    controller: Client, lines: list[str], shown: list[str]
) -> None:
    response = _upload(controller, lines, "fel.csv")

    assert response.status_code == 400
    assert "Inget lästes in. Rätta filen och läs in den igen." in response.text
    for text in shown:
        assert text in response.text, text
    assert 'aria-describedby="id_file_error id_file_helptext"' in response.text
    assert 'aria-invalid="true"' in response.text
    assert (PaymentFile.objects.count(), Payment.objects.count()) == (0, 0)


def test_the_same_file_twice_is_refused_whatever_its_name(controller: Client) -> None:
    _upload(controller, [HEADER, *JUNE])

    again = _upload(controller, [HEADER, *JUNE], "kopia.csv")

    assert again.status_code == 400
    assert "kopia.csv: filen är redan inläst den " in again.text
    assert "som utbetalningar.csv; ingenting ändrades." in again.text
    assert (PaymentFile.objects.count(), Payment.objects.count()) == (1, 4)


def test_a_file_over_the_upload_limit_is_refused(controller: Client, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    big = [HEADER, *JUNE * (3 * 1024 * 1024 // len(JUNE[0]) // 4)]

    response = _upload(controller, big, "stor.csv")

    assert response.status_code == 400
    assert "stor.csv: Filen är 2 MB; största tillåtna storlek är 1 MB." in response.text
    assert not PaymentFile.objects.exists()


def test_no_file_is_explained_at_the_field(controller: Client) -> None:
    response = controller.post(UPLOAD, {})

    assert response.status_code == 400
    assert "Välj filen med Migrationsverkets utbetalningar." in response.text


@pytest.mark.parametrize("role", [Role.READER, Role.ANALYST, Role.ADMIN, Role.CASEWORKER])
def test_only_controllers_may_upload(committees, register, role: str) -> None:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(caseworker(committees["KS"]) if role == Role.CASEWORKER else make_user(role))

    assert client.post(UPLOAD, {"file": _file([HEADER, *JUNE])}).status_code == 403
    assert not PaymentFile.objects.exists()


def test_the_upload_answers_no_get(controller: Client) -> None:
    assert controller.get(UPLOAD).status_code == 405


def test_the_command_refuses_the_same_file_twice(register, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "utbetalningar.csv"
    path.write_text("\n".join([HEADER, *JUNE]) + "\n", encoding="utf-8")
    call_command("claims", "payments", str(path), stdout=StringIO())

    with pytest.raises(CommandError, match="Inget lästes in.\nutbetalningar.csv: filen är redan"):
        call_command("claims", "payments", str(path), stdout=StringIO())
    assert Payment.objects.count() == 4


def test_the_same_file_read_by_two_at_once_is_refused_for_the_second(
    register, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "utbetalningar.csv"
    path.write_text("\n".join([HEADER, *JUNE]) + "\n", encoding="utf-8")
    read = services.read_payments

    def read_while_another_saves(*args: object, **kwargs: object) -> object:
        monkeypatch.setattr(services, "read_payments", read)
        services.payments_import(None, path, "samtidig.csv")  # the other upload, first to save
        return read(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(services, "read_payments", read_while_another_saves)

    with pytest.raises(PaymentFileError, match="filen är redan inläst .* som samtidig.csv"):
        services.payments_import(None, path, "utbetalningar.csv")
    assert (PaymentFile.objects.count(), Payment.objects.count()) == (1, 4)
