"""A bounded fuzzing run of the CSV and XLSX importers: whatever file arrives, the import answers
with a result, never an unhandled exception, and every complaint about a row names the row and
the column (docs/reliability.md).

Files are generated, not hand-written: headers right, wrong, shuffled or missing; cells that are
valid, empty, formulas, NUL, control characters, quotes, any Unicode, or very long; random
delimiters, quoting, line ends and encodings; and random bytes spliced into the result. XLSX
workbooks come from openpyxl with random sheet names and random cell types. Every import is a
dry run, which runs the whole pipeline, writes included, and rolls it back.

The runs are derandomized, so a failure is the same on every machine; raise the example counts
below for a longer campaign."""

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from helhetsbild.imports.formats import Column, Kind, kind, kinds
from helhetsbild.imports.models import BatchState, ImportBatch
from helhetsbild.imports.services import ImportResult, import_file
from helhetsbild.register.codes import code_list
from tests.factories import TODAY, personnummer, run_import, write_kind

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

CSV_EXAMPLES = 500
XLSX_EXAMPLES = 200
ANNA = personnummer("19900101", "980")
BERIT = personnummer("19850505", "982")
FORMULAS = ["=1+1", '=HYPERLINK("http://example.invalid","x")', "+1+1", "-2+3", "@SUM(A1)",
            "=cmd|' /C calc'!A0", "\t=1", "\r=1"]  # fmt: skip
