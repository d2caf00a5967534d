"""Reading files as they arrive from real systems: encodings, BOMs, Excel, and the hostile ones."""

import datetime as dt
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from helhetsbild.imports import reader
from helhetsbild.imports.formats import kind
from helhetsbild.imports.models import BatchState
from helhetsbild.register.models import Episode, PersonRecord
from tests.factories import personnummer, run_import

ANNA = personnummer("19900101", "980")
HEADER = "personnummer;kön;födelsedatum\n"


def rows_of(
    path: Path, kind_name: str = "personer"
) -> tuple[list[str], list[tuple[int, list[str]]]]:
    stream = reader.open_rows(reader.inspect(path, path.name), kind(kind_name))
    return stream.header, list(stream.rows)


def test_utf8_with_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_bytes(("\ufeff" + HEADER + f"{ANNA};K;1990-01-01\n").replace("\n", "\r\n").encode())
    header, rows = rows_of(path)
    assert reader.normalise_header(header[0]) == "personnummer"
    assert rows == [(2, [ANNA, "K", "1990-01-01"])]


def test_blank_lines_are_skipped_but_row_numbers_follow_the_file(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("\n" + HEADER + "\n" + f"{ANNA};K;1990-01-01\n", encoding="utf-8")
    _header, rows = rows_of(path)
    assert rows == [(4, [ANNA, "K", "1990-01-01"])]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Filen \xe4r tom"),
        ((HEADER + "Ã¥ngest;K;1990-01-01\n").encode(), "felkodad"),
        (HEADER.encode() + b"\x81\x8d\x8f\x90\x9d\xff\xfe", "teckenkodning k\xe4nns inte igen"),
        (HEADER.encode() + b"abc\x00def\n", "bin\xe4ra data"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "gamla Excel-formatet"),
        (b"namn|adress\nx|y\n", "inga k\xe4nda kolumner"),
        # Ends inside a UTF-8 character: not UTF-8, so read as Windows-1252 (it crashed once).
        (b"\xc2", "inga k\xe4nda kolumner"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "fil.csv"
    path.write_bytes(content)
    with pytest.raises(reader.FileRejected, match=message):
        rows_of(path)


def test_an_oversized_file_is_refused_before_it_is_read(tmp_path: Path, settings) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_BYTES = 100
    path = tmp_path / "stor.csv"
    path.write_text(HEADER + f"{ANNA};K;1990-01-01\n" * 10, encoding="utf-8")
    with pytest.raises(reader.FileRejected, match="största tillåtna"):
        reader.inspect(path, path.name)


def _workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


@pytest.mark.django_db
def test_xlsx_with_real_dates_numbers_and_a_formula(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _workbook(
        tmp_path / "export.xlsx",
        {
            "personer": [
                ["personnummer", "kön", "födelsedatum", "utbildningsnivå"],
                [int(ANNA.replace("-", "")), "K", dt.datetime(1990, 1, 1), "=A1"],
            ]
        },
    )
    result = run_import(committees["KS"], "personer", path)
    assert result.state == BatchState.REJECTED
    assert [(i.row, i.column, i.reason) for i in result.issues] == [
        (2, "utbildningsnivå", "är en formel, inte ett värde")
    ]


@pytest.mark.django_db
def test_xlsx_sheet_named_by_kind_is_chosen_among_several(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = _workbook(
        tmp_path / "allt.xlsx",
        {
            "Info": [["Export från Procapita"]],
            "personer": [["personnummer", "kön", "födelsedatum"], [ANNA, "K", dt.date(1990, 1, 1)]],
        },
    )
    assert run_import(committees["KS"], "personer", path).state == BatchState.COMMITTED
    assert str(PersonRecord.objects.get().birth_date) == "1990-01-01"


@pytest.mark.django_db
def test_formula_text_in_an_xlsx_text_cell_is_kept_as_text(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    run_import(
        committees["KS"],
        "personer",
        _workbook(
            tmp_path / "p.xlsx",
            {"personer": [["personnummer", "kön", "födelsedatum"], [ANNA, "K", "1990-01-01"]]},
        ),
    )
    path = _workbook(
        tmp_path / "i.xlsx",
        {
            "insatser": [
                ["personnummer", "insats", "startdatum", "detalj"],
                [ANNA, "praktik", "2024-01-02", "=1+1"],
            ]
        },
    )
    assert run_import(committees["AMN"], "insatser", path).state == BatchState.COMMITTED
    assert Episode.objects.get().detail == "=1+1"


def test_an_xlsx_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))
    with pytest.raises(reader.FileRejected, match="packas upp"):
        rows_of(path)


def test_a_broken_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "trasig.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"trasig" * 10)
    with pytest.raises(reader.FileRejected, match="Excel-fil"):
        rows_of(path)


def test_a_broken_quote_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "p.csv"
    path.write_text(
        HEADER + f'{ANNA};K;1990-01-01\n{ANNA};"K' + "x" * (2 * 1024 * 1024) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(reader.FileRejected, match="Rad 3"):
        rows_of(path)
