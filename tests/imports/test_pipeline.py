"""The import pipeline end to end on small hand-written files: what is stored, what is reported,
and that a refused file leaves the register exactly as it was."""

import csv
from pathlib import Path

import pytest

from helhetsbild.imports.formats import kinds
from helhetsbild.imports.models import BatchState, ImportBatch, QuarantineRow, QuarantineState
from helhetsbild.imports.services import quarantine_row_correct
from helhetsbild.register.identity import decrypt, parse_personnummer, pseudonym
from helhetsbild.register.models import Episode, Person, PersonRecord, SfiCourse
from tests.factories import TODAY, caseworker, personnummer, run_import, write_csv, write_kind

pytestmark = pytest.mark.django_db

ANNA = personnummer("19900101", "980")
BERIT = personnummer("19850505", "982")
CYRUS = personnummer("19790315", "991")


def register_snapshot() -> dict[str, object]:
    """Everything an import could change in the register, to compare before and after."""
    snapshot: dict[str, object] = {
        "persons": sorted(Person.objects.values_list("pseudonym", "successor_id")),
        "quarantine": QuarantineRow.objects.count(),
    }
    for name, spec in kinds().items():
        snapshot[name] = sorted(
            tuple(str(v) for v in row) for row in spec.model.objects.values_list()
        )
    return snapshot


@pytest.fixture
def persons_file(tmp_path: Path) -> Path:
    return write_kind(
        tmp_path / "personer.csv",
        "personer",
        [
            [ANNA, "K", "1990-01-01", "gymnasial", "nej", ""],
            [BERIT, "K", "1985-05-05", "", "", ""],
            [CYRUS, "M", "1979-03-15", "eftergymnasial", "nej", ""],
        ],
    )


@pytest.fixture
def registered(committees, persons_file):  # type: ignore[no-untyped-def]
    result = run_import(committees["KS"], "personer", persons_file)
    assert result.state == BatchState.COMMITTED, result.issues
    return committees


def test_persons_are_stored_pseudonymised_and_encrypted(committees, persons_file) -> None:  # type: ignore[no-untyped-def]
    result = run_import(committees["KS"], "personer", persons_file)

    assert (result.state, result.rows, result.accepted) == ("committed", 3, 3)
    anna = Person.objects.get(pseudonym=pseudonym(parse_personnummer(ANNA, today=TODAY)))
    assert decrypt(anna.personnummer_encrypted).digits == ANNA.replace("-", "")
    assert ANNA.replace("-", "").encode() not in bytes(anna.personnummer_encrypted)
    record = PersonRecord.objects.get(person=anna)
    assert (record.committee.code, record.sex, record.education_level, record.unaccompanied) == (
        "KS",
        "K",
        "upper_secondary",
        False,
    )
    assert record.batch_id == result.batch_id


def test_the_original_file_is_kept_under_its_hash(committees, persons_file, data_dir) -> None:  # type: ignore[no-untyped-def]
    result = run_import(committees["KS"], "personer", persons_file)
    batch = ImportBatch.objects.get(pk=result.batch_id)
    kept = data_dir / "imports" / f"{batch.sha256}.csv"
    assert kept.read_bytes() == persons_file.read_bytes()


def test_the_same_file_twice_changes_nothing(committees, persons_file) -> None:  # type: ignore[no-untyped-def]
    first = run_import(committees["KS"], "personer", persons_file)
    before = register_snapshot()

    again = run_import(committees["KS"], "personer", persons_file)

    assert again.state == BatchState.DUPLICATE and again.duplicate_of == first.batch_id
    assert register_snapshot() == before
    assert ImportBatch.objects.get(pk=again.batch_id).state == "duplicate"