# The text the fields are made of: any character but lone surrogates, which no decoder yields,
# and NUL, which makes the whole file binary; NUL comes in as one of the spliced bytes instead.
any_text = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=40)
fuzz = settings(
    max_examples=CSV_EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def registered(committees, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Two persons, so that files about persons can also be valid."""
    rows = [[ANNA, "K", "1990-01-01", "", "", ""], [BERIT, "K", "1985-05-05", "", "", ""]]
    run_import(committees["KS"], "personer", write_kind(tmp_path / "p.csv", "personer", rows))
    return committees


def valid_values(column: Column) -> list[str]:
    """What a careful export would write in the column."""
    if column.type == "personnummer":
        return [ANNA, BERIT, ANNA.replace("-", "")]
    if column.type == "date":
        return ["2024-01-02", "2020-12-31"]
    if column.type == "month":
        return ["2024-03"]
    if column.type == "amount":
        return ["8 450,50", "100", "0.5"]
    if column.type == "code":
        assert column.codes is not None
        return list(code_list(column.codes).values.values())
    return ["Lager", "H1"]


hostile_cell = st.one_of(
    st.sampled_from(FORMULAS),
    st.sampled_from(["", " ", '"', '""', "'", ";", ",", "\n", "\r\n", "Ã¥"]),
    any_text,
    st.integers(min_value=150, max_value=300_000).map(lambda n: "x" * n),
)


def often(draw: st.DrawFn, one_in: int = 4) -> bool:
    """False once in `one_in`: the careful case comes first, so that most files get as far as
    their rows, and the careless one still comes up often."""
    return draw(st.integers(0, one_in - 1)) > 0


@st.composite
def cell(draw: st.DrawFn, column: Column | None) -> str:
    if column is not None and often(draw):
        return draw(st.sampled_from(valid_values(column)))
    return draw(hostile_cell)


@st.composite
def table(draw: st.DrawFn, spec: Kind) -> list[list[str]]:
    """A header of known, shuffled, misspelt or unknown columns, then rows of any width."""
    headers = list(draw(st.permutations(spec.headers)))
    if not often(draw, one_in=8):
        headers = headers[: draw(st.integers(0, len(headers)))]
    spellings = [lambda h: h, lambda h: h.upper(), lambda h: f" {h} ", lambda h: h[:-1]]
    header_cells = [draw(st.sampled_from(spellings[:1] * 12 + spellings))(h) for h in headers]
    if not often(draw, one_in=8):
        header_cells += draw(st.lists(any_text, min_size=1, max_size=2))
    by_header = {column.header: column for column in spec.columns}
    columns = [by_header[h] for h in headers] + [None] * (len(header_cells) - len(headers))
    rows = []
    for _ in range(draw(st.integers(0, 8))):
        width = len(columns) if often(draw) else max(0, len(columns) + draw(st.integers(-1, 2)))
        rows.append([draw(cell(columns[i] if i < len(columns) else None)) for i in range(width)])
    return [header_cells, *rows]


def splice(data: bytes, cuts: list[tuple[float, bytes]]) -> bytes:
    """Random bytes written over the file at relative positions: a damaged transfer."""
    for where, junk in cuts:
        at = int(where * len(data))
        data = data[:at] + junk + data[at + len(junk) :]
    return data


junk_bytes = st.one_of(
    st.sampled_from([b'"', b"\r", b"\n", b";", b"\x00", b"\xff"]),
    st.binary(min_size=1, max_size=8),
)


@st.composite
def csv_file(draw: st.DrawFn, spec: Kind) -> bytes:
    if not often(draw, one_in=20):
        return draw(st.binary(max_size=2000))
    delimiter = draw(st.sampled_from([";", ";", ";", ",", ",", "\t", "|", " "]))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = io.StringIO()
    writer = csv.writer(
        text,
        delimiter=delimiter,
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONE])),
        escapechar="\\",
        lineterminator=line_end,
    )
    for row in draw(table(spec)):
        try:
            writer.writerow(row)
        except csv.Error:  # a row the chosen quoting cannot write goes in unquoted
            text.write(delimiter.join(row) + line_end)
    encodings = ["utf-8"] * 6 + ["utf-8-sig", "cp1252", "latin-1", "utf-16"]
    data = text.getvalue().encode(draw(st.sampled_from(encodings)), errors="replace")
    if often(draw):
        return data
    return splice(data, draw(st.lists(st.tuples(st.floats(0, 1), junk_bytes), max_size=3)))


def xlsx_text(text: str) -> str:
    """openpyxl refuses the control characters XML cannot hold; Excel cannot hold them either."""
    return ILLEGAL_CHARACTERS_RE.sub("?", text[:5000])


workbook_value = st.one_of(
    st.none(),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(dt.date(1800, 1, 1), dt.date(2100, 12, 31)),
    st.datetimes(dt.datetime(1900, 3, 1), dt.datetime(2100, 1, 1)),
    st.times(),
)
# Any name Excel allows: up to 31 characters, none of \\ * ? : / [ ], no apostrophe at the ends.
sheet_name = st.text(
    st.characters(exclude_categories=["Cs", "Cc"], exclude_characters="\\*?:/[]'"),
    min_size=1,
    max_size=31,
)


@st.composite
def xlsx_file(draw: st.DrawFn, spec: Kind) -> bytes:
    """The table in a sheet named for the kind (or not), cells as text or as Excel's own types
    (numbers, dates, times, booleans); text starting with = becomes a formula. Sometimes other
    sheets beside it."""
    header, *rows = draw(table(spec))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    names = [spec.name, spec.name, spec.label.upper(), "Blad1"]
    sheet.title = draw(st.sampled_from(names)) if often(draw) else draw(sheet_name)
    sheet.append([xlsx_text(value) for value in header])
    for row in rows:
        sheet.append([xlsx_text(v) if often(draw) else draw(workbook_value) for v in row])
    if not often(draw):
        for extra in draw(st.lists(sheet_name, min_size=1, max_size=2, unique=True)):
            if extra not in book.sheetnames:
                book.create_sheet(extra).append([draw(workbook_value), xlsx_text(draw(any_text))])
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


def dry_run(committees, tmp_path: Path, spec: Kind, data: bytes, suffix: str, accept_valid: bool):  # type: ignore[no-untyped-def]
    path = tmp_path / f"fil.{suffix}"
    path.write_bytes(data)
    return import_file(
        actor=None,
        committee=committees["KS"],
        kind=spec.name,
        path=path,
        file_name=path.name,
        dry_run=True,
        accept_valid=accept_valid,
        today=TODAY,
        analyse=False,
    )


def assert_clean_answer(result: ImportResult) -> None:
    """Imported, partly imported or refused, and each complaint something a person can act on."""
    event(f"{result.state}: " + ", ".join(sorted({outcome(line.row) for line in result.issues})))
    assert result.state in (BatchState.COMMITTED, BatchState.PARTIAL, BatchState.REJECTED)
    assert (result.state == BatchState.COMMITTED) == (result.issue_count == 0)
    for line in result.issues:
        assert line.reason.strip(), line
        if line.row > 0:
            # A cell names its column; a row of the wrong width says so instead.
            assert line.column or line.reason.startswith("raden har "), line


def outcome(row: int) -> str:
    """For the statistics (--hypothesis-show-statistics): how far into the file the import got."""
    return {0: "file", 1: "header"}.get(row, "rows")


kind_names = st.sampled_from(sorted(kinds()))


@fuzz
@given(data=st.data(), kind_name=kind_names, accept_valid=st.booleans())
def test_any_csv_gets_a_clean_answer(
    registered, tmp_path: Path, data, kind_name, accept_valid
) -> None:  # type: ignore[no-untyped-def]
    batches = ImportBatch.objects.count()
    spec = kind(kind_name)

    result = dry_run(registered, tmp_path, spec, data.draw(csv_file(spec)), "csv", accept_valid)

    assert_clean_answer(result)
    assert ImportBatch.objects.count() == batches


@settings(fuzz, max_examples=XLSX_EXAMPLES)
@given(data=st.data(), kind_name=kind_names, accept_valid=st.booleans())
def test_any_xlsx_workbook_gets_a_clean_answer(
    registered, tmp_path: Path, data, kind_name, accept_valid
) -> None:  # type: ignore[no-untyped-def]
    batches = ImportBatch.objects.count()
    spec = kind(kind_name)

    result = dry_run(registered, tmp_path, spec, data.draw(xlsx_file(spec)), "xlsx", accept_valid)

    assert_clean_answer(result)
    assert ImportBatch.objects.count() == batches
