"""Reading a source file as rows of text, whatever its encoding, delimiter or format.

Everything here streams: the file is read once in binary to hash it and to decide its encoding,
then once more as rows. Nothing holds a whole file in memory.
"""

import codecs
import csv
import datetime as dt
import hashlib
import io
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from xml.etree import ElementTree

from django.conf import settings
from django.utils.translation import gettext as _

from helhetsbild.imports.formats import Kind

CHUNK_BYTES = 1024 * 1024
DELIMITERS = (";", ",", "\t")
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"
UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# What openpyxl lets through from a workbook whose zip directory is whole but whose parts are not.
DAMAGED_XLSX = (ElementTree.ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError)
# UTF-8 text that was decoded as Latin-1 once and saved again: å, ä, ö, Å, Ä, Ö, é.
MOJIBAKE = re.compile("Ã[¥¤¶…„–©]")
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3
XLSX_MAX_RATIO = 200
csv.field_size_limit(1024 * 1024)


class FileRejected(Exception):
    """The file as a whole cannot be read; the message is Swedish and names the problem."""


@dataclass
class SourceFile:
    path: Path
    name: str
    sha256: str
    size: int
    format: str  # "csv" or "xlsx"
    encoding: str = ""
    notes: list[str] = field(default_factory=list)


@dataclass
class RowStream:
    """The header as written in the file, then (row number, cells) in the order of the header."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    delimiter: str = ""
    position: Callable[[], int] = lambda: 0


def normalise_header(text: str) -> str:
    return " ".join(text.replace("\ufeff", "").split()).casefold()


def inspect(path: Path, name: str) -> SourceFile:
    """Hash the file and decide how to read it, in one pass over its bytes."""
    size = path.stat().st_size
    if size == 0:
        raise FileRejected(_("Filen är tom."))
    if size > settings.IMPORT_MAX_BYTES:
        raise FileRejected(
            _("Filen är %(size)s MB; största tillåtna storlek är %(limit)s MB.")
            % {"size": size // 1024**2, "limit": settings.IMPORT_MAX_BYTES // 1024**2}
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(UTF16_BOMS):
        raise FileRejected(
            _(
                "Filen är sparad som UTF-16 (i Excel: 'Unicode-text'). Spara den som "
                "CSV UTF-8 i stället."
            )
        )
    if head.startswith(OLE_MAGIC):
        raise FileRejected(
            _("Filen är i det gamla Excel-formatet (.xls). Spara den som .xlsx eller CSV.")
        )
    if head.startswith(XLSX_MAGIC):
        return SourceFile(path, name, _sha256(path), size, "xlsx", encoding="xlsx")
    return _inspect_text(path, name, size)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _inspect_text(path: Path, name: str, size: int) -> SourceFile:
    digest = hashlib.sha256()
    utf8 = codecs.getincrementaldecoder("utf-8")()
    cp1252 = codecs.getincrementaldecoder("cp1252")()
    is_utf8 = is_cp1252 = True
    mojibake = False
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            if b"\x00" in chunk:
                raise FileRejected(
                    _("Filen innehåller binära data (NUL-tecken) och är ingen textfil.")
                )
            if is_utf8:
                try:
                    mojibake = mojibake or bool(MOJIBAKE.search(utf8.decode(chunk)))
                except UnicodeDecodeError:
                    is_utf8 = False
            if is_cp1252:
                try:
                    cp1252.decode(chunk)
                except UnicodeDecodeError:
                    is_cp1252 = False
    # A file may end inside a character that its last chunk began.
    is_utf8 = is_utf8 and _ends_whole(utf8)
    source = SourceFile(path, name, digest.hexdigest(), size, "csv")
    if is_utf8 and mojibake:
        raise FileRejected(
            _(
                "Filen är felkodad: å, ä och ö har blivit till tecken som 'Ã¥' och 'Ã¤'. "
                "Exportera filen på nytt som UTF-8."
            )
        )
    if is_utf8:
        source.encoding = "utf-8-sig"
    elif is_cp1252:
        source.encoding = "cp1252"
        source.notes.append(
            _("Filen var inte UTF-8 och lästes som Windows-1252 (Latin-1); kontrollera å, ä och ö.")
        )
    else:
        raise FileRejected(
            _("Filens teckenkodning känns inte igen. Spara den som UTF-8 (CSV UTF-8 i Excel).")
        )
    return source


def _ends_whole(decoder: codecs.IncrementalDecoder) -> bool:
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def store_original(source: SourceFile) -> Path:
    """Keep the original file under its hash, so that any batch can be traced to its bytes."""
    folder = Path(settings.DATA_DIR) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{source.sha256}.{source.format}"
    if not target.exists():
        partial = target.with_suffix(".part")
        try:
            shutil.copyfile(source.path, partial)
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)  # half a copy is no original
    return target


def open_rows(source: SourceFile, kind: Kind) -> RowStream:
    if source.format == "xlsx":
        return _xlsx_rows(source, kind)
    return _csv_rows(source, kind)


def _csv_rows(source: SourceFile, kind: Kind) -> RowStream:
    binary = source.path.open("rb")
    text = io.TextIOWrapper(binary, encoding=source.encoding, newline="")
    header_row, first_line = _first_nonblank_line(text)
    delimiter = _detect_delimiter(first_line, kind)
    header = next(csv.reader([first_line], delimiter=delimiter))
    return RowStream(
        header=header,
        rows=_csv_records(text, delimiter, binary, header_row),
        delimiter=delimiter,
        position=lambda: source.size if binary.closed else binary.tell(),
    )


def _first_nonblank_line(text: IO[str]) -> tuple[int, str]:
    row_number = 0
    while line := text.readline():
        row_number += 1
        if line.strip():
            return row_number, line.rstrip("\r\n")
    raise FileRejected(_("Filen saknar rubrikrad."))


def _detect_delimiter(line: str, kind: Kind) -> str:
    """The delimiter under which the header names the most known columns."""
    known = {normalise_header(header) for header in kind.headers}

    def score(delimiter: str) -> tuple[int, int]:
        try:
            cells = next(csv.reader([line], delimiter=delimiter))
        except csv.Error:  # e.g. a field beyond the csv module's size limit
            return 0, 0
        return sum(normalise_header(cell) in known for cell in cells), len(cells)

    best = max(DELIMITERS, key=score)
    if score(best)[0] == 0:
        raise FileRejected(
            _(
                "Rubrikraden '%(line)s' innehåller inga kända kolumner för %(kind)s, med "
                "semikolon, komma eller tabb som avgränsare. Väntade kolumner: %(expected)s."
            )
            % {"line": line[:200], "kind": kind.label, "expected": ", ".join(kind.headers)}
        )
    return best


def _csv_records(
    text: IO[str], delimiter: str, binary: IO[bytes], header_row: int
) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(text, delimiter=delimiter)
    row_number = header_row
    try:
        for cells in reader:
            row_number += 1
            if any(cell.strip() for cell in cells):
                yield row_number, cells
    except csv.Error as error:
        raise FileRejected(
            _("Rad %(row)s kan inte läsas som CSV (%(error)s).")
            % {"row": row_number + 1, "error": error}
        ) from None
    finally:
        binary.close()


def _xlsx_rows(source: SourceFile, kind: Kind) -> RowStream:
    from openpyxl import load_workbook

    _refuse_zip_bomb(source.path)
    try:
        workbook = load_workbook(source.path, read_only=True, data_only=False)
    except Exception:
        raise FileRejected(_("Filen kan inte läsas som en Excel-fil (.xlsx).")) from None
    sheet = _pick_sheet(workbook, kind)
    rows = sheet.iter_rows(values_only=True)
    try:
        header_row, header = _xlsx_header(rows)
    except DAMAGED_XLSX:
        workbook.close()
        raise FileRejected(_("Filen kan inte läsas som en Excel-fil (.xlsx).")) from None
    if header is None:
        workbook.close()
        raise FileRejected(_("Bladet '%(sheet)s' saknar rubrikrad.") % {"sheet": sheet.title})
    return RowStream(header=header, rows=_xlsx_records(rows, workbook, header_row))


def _xlsx_header(rows: Iterator[tuple[Any, ...]]) -> tuple[int, list[str] | None]:
    header_row = 0
    for values in rows:
        header_row += 1
        if any(value not in (None, "") for value in values):
            return header_row, [_cell_text(value) for value in values]
    return header_row, None


def _refuse_zip_bomb(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise FileRejected(_("Filen kan inte läsas som en Excel-fil (.xlsx).")) from None
    if unpacked > XLSX_MAX_UNCOMPRESSED or unpacked > XLSX_MAX_RATIO * path.stat().st_size:
        raise FileRejected(
            _(
                "Excel-filen packas upp till %(size)s MB, orimligt mycket för sin storlek; "
                "den läses inte."
            )
            % {"size": unpacked // 1024**2}
        )


def _pick_sheet(workbook: Any, kind: Kind) -> Any:
    names = workbook.sheetnames
    for name in names:
        if name.strip().casefold() in {kind.name, kind.label.casefold()}:
            return workbook[name]
    if len(names) == 1:
        return workbook[names[0]]
    workbook.close()
    raise FileRejected(
        _("Arbetsboken har flera blad (%(sheets)s) men inget som heter '%(kind)s'.")
        % {"sheets": ", ".join(names), "kind": kind.name}
    )


def _xlsx_records(
    rows: Iterator[tuple[Any, ...]], workbook: Any, header_row: int
) -> Iterator[tuple[int, list[str]]]:
    row_number = header_row
    try:
        for row_number, values in enumerate(rows, start=header_row + 1):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield row_number, cells
    except DAMAGED_XLSX:
        raise FileRejected(
            _("Excel-filen är skadad efter rad %(row)s och kan inte läsas vidare.")
            % {"row": row_number}
        ) from None
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    """A cell as the text a CSV export would have held."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