def test_a_corrected_export_updates_records_by_natural_key(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    header = ["personnummer", "insats", "startdatum", "slutdatum", "detalj"]
    first = write_csv(
        tmp_path / "insatser-1.csv", header, [[ANNA, "praktik", "2024-02-01", "", ""]]
    )
    later = write_csv(
        tmp_path / "insatser-2.csv",
        header,
        [[ANNA, "praktik", "2024-02-01", "2024-05-31", "Lager"]],
    )
    run_import(registered["AMN"], "insatser", first)

    result = run_import(registered["AMN"], "insatser", later)

    assert result.state == BatchState.COMMITTED
    episode = Episode.objects.get()
    assert (str(episode.end_date), episode.detail, episode.batch_id) == (
        "2024-05-31",
        "Lager",
        result.batch_id,
    )


def test_an_export_without_an_optional_column_keeps_what_was_there(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    slim = write_csv(
        tmp_path / "personer-kort.csv",
        ["personnummer", "kön", "födelsedatum"],
        [[ANNA, "K", "1990-01-01"]],
    )
    assert run_import(registered["KS"], "personer", slim).state == BatchState.COMMITTED
    anna = PersonRecord.objects.get(
        person__pseudonym=pseudonym(parse_personnummer(ANNA, today=TODAY))
    )
    assert anna.education_level == "upper_secondary"


def test_each_committee_owns_its_own_records_of_the_same_fact(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    rows = [[ANNA, "1", "B", "2024-01-10", "", ""]]
    run_import(registered["UN"], "sfi", write_kind(tmp_path / "sfi-un.csv", "sfi", rows))
    run_import(
        registered["KS"],
        "sfi",
        write_kind(
            tmp_path / "sfi-ks.csv", "sfi", rows + [[BERIT, "2", "C", "2024-01-10", "", ""]]
        ),
    )
    assert sorted(SfiCourse.objects.values_list("committee__code", flat=True)) == ["KS", "KS", "UN"]


def test_dry_run_reports_and_changes_nothing(committees, persons_file) -> None:  # type: ignore[no-untyped-def]
    before = register_snapshot()
    result = run_import(committees["KS"], "personer", persons_file, dry_run=True)
    assert (result.state, result.accepted, result.batch_id) == ("committed", 3, None)
    assert register_snapshot() == before and not ImportBatch.objects.exists()


BROKEN = [
    # (kind, header, rows, expected report lines (row, column, value, reason))
    (
        "personer",
        None,
        [[personnummer("19900101", "980")[:-1] + "0", "K", "1990-01-01", "", "", ""]],
        [(2, "personnummer", "19900101-****", "kontrollsiffran stämmer inte")],
    ),
    (
        "personer",
        None,
        [[ANNA, "X", "1990-01-01", "", "", ""]],
        [(2, "kön", "X", "är inget tillåtet värde (tillåtna: K/M)")],
    ),
    (
        "personer",
        None,
        [[ANNA, "K", "2027-01-01", "", "", ""]],
        [(2, "födelsedatum", "2027-01-01", "ligger i framtiden")],
    ),
    (
        "personer",
        None,
        [[ANNA, "K", "1990-02-30", "", "", ""]],
        [(2, "födelsedatum", "1990-02-30", "är inget verkligt datum")],
    ),
    (
        "personer",
        None,
        [[ANNA, "K", "01/02/1990", "", "", ""]],
        [(2, "födelsedatum", "01/02/1990", "är inget datum på formen ÅÅÅÅ-MM-DD")],
    ),
    (
        "personer",
        None,
        [[ANNA, "", "1990-01-01", "", "", ""]],
        [(2, "kön", "", "saknar värde men är obligatorisk")],
    ),
    (
        "personer",
        None,
        [[ANNA, "K", "1990-01-01", "", "", ""], [ANNA, "K", "1990-01-01", "", "", ""]],
        [(3, "personnummer", "", "dubblett: samma personnummer som rad 2")],
    ),
    (
        "personer",
        None,
        [[ANNA, "K", "=1990-01-01", "", "", ""]],
        [(2, "födelsedatum", "=1990-01-01", "är en formel, inte ett värde")],
    ),
    (
        "personer",
        ["personnummer", "kön"],
        [[ANNA, "K"]],
        [(1, "födelsedatum", "", "obligatorisk kolumn saknas")],
    ),
    (
        "personer",
        ["personnummer", "kön", "födelsedatum", "färg"],
        [[ANNA, "K", "1990-01-01", "blå"]],
        [
            (
                1,
                "färg",
                "",
                "okänd kolumn; tillåtna kolumner är personnummer, kön, födelsedatum, "
                "utbildningsnivå, ensamkommande, tidigare samordningsnummer",
            )
        ],
    ),
    (
        "personer",
        ["personnummer", "kön", "kön", "födelsedatum"],
        [[ANNA, "K", "K", "1990-01-01"]],
        [(1, "kön", "", "kolumnen förekommer mer än en gång")],
    ),
    (
        "personer",
        ["personnummer", "kön", "födelsedatum"],
        [[ANNA, "K"]],
        [
            (
                2,
                "",
                "",
                "raden har 2 fält men rubrikraden har 3; kontrollera avgränsare och citattecken",
            )
        ],
    ),
    (
        "insatser",
        None,
        [[ANNA, "praktik", "2024-05-01", "2024-04-01", ""]],
        [(2, "slutdatum", "2024-04-01", "ligger före startdatum (2024-05-01)")],
    ),
    (
        "insatser",
        None,
        [[ANNA, "simskola", "2024-05-01", "", ""]],
        [
            (
                2,
                "insats",
                "simskola",
                "är inget tillåtet värde (tillåtna: etableringsprogram/"
                "samhällsorientering/kartläggning/rusta/matcha/praktik/arbete/studier/andrahandskontrakt/"
                "förstahandskontrakt/placering)",
            )
        ],
    ),
    (
        "insatser",
        None,
        [[personnummer("19600101", "990"), "praktik", "2024-05-01", "", ""]],
        [(2, "personnummer", "", "personen finns inte i registret; importera personer först")],
    ),
    (
        "forsorjningsstod",
        None,
        [["H1", ANNA, "2024-13", "100"]],
        [(2, "månad", "2024-13", "är ingen månad på formen ÅÅÅÅ-MM")],
    ),
    (
        "forsorjningsstod",
        None,
        [["H1", ANNA, "2024-03", "-100"]],
        [(2, "belopp", "-100", "är negativt")],
    ),
    (
        "forsorjningsstod",
        None,
        [["H1", ANNA, "2024-03", "12,345"]],
        [(2, "belopp", "12,345", "är inget belopp i kronor med högst två decimaler")],
    ),
    (
        "forsorjningsstod",
        None,
        [["H1", ANNA, "2024-03", "tusen"]],
        [(2, "belopp", "tusen", "är inget belopp i kronor med högst två decimaler")],
    ),
    (
        "mottagande",
        None,
        [[ANNA, "2020-05-01", "kvot", "", ""]],
        [(2, "mottagandeform", "kvot", "är inget tillåtet värde (tillåtna: anvisad/ebo)")],
    ),
    (
        "uppehallstillstand",
        None,
        [[ANNA, "2019-01-01", "PUT", "turist"]],
        [
            (
                2,
                "grund",
                "turist",
                "är inget tillåtet värde (tillåtna: skyddsbehövande/anhörig/gymnasielagen/övrigt)",
            )
        ],
    ),
    (
        "sfi",
        None,
        [[ANNA, "4", "E", "2024-01-01", "", "G"]],
        [
            (2, "studieväg", "4", "är inget tillåtet värde (tillåtna: 1/2/3)"),
            (2, "kurs", "E", "är inget tillåtet värde (tillåtna: A/B/C/D)"),
            (2, "betyg", "G", "är inget tillåtet värde (tillåtna: A/B/C/D/E/F/avbrott)"),
        ],
    ),
]


@pytest.mark.parametrize(("kind_name", "header", "rows", "expected"), BROKEN)
def test_a_broken_file_is_refused_whole_with_an_exact_report(
    registered,
    tmp_path,
    kind_name,
    header,
    rows,
    expected,  # type: ignore[no-untyped-def]
) -> None:
    path = tmp_path / f"{kind_name}.csv"
    write_csv(path, header or kinds()[kind_name].headers, rows)
    before = register_snapshot()

    result = run_import(registered["SN"], kind_name, path)

    assert result.state == BatchState.REJECTED and result.accepted == 0
    assert [(i.row, i.column, i.value, i.reason) for i in result.issues] == expected
    assert register_snapshot() == before
    batch = ImportBatch.objects.get(pk=result.batch_id)
    assert batch.state == "rejected" and batch.issues.count() == len(expected)


def test_accept_valid_keeps_bad_rows_in_quarantine_until_corrected(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_kind(
        tmp_path / "insatser.csv",
        "insatser",
        [
            [ANNA, "praktik", "2024-02-01", "", ""],
            [BERIT, "rusta", "2024-13-01", "", ""],
        ],
    )
    result = run_import(registered["AMN"], "insatser", path, accept_valid=True)

    assert (result.state, result.accepted, result.rejected) == ("partial", 1, 1)
    row = QuarantineRow.objects.get()
    assert row.row == 3 and row.reasons == ["startdatum: är inget verkligt datum"]
    assert BERIT.encode() not in bytes(row.values_encrypted)

    corrected = quarantine_row_correct(
        actor=caseworker(registered["AMN"]),
        row=row,
        values={
            "personnummer": BERIT,
            "insats": "rusta",
            "startdatum": "2024-11-01",
            "slutdatum": "",
            "detalj": "",
        },
    )

    assert corrected.state == BatchState.COMMITTED
    row.refresh_from_db()
    assert (
        row.state == QuarantineState.CORRECTED and row.corrected_by_batch_id == corrected.batch_id
    )
    assert Episode.objects.filter(kind="preparing").count() == 1


def test_reimporting_a_corrected_file_empties_the_quarantine(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = write_kind(tmp_path / "sfi.csv", "sfi", [[ANNA, "1", "A", "2024-01-01", "", "X"]])
    run_import(registered["UN"], "sfi", bad, accept_valid=True)
    good = write_kind(tmp_path / "sfi-rättad.csv", "sfi", [[ANNA, "1", "A", "2024-01-01", "", "E"]])
    assert QuarantineRow.objects.get().state == QuarantineState.OPEN

    run_import(registered["UN"], "sfi", good)

    assert QuarantineRow.objects.get().state == QuarantineState.CORRECTED


def test_formula_in_a_text_cell_is_stored_as_text_and_neutralised_in_the_report(
    registered, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    path = write_kind(
        tmp_path / "insatser.csv",
        "insatser",
        [
            [ANNA, "praktik", "2024-02-01", "", '=HYPERLINK("http://x")'],
            [ANNA, "praktik", "2024-02-01", "", "@SUM(1)"],
        ],
    )
    result = run_import(registered["AMN"], "insatser", path, accept_valid=True)
    assert Episode.objects.get().detail == '=HYPERLINK("http://x")'

    from helhetsbild.imports.report import write_report_csv

    report = tmp_path / "rapport.csv"
    with report.open("w", encoding="utf-8", newline="") as handle:
        write_report_csv(handle, "=cmd|' /C calc'!A0", result.issues)
    cells = [
        cell for row in csv.reader(report.open(encoding="utf-8"), delimiter=";") for cell in row
    ]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_a_samordningsnummer_that_became_a_personnummer_is_one_person(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    old = personnummer("19920407", "984", coordination=True)
    new = personnummer("19920407", "986")
    early = write_kind(tmp_path / "p1.csv", "personer", [[old, "M", "1992-04-07", "", "", ""]])
    run_import(registered["KS"], "personer", early)
    run_import(
        registered["AMN"],
        "insatser",
        write_kind(tmp_path / "i1.csv", "insatser", [[old, "kartläggning", "2023-01-10", "", ""]]),
    )

    later = write_kind(tmp_path / "p2.csv", "personer", [[new, "M", "1992-04-07", "", "", old]])
    assert run_import(registered["KS"], "personer", later).state == BatchState.COMMITTED
    run_import(
        registered["AMN"],
        "insatser",
        write_kind(tmp_path / "i2.csv", "insatser", [[old, "rusta", "2023-03-01", "", ""]]),
    )

    successor = Person.objects.get(pseudonym=pseudonym(parse_personnummer(new, today=TODAY)))
    predecessor = Person.objects.get(pseudonym=pseudonym(parse_personnummer(old, today=TODAY)))
    assert predecessor.successor_id == successor.pk
    assert Episode.objects.get(kind="preparing").person_id == successor.pk


def test_a_latin1_file_is_read_without_garbling(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = write_kind(
        tmp_path / "insatser.csv",
        "insatser",
        [[ANNA, "förstahandskontrakt", "2024-02-01", "", "Bostadsbolaget Väst"]],
        encoding="cp1252",
    )
    result = run_import(registered["KS"], "insatser", path)
    assert result.state == BatchState.COMMITTED
    assert any("Windows-1252" in note for note in result.notes)
    assert Episode.objects.get().detail == "Bostadsbolaget Väst"


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_the_delimiter_is_detected(registered, tmp_path, delimiter: str) -> None:  # type: ignore[no-untyped-def]
    path = write_kind(
        tmp_path / "f.csv",
        "forsorjningsstod",
        [["H7", ANNA, "2024-03", "8 450,50"]],
        delimiter=delimiter,
    )
    result = run_import(registered["SN"], "forsorjningsstod", path)
    assert result.state == BatchState.COMMITTED, result.issues
    from helhetsbild.register.models import AssistancePayment

    assert str(AssistancePayment.objects.get().amount) == "8450.50"


def test_a_committee_restricted_by_an_admin_cannot_import_that_kind(
    registered, persons_file
) -> None:  # type: ignore[no-untyped-def]
    registered["UN"].import_kinds = ["sfi"]
    registered["UN"].save()
    result = run_import(registered["UN"], "personer", persons_file)
    assert result.state == BatchState.REJECTED
    assert "får inte importera" in result.issues[0].reason


def test_both_numbers_of_one_person_in_one_file_make_one_record(registered, tmp_path) -> None:  # type: ignore[no-untyped-def]
    old = personnummer("19920407", "984", coordination=True)
    new = personnummer("19920407", "986")
    link = write_kind(tmp_path / "p.csv", "personer", [[new, "M", "1992-04-07", "", "", old]])
    run_import(registered["KS"], "personer", link)
    both = write_kind(
        tmp_path / "i.csv",
        "insatser",
        [
            [old, "rusta", "2023-03-01", "", "först"],
            [new, "rusta", "2023-03-01", "", "sedan"],
        ],
    )

    result = run_import(registered["AMN"], "insatser", both)

    assert result.state == BatchState.COMMITTED
    assert list(Episode.objects.values_list("detail", flat=True)) == ["sedan"]
