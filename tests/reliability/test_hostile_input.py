"""Hostile and careless input: formulas and script in what is imported, oversized and packed
files, path traversal in file names, wrong encodings, and the crashes and silent changes the
campaign found (docs/reliability.md). Each is refused or neutralised with a clear message.

tests/imports/ already covers the reader's side of several of these (a formula in a code cell,
a Latin-1 file, mojibake, an oversized file, a zip bomb of zeros, a broken quote); the tests here
go through the pages, the command line and the downloads a user meets."""

import csv
import hashlib
import io
import re
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.html import escape
from openpyxl import Workbook, load_workbook

from helhetsbild.analysis import downloads, engine
from helhetsbild.analysis.selectors import catalogue_for
from helhetsbild.analysis.store import build_store
from helhetsbild.imports.models import BatchState, ImportBatch, QuarantineRow
from helhetsbild.imports.report import FORMULA_PREFIXES
from helhetsbild.organisation.models import Committee, Role
from helhetsbild.register.identity import parse_personnummer, pseudonym
from helhetsbild.register.models import Person, PersonRecord, Settlement
from tests.analysis.test_pages import logged_in
from tests.cli_support import SCRIPT, cli_env, run_cli
from tests.factories import (
    TODAY,
    caseworker,
    make_user,
    personnummer,
    run_import,
    write_kind,
)

pytestmark = pytest.mark.django_db

ANNA = personnummer("19900101", "980")
BERIT = personnummer("19850505", "982")
SCRIPT_TAG = "<script>alert(1)</script>"
IMAGE_TAG = '"><img src=x onerror=alert(1)>'
FORMULA = '=HYPERLINK("http://example.invalid","klicka")'
NUMBER = re.compile(r"^-?\d+(,\d+)?$")


def register_anna_and_berit(committees: dict[str, Committee], folder: Path) -> None:
    rows = [[ANNA, "K", "1990-01-01", "", "", ""], [BERIT, "K", "1985-05-05", "", "", ""]]
    run_import(committees["KS"], "personer", write_kind(folder / "p.csv", "personer", rows))


def person_id(number: str) -> int:
    return Person.objects.get(pseudonym=pseudonym(parse_personnummer(number, today=TODAY))).pk


def files_in(folder: Path) -> set[str]:
    """The data folder is shared by the session's tests: compare what a test adds."""
    return {path.name for path in folder.iterdir()} if folder.exists() else set()


def landed_outside(data_dir: Path, name: str) -> list[Path]:
    """Where a file would be if `name` had been followed from any folder the import writes in,
    and every file under the data folder named like its last part: none should exist."""
    relative = name.replace("\\", "/")
    folders = (data_dir, data_dir / "imports", data_dir / "uploads")
    targets = [(folder / relative).resolve() for folder in folders]
    last = relative.rsplit("/", 1)[-1]
    return [path for path in targets if path.exists()] + list(data_dir.rglob(last))


def csv_cells(content: bytes) -> list[str]:
    rows = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    return [cell for row in rows for cell in row]


def runs_as_formula(text: str) -> bool:
    """What a spreadsheet would start to evaluate; a plain negative number is just a number."""
    return text.startswith(FORMULA_PREFIXES) and not NUMBER.match(text)


def upload(client: Client, committee: Committee, kind: str, name: str, content: bytes, **options):  # type: ignore[no-untyped-def]
    data = {"committee": committee.pk, "kind": kind, "file": SimpleUploadedFile(name, content)}
    data.update({option: "on" for option, chosen in options.items() if chosen})
    return client.post(reverse("imports:upload"), data, follow=True)


# Formula injection: cells that a spreadsheet would run, in every file the application writes.


def test_formulas_in_a_refused_file_are_neutralised_in_its_report_download(
    committees, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    register_anna_and_berit(committees, tmp_path)
    path = write_kind(
        tmp_path / "@SUM(A1).csv",
        "insatser",
        [
            [ANNA, "=1+1", "2024-01-01", "", "x"],
            [ANNA, "praktik", "+1+1", "@SUM(A1)", FORMULA],
            [ANNA, "praktik", "2024-02-01", "-2+3", "\t=1"],
        ],
    )
    batch_id = run_import(committees["AMN"], "insatser", path).batch_id

    response = logged_in(caseworker(committees["AMN"])).get(
        reverse("imports:batch_report_csv", args=[batch_id])
    )

    cells = csv_cells(response.content)
    assert [cell for cell in cells if runs_as_formula(cell)] == []
    for hostile in ("'@SUM(A1).csv", "'=1+1", "'+1+1", "'@SUM(A1)", "'-2+3"):
        assert hostile in cells


def test_formulas_in_quarantined_rows_are_neutralised_in_the_quarantine_download(
    committees, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    register_anna_and_berit(committees, tmp_path)
    path = write_kind(
        tmp_path / "f.csv",
        "forsorjningsstod",
        [
            ["H1", BERIT, "2024-03", "9000"],
            ["=1+1", BERIT, "=2024-03", "@1"],
            [FORMULA, ANNA, "-1", "+1"],
        ],
    )
    batch_id = run_import(committees["SN"], "forsorjningsstod", path, accept_valid=True).batch_id
    assert QuarantineRow.objects.count() == 2

    response = logged_in(caseworker(committees["SN"])).get(
        reverse("imports:quarantine_csv", args=[batch_id])
    )

    cells = csv_cells(response.content)
    assert [cell for cell in cells if runs_as_formula(cell)] == []
    assert {"'=1+1", "'=2024-03", "'@1", "'" + FORMULA, "'-1", "'+1"} <= set(cells)


def test_no_imported_text_reaches_the_indicator_downloads(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The downloads carry catalogue labels and numbers only; formula-shaped household ids and
    free text in the register stay behind (tests/analysis/test_downloads.py shows a formula in a
    cell would be neutralised all the same)."""
    register_anna_and_berit(committees, tmp_path)
    settled = [
        [ANNA, "2024-01-10", "anvisad", FORMULA, ""],
        [BERIT, "2024-01-10", "ebo", "=1+1", ""],
    ]
    run_import(
        committees["KS"], "mottagande", write_kind(tmp_path / "m.csv", "mottagande", settled)
    )
    run_import(
        committees["AMN"],
        "insatser",
        write_kind(tmp_path / "i.csv", "insatser", [[ANNA, "arbete", "2024-03-01", "", FORMULA]]),
    )
    run_import(
        committees["SN"],
        "forsorjningsstod",
        write_kind(tmp_path / "f.csv", "forsorjningsstod", [["=1+1", BERIT, "2024-03", "100"]]),
    )
    build_store(actor=None, reference_date=TODAY)
    engine._cache.clear()
    client = logged_in(make_user(Role.READER))
    published = 0

    for item in catalogue_for(None):
        csv_file, xlsx_file = (
            client.get(reverse("analysis:download", args=[item.id, file_format]))
            for file_format in ("csv", "xlsx")
        )
        assert csv_file.status_code == xlsx_file.status_code == 200, item.id
        cells = csv_cells(csv_file.content)
        published += len(cells) - len(downloads.headers())
        assert [cell for cell in cells if runs_as_formula(cell)] == [], item.id
        assert not any("HYPERLINK" in cell or "=1+1" in cell for cell in cells), item.id
        book = load_workbook(io.BytesIO(xlsx_file.content))
        values = [cell for row in book.active.iter_rows() for cell in row]  # type: ignore[union-attr]
        assert [cell.coordinate for cell in values if cell.data_type == "f"] == [], item.id
        texts = [cell.value for cell in values if isinstance(cell.value, str)]
        assert [text for text in texts if runs_as_formula(text)] == [], item.id
    assert published > 0
    engine._cache.clear()


# Script payloads: every text that came from a file, an administrator or a user is escaped.


@pytest.fixture
def hostile_world(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Committee names, a user's name, household ids, an episode's detail, a file name, a row
    in a report and a quarantined value, each holding a script payload."""
    for code, payload in (("KS", SCRIPT_TAG), ("AMN", IMAGE_TAG), ("SN", SCRIPT_TAG)):
        Committee.objects.filter(code=code).update(name=f"Nämnd {payload}")
        committees[code].refresh_from_db()
    register_anna_and_berit(committees, tmp_path)
    settled = [[ANNA, "2024-01-10", "anvisad", IMAGE_TAG, ""]]
    run_import(
        committees["KS"], "mottagande", write_kind(tmp_path / "m.csv", "mottagande", settled)
    )
    run_import(
        committees["AMN"],
        "insatser",
        write_kind(
            tmp_path / f"{IMAGE_TAG}.csv",
            "insatser",
            [[ANNA, "praktik", "2024-02-01", "", SCRIPT_TAG]],
        ),
    )
    refused = run_import(
        committees["AMN"],
        "insatser",
        write_kind(tmp_path / "fel.csv", "insatser", [[ANNA, SCRIPT_TAG, "2024-02-01", "", ""]]),
    )
    partial = run_import(
        committees["SN"],
        "forsorjningsstod",
        write_kind(
            tmp_path / "f.csv",
            "forsorjningsstod",
            [[SCRIPT_TAG, BERIT, "2024-03", "100"], [IMAGE_TAG, BERIT, "2024-13", "1"]],
        ),
        accept_valid=True,
    )
    build_store(actor=None, reference_date=TODAY)
    engine._cache.clear()
    named = caseworker(committees["KS"])
    named.first_name = IMAGE_TAG
    named.save()
    yield {
        "committees": committees,
        "named": ImportBatch.objects.get(file_name__startswith='"><img').pk,
        "refused": refused.batch_id,
        "partial": partial.batch_id,
        "quarantined": QuarantineRow.objects.get().pk,
    }
    engine._cache.clear()


def test_script_payloads_are_escaped_on_every_page_that_shows_them(hostile_world) -> None:  # type: ignore[no-untyped-def]
    committees = hostile_world["committees"]
    ks, amn, sn = (caseworker(committees[code]) for code in ("KS", "AMN", "SN"))
    anna, berit = person_id(ANNA), person_id(BERIT)
    pages = [
        # (who, page, the payloads it shows)
        (ks, reverse("home"), {SCRIPT_TAG, IMAGE_TAG}),  # committee name, user's name
        (ks, reverse("register:persons", args=["KS"]), {SCRIPT_TAG}),
        (ks, reverse("register:person", args=["KS", anna]), {SCRIPT_TAG, IMAGE_TAG}),
        (amn, reverse("register:person", args=["AMN", anna]), {SCRIPT_TAG, IMAGE_TAG}),
        (amn, reverse("imports:history"), {IMAGE_TAG}),
        (amn, reverse("imports:batch", args=[hostile_world["named"]]), {IMAGE_TAG}),
        (amn, reverse("imports:batch", args=[hostile_world["refused"]]), {SCRIPT_TAG, IMAGE_TAG}),
        (sn, reverse("register:person", args=["SN", berit]), {SCRIPT_TAG}),
        (sn, reverse("imports:quarantine_row", args=[hostile_world["quarantined"]]), {IMAGE_TAG}),
        (make_user(Role.READER), reverse("analysis:overview"), {SCRIPT_TAG, IMAGE_TAG}),
    ]
    for user, url, shown in pages:
        response = logged_in(user).get(url)
        assert response.status_code == 200, url
        for payload in (SCRIPT_TAG, IMAGE_TAG):
            assert payload not in response.text, (url, payload)
        for payload in shown:
            assert escape(payload) in response.text, (url, payload)


def test_script_payloads_in_an_uploaded_file_are_escaped_in_the_report(
    committees, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    register_anna_and_berit(committees, tmp_path)
    path = write_kind(tmp_path / "i.csv", "insatser", [[ANNA, SCRIPT_TAG, IMAGE_TAG, "", ""]])

    response = upload(
        logged_in(caseworker(committees["AMN"])),
        committees["AMN"],
        "insatser",
        "insatser.csv",
        path.read_bytes(),
        dry_run=True,
    )

    assert "Provkörning" in response.text
    assert SCRIPT_TAG not in response.text and IMAGE_TAG not in response.text
    assert escape(SCRIPT_TAG) in response.text and escape(IMAGE_TAG) in response.text


def test_downloads_holding_payloads_are_attachments_a_browser_never_renders(hostile_world) -> None:  # type: ignore[no-untyped-def]
    committees = hostile_world["committees"]
    for code, url in (
        ("AMN", reverse("imports:batch_report_csv", args=[hostile_world["refused"]])),
        ("SN", reverse("imports:quarantine_csv", args=[hostile_world["partial"]])),
    ):
        response = logged_in(caseworker(committees[code])).get(url)
        assert response["Content-Type"].startswith("text/csv"), url
        assert response["Content-Disposition"].startswith("attachment;"), url
        assert response["X-Content-Type-Options"] == "nosniff", url


# Oversized and packed files.


def test_an_oversized_upload_is_refused_with_a_swedish_message(
    committees, tmp_path: Path, data_dir: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    kept = files_in(data_dir / "imports")
    content = (
        b"personnummer;k\xc3\xb6n;f\xc3\xb6delsedatum\n"
        + f"{ANNA};K;1990-01-01\n".encode() * 60_000
    )

    response = upload(
        logged_in(caseworker(committees["KS"])), committees["KS"], "personer", "stor.csv", content
    )

    assert "största tillåtna storlek är 1 MB" in response.text
    assert Person.objects.count() == 0 and ImportBatch.objects.count() == 0
    assert list((data_dir / "uploads").iterdir()) == []
    assert files_in(data_dir / "imports") == kept


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_oversized_file_is_refused_at_the_command_line(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = write_kind(tmp_path / "p.csv", "personer", [[ANNA, "K", "1990-01-01", "", "", ""]] * 50)
    done = subprocess.run(
        [str(SCRIPT), "import", "--kind", "personer", "--committee", "KS", str(path)],
        env={**cli_env(), "HELHETSBILD_IMPORT_MAX_BYTES": "1000"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 1, done.stdout + done.stderr
    assert "största tillåtna storlek" in done.stdout and "Traceback" not in done.stderr
    assert Person.objects.count() == 0


def workbook_bytes(rows: list[list[str]], sheet: str = "personer") -> bytes:
    book = Workbook()
    book.active.title = sheet  # type: ignore[union-attr]
    for row in rows:
        book.active.append(row)  # type: ignore[union-attr]
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


WORKSHEET = "xl/worksheets/sheet1.xml"


def with_padded_worksheet(workbook: bytes, padding: int) -> bytes:
    """The same workbook with its worksheet followed by `padding` spaces, which XML allows and
    which deflate packs a thousand to one: a real workbook that unpacks to far too much."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(workbook)) as source,
        zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info.filename)
            target.writestr(
                info.filename, data + b" " * padding if info.filename == WORKSHEET else data
            )
    return out.getvalue()


def understating(archive: bytes, member: str, size: int) -> bytes:
    """The archive claiming that `member` unpacks to `size` bytes, in both of the zip's headers."""
    data = bytearray(archive)
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        offset = zipped.getinfo(member).header_offset
    data[offset + 22 : offset + 26] = size.to_bytes(4, "little")  # the local file header
    at = data.find(b"PK\x01\x02")
    while at != -1:  # the central directory entries
        name_length = int.from_bytes(data[at + 28 : at + 30], "little")
        if data[at + 46 : at + 46 + name_length] == member.encode():
            data[at + 24 : at + 28] = size.to_bytes(4, "little")
        at = data.find(b"PK\x01\x02", at + 4)
    return bytes(data)


def test_a_zip_bomb_workbook_is_refused_through_the_upload_page(committees) -> None:  # type: ignore[no-untyped-def]
    bomb = with_padded_worksheet(
        workbook_bytes([["personnummer", "kön", "födelsedatum"], [ANNA, "K", "1990-01-01"]]),
        padding=60 * 1024 * 1024,
    )
    assert len(bomb) < 200 * 1024

    response = upload(
        logged_in(caseworker(committees["KS"])), committees["KS"], "personer", "bomb.xlsx", bomb
    )

    assert "packas upp till 60 MB, orimligt mycket för sin storlek" in response.text
    assert Person.objects.count() == 0
    assert ImportBatch.objects.get().state == BatchState.REJECTED


def a_workbook() -> bytes:
    return workbook_bytes(
        [["personnummer", "kön", "födelsedatum"], *([ANNA, "K", "1990-01-01"] for _ in range(300))]
    )


def damaged_in_transfer() -> bytes:
    """One byte of the worksheet's packed data flipped; the zip's directory is intact."""
    good = a_workbook()
    with zipfile.ZipFile(io.BytesIO(good)) as zipped:
        info = zipped.getinfo(WORKSHEET)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    damaged = bytearray(good)
    damaged[start + info.compress_size // 2] ^= 0xFF
    return bytes(damaged)


def understated_bomb() -> bytes:
    """A zip bomb whose directory says the worksheet unpacks to its unpadded size."""
    good = a_workbook()
    with zipfile.ZipFile(io.BytesIO(good)) as zipped:
        size = len(zipped.read(WORKSHEET))
    return understating(with_padded_worksheet(good, padding=60 * 1024 * 1024), WORKSHEET, size)


@pytest.mark.parametrize("damaged", [damaged_in_transfer, understated_bomb])
def test_a_damaged_workbook_is_refused_with_a_swedish_message(
    committees, tmp_path: Path, damaged: Callable[[], bytes]
) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "skadad.xlsx"
    path.write_bytes(damaged())

    result = run_import(committees["KS"], "personer", path)

    assert result.state == BatchState.REJECTED
    assert [line.row for line in result.issues] == [0]
    assert Person.objects.count() == 0


def test_a_header_line_with_a_field_over_a_megabyte_is_refused(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.csv"
    path.write_bytes(b"personnummer;k\xc3\xb6n;" + b"x" * (2 * 1024 * 1024) + b"\n")

    result = run_import(committees["KS"], "personer", path)

    assert result.state == BatchState.REJECTED and result.issues[0].row in (0, 1)


# File names that try to climb out of the data folder.


@pytest.mark.parametrize("name", ["../../etc/passwd.csv", "..\\..\\windows\\win.ini.csv"])
def test_a_traversing_upload_name_stores_the_original_only_under_its_hash(
    committees, data_dir: Path, name: str
) -> None:  # type: ignore[no-untyped-def]
    content = "personnummer;kön;födelsedatum\n".encode() + f"{ANNA};K;1990-01-01\n".encode()
    kept = files_in(data_dir / "imports")

    upload(logged_in(caseworker(committees["KS"])), committees["KS"], "personer", name, content)

    batch = ImportBatch.objects.get()
    assert batch.state == BatchState.COMMITTED
    assert "/" not in batch.file_name and "\\" not in batch.file_name
    assert not batch.file_name.startswith(".")
    assert landed_outside(data_dir, name) == []
    original = f"{hashlib.sha256(content).hexdigest()}.csv"
    assert (data_dir / "imports" / original).read_bytes() == content
    assert files_in(data_dir / "imports") - kept <= {original}
    assert list((data_dir / "uploads").iterdir()) == []


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_traversing_path_at_the_command_line_stores_the_original_only_under_its_hash(
    committees, tmp_path: Path, data_dir: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "a" / "b"
    folder.mkdir(parents=True)
    path = write_kind(
        folder / "..\\..\\passwd.csv", "personer", [[ANNA, "K", "1990-01-01", "", "", ""]]
    )
    climbing = folder / ".." / ".." / "a" / "b" / path.name
    kept = files_in(data_dir / "imports")

    done = run_cli(
        "import", "--kind", "personer", "--committee", "KS", "--no-analyse", str(climbing)
    )

    assert done.returncode == 0, done.stdout + done.stderr
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert files_in(data_dir / "imports") - kept == {f"{sha}.csv"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a"]
    assert landed_outside(data_dir, path.name) == []
    assert ImportBatch.objects.get().file_name == "..\\..\\passwd.csv"


# Encodings.


UTF16_EXPORT = ("personnummer\tkön\tfödelsedatum\r\n" + f"{ANNA}\tK\t1990-01-01\r\n").encode(
    "utf-16"
)


def test_a_utf16_file_is_refused_and_nothing_is_saved(committees) -> None:  # type: ignore[no-untyped-def]
    """Excel's "Unicode-text" export: UTF-16 with a byte-order mark, tab-separated."""
    response = upload(
        logged_in(caseworker(committees["KS"])), committees["KS"], "personer", "p.txt", UTF16_EXPORT
    )

    assert "Filen avvisades och ingenting sparades" in response.text
    assert Person.objects.count() == 0


def test_a_utf16_file_is_told_to_be_saved_as_utf8(committees, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.txt"
    path.write_bytes(UTF16_EXPORT)

    result = run_import(committees["KS"], "personer", path)

    assert result.state == BatchState.REJECTED
    assert "UTF-8" in result.issues[0].reason


# Careless values that change data silently.


@pytest.mark.parametrize(
    "digits", ["٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９"], ids=["arabic-indic", "fullwidth"]
)
def test_a_personnummer_in_other_digits_is_the_same_person_or_refused(
    committees, tmp_path: Path, digits: str
) -> None:  # type: ignore[no-untyped-def]
    register_anna_and_berit(committees, tmp_path)
    written = ANNA.translate(str.maketrans("0123456789", digits))
    path = write_kind(tmp_path / "p2.csv", "personer", [[written, "K", "1990-01-01", "", "", ""]])

    result = run_import(committees["SN"], "personer", path)

    if result.state == BatchState.REJECTED:
        assert [(line.row, line.column) for line in result.issues] == [(2, "personnummer")]
    else:
        assert Person.objects.count() == 2
        assert set(PersonRecord.objects.values_list("person_id", flat=True)) == {
            person_id(ANNA),
            person_id(BERIT),
        }


def test_a_household_id_longer_than_the_column_is_refused_or_kept_whole(
    committees, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    register_anna_and_berit(committees, tmp_path)
    household = "hushåll-" + "7" * 92
    path = write_kind(
        tmp_path / "m.csv", "mottagande", [[ANNA, "2024-01-10", "anvisad", household, ""]]
    )

    result = run_import(committees["KS"], "mottagande", path)

    if result.state == BatchState.REJECTED:
        assert [(line.row, line.column) for line in result.issues] == [(2, "hushåll")]
    else:
        assert Settlement.objects.get().household == household
