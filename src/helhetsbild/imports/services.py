"""Importing one canonical file for one committee: all or nothing, or valid rows with the rest
in quarantine; idempotent by the file's SHA-256; streamed in chunks inside one transaction."""

import contextlib
import csv
import datetime as dt
import fcntl
import json
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus

from helhetsbild.accesslog import events
from helhetsbild.accesslog.services import access_event_record
from helhetsbild.analysis.tasks import store_rebuild_request
from helhetsbild.imports import reader
from helhetsbild.imports.formats import Kind
from helhetsbild.imports.formats import kind as kind_named
from helhetsbild.imports.models import (
    BatchState,
    ImportBatch,
    ImportIssue,
    QuarantineRow,
    QuarantineState,
)
from helhetsbild.imports.validation import CheckedRow, Problem, check_row, natural_key
from helhetsbild.imports.writer import UpsertWriter, concrete_field, converter
from helhetsbild.organisation.models import Committee
from helhetsbild.organisation.permissions import Action, committees_for
from helhetsbild.register.identity import decrypt_text, encrypt_text
from helhetsbild.register.services import identities_link, identities_resolve

CHUNK_ROWS = 5000
IDENTITY_FIELDS = ("person", "predecessor")
PREDECESSOR = "tidigare samordningsnummer"
MAX_STORED_ISSUES = 10_000
# A deadlock or serialization failure rolls one import back whole; it is run again this often.
DEADLOCK_ATTEMPTS = 3
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})
Progress = Callable[[int, int, int], None]  # rows so far, bytes read so far, file size


@dataclass
class ReportLine:
    row: int
    column: str
    value: str
    reason: str


@dataclass
class ImportResult:
    kind: str
    committee: str
    file_name: str
    state: str
    dry_run: bool
    sha256: str = ""
    rows: int = 0
    accepted: int = 0
    rejected: int = 0
    issue_count: int = 0
    issues: list[ReportLine] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    batch_id: int | None = None
    duplicate_of: int | None = None

    @property
    def succeeded(self) -> bool:
        return self.state in (BatchState.COMMITTED, BatchState.PARTIAL, BatchState.DUPLICATE)


class ImportFailed(Exception):
    """The import could not be carried out (a full disk, a lost database): nothing was saved.
    The message, in Swedish, says so and what to do."""


class _Undo(Exception):
    """Rolls back the batch's transaction: a rejected file or a dry run."""


def import_file(
    *,
    actor: User | None,
    committee: Committee,
    kind: str,
    path: Path,
    file_name: str,
    dry_run: bool = False,
    accept_valid: bool = False,
    progress: Progress | None = None,
    today: dt.date | None = None,
    analyse: bool = True,
) -> ImportResult:
    """Import `path` as `kind` for `committee`. `actor` None is the operator at the command line.

    With `analyse`, a committed import is followed by a rebuild of the analysis store, so that
    every page shows the register as it now is; a bulk load of several files passes False and
    rebuilds once at the end."""
    if (
        actor is not None
        and not committees_for(actor, Action.IMPORT_RUN).filter(pk=committee.pk).exists()
    ):
        raise PermissionDenied
    spec = kind_named(kind)
    result = ImportResult(kind, committee.code, file_name, BatchState.REJECTED, dry_run)
    if not committee.may_import(kind):
        return _refuse(
            result,
            _("Nämnden %(code)s får inte importera %(kind)s.")
            % {"code": committee.code, "kind": spec.label},
        )
    try:
        source = reader.inspect(path, file_name)
    except reader.FileRejected as error:
        return _refuse(result, str(error))
    result.sha256, result.notes = source.sha256, list(source.notes)
    if not dry_run:
        _keep_original(source)
    started = timezone.now()
    for attempt in range(1, DEADLOCK_ATTEMPTS + 1):
        run = _Run(spec, committee, source, today or timezone.localdate(), accept_valid, progress)
        try:
            duplicate = _write(run, result, actor=actor, dry_run=dry_run, started=started)
        except (OperationalError, InterfaceError) as error:
            if _deadlocked(error) and attempt < DEADLOCK_ATTEMPTS:
                continue  # PostgreSQL undid this attempt whole; the next one starts afresh
            raise ImportFailed(
                _(
                    "Importen avbröts eftersom databasen inte gick att skriva till (%(error)s). "
                    "Ingenting sparades; kör importen igen när felet är åtgärdat."
                )
                % {"error": _first_line(error)}
            ) from error
        if duplicate is not None:
            return duplicate
        break
    result = _result(result, run, actor=actor, committee=committee, source=source, started=started)
    if analyse and result.batch_id and result.state in (BatchState.COMMITTED, BatchState.PARTIAL):
        _refresh_analysis(result, result.batch_id, actor)
    return result


def _write(
    run: "_Run", result: ImportResult, *, actor: User | None, dry_run: bool, started: dt.datetime
) -> ImportResult | None:
    """The import's one transaction; returns the result at once for a file imported before."""
    committee, spec, source = run.committee, run.kind, run.source
    # _Undo rolls the transaction back: a dry run, or a file refused whole.
    with _import_lock(), contextlib.suppress(_Undo):
        try:
            with transaction.atomic():
                # One import at a time per committee, so that the same file sent twice at once
                # is imported once and recognised once.
                Committee.objects.select_for_update().filter(pk=committee.pk).first()
                earlier = _earlier_batch(committee, spec.name, source.sha256)
                if earlier is not None:
                    return _duplicate(result, earlier, actor=actor, committee=committee)
                batch = _new_batch(
                    committee, spec.name, **_source_fields(source), actor=actor, started=started
                )
                run.execute(batch)
                if dry_run or run.rejected:
                    raise _Undo
                _finish(batch, run, run.state)
                _resolve_quarantine(batch, run)
                result.batch_id = batch.pk
        except reader.FileRejected as error:
            run.add_file_problem(str(error))
    return None


def _keep_original(source: reader.SourceFile) -> None:
    try:
        reader.store_original(source)
    except OSError as error:
        raise ImportFailed(
            _(
                "Originalfilen kunde inte sparas (%(error)s); disken kan vara full. Ingenting "
                "sparades; kör importen igen när det finns plats."
            )
            % {"error": error.strerror or type(error).__name__}
        ) from error


def _deadlocked(error: Exception) -> bool:
    """PostgreSQL broke a deadlock (two committees registering the same new persons in different
    order) or a serialization conflict by aborting this transaction: safe to run again."""
    return getattr(error.__cause__, "sqlstate", None) in RETRYABLE_SQLSTATES


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:200]


def _refresh_analysis(result: ImportResult, batch_id: int, actor: User | None) -> None:
    """The import stands whatever happens here; a failed rebuild is reported, not raised."""
    rebuild = store_rebuild_request(None if actor is None else actor.pk, batch_id)
    if rebuild.status == TaskResultStatus.SUCCESSFUL and rebuild.return_value is None:
        result.notes.append(_("Analysdatabasen har redan byggts om med importens uppgifter."))
    elif rebuild.status == TaskResultStatus.SUCCESSFUL:
        result.notes.append(
            _("Analysdatabasen är ombyggd (bygge %(id)s).") % {"id": rebuild.return_value}
        )
    elif rebuild.status == TaskResultStatus.FAILED:
        result.notes.append(
            _(
                "Analysdatabasen kunde inte byggas om; den förra gäller tills vidare. "
                "Systemförvaltaren ser orsaken med helhetsbild status."
            )
        )
    else:
        result.notes.append(
            _(
                "Analysdatabasen byggs om i bakgrunden; sidorna visar de nya uppgifterna "
                "om en stund."
            )
        )


class _Run:
    """The state of one pass over a file: counts, the report so far, keys seen."""

    def __init__(
        self,
        kind: Kind,
        committee: Committee,
        source: reader.SourceFile,
        today: dt.date,
        accept_valid: bool,
        progress: Progress | None,
    ) -> None:
        self.kind, self.committee, self.source = kind, committee, source
        self.today, self.accept_valid, self.progress = today, accept_valid, progress
        self.rows = self.accepted = self.problem_rows = self.problem_count = 0
        self.report: list[ReportLine] = []
        self.seen: dict[int, int] = {}
        self.delimiter = ""
        self.fatal = False

    @property
    def rejected(self) -> bool:
        """A broken file or header is always refused; bad rows only without `accept_valid`."""
        return self.fatal or (self.problem_count > 0 and not self.accept_valid)

    @property
    def state(self) -> str:
        if self.rejected:
            return BatchState.REJECTED
        return BatchState.PARTIAL if self.problem_rows else BatchState.COMMITTED

    def execute(self, batch: ImportBatch) -> None:
        stream = reader.open_rows(self.source, self.kind)
        self.delimiter = stream.delimiter
        headers = self._check_header(stream.header)
        if self.problem_count:
            self.fatal = True
            raise _Undo
        present = {self.kind.column(h).field for h in headers if h is not None}
        data_columns = [c for c in self.kind.columns if c.field not in IDENTITY_FIELDS]
        key_fields = [self.kind.column(h).field for h in self.kind.key]
        writer = UpsertWriter(
            self.kind.model,
            key_fields,
            [c.field for c in data_columns],
            [c.field for c in data_columns if c.field in present],
        )
        self.converters = [
            (c.header, converter(concrete_field(self.kind.model, c.field))) for c in data_columns
        ]
        for chunk in _chunks(self._checked(stream, headers), CHUNK_ROWS):
            self._write_chunk(chunk, batch, writer)
            if self.progress:
                self.progress(self.rows, stream.position(), self.source.size)

    def _check_header(self, header: list[str]) -> list[str | None]:
        """Each file column's canonical header, None for blank trailing columns."""
        known = {reader.normalise_header(h): h for h in self.kind.headers}
        mapped: list[str | None] = []
        for text in header:
            name = reader.normalise_header(text)
            if not name:
                mapped.append(None)
            elif name not in known:
                self._problem(
                    1,
                    text,
                    "",
                    _("okänd kolumn; tillåtna kolumner är %(columns)s")
                    % {"columns": ", ".join(self.kind.headers)},
                )
                mapped.append(None)
            elif known[name] in mapped:
                self._problem(1, text, "", _("kolumnen förekommer mer än en gång"))
                mapped.append(None)
            else:
                mapped.append(known[name])
        for required in self.kind.required_headers:
            if required not in mapped:
                self._problem(1, required, "", _("obligatorisk kolumn saknas"))
        return mapped

    def _checked(self, stream: reader.RowStream, headers: list[str | None]) -> Iterator[CheckedRow]:
        width = len(headers)
        for row_number, cells in stream.rows:
            self.rows += 1
            raw = {
                h: cell.strip() for h, cell in zip(headers, cells, strict=False) if h is not None
            }
            if _misshapen(cells, width):
                yield CheckedRow(
                    row_number,
                    raw,
                    problems=[
                        Problem(
                            "",
                            "",
                            _(
                                "raden har %(found)s fält men rubrikraden har %(expected)s; "
                                "kontrollera avgränsare och citattecken"
                            )
                            % {"found": len(cells), "expected": width},
                        )
                    ],
                )
            else:
                yield check_row(self.kind, row_number, raw, self.today)

    def _write_chunk(
        self, chunk: list[CheckedRow], batch: ImportBatch, writer: UpsertWriter
    ) -> None:
        identity = self.kind.identity_column.header
        ok_rows = [row for row in chunk if row.ok]
        ids = identities_resolve(
            {row.values[identity] for row in ok_rows}, create=self.kind.name == "personer"
        )
        placed = []
        for row in ok_rows:
            person_id = ids.get(row.values[identity].digits)
            if person_id is None:
                row.problems.append(
                    Problem(
                        identity, "", _("personen finns inte i registret; importera personer först")
                    )
                )
            elif not self._is_duplicate(row):
                placed.append((row, person_id))
        self._link_predecessors(placed)
        records = [self._record(row, batch.pk, person_id) for row, person_id in placed if row.ok]
        writer.write(records)
        self.accepted += len(records)
        failed = [row for row in chunk if not row.ok]
        for row in failed:
            for problem in row.problems:
                self._problem(row.row, problem.column, problem.value, problem.reason)
        self.problem_rows += len(failed)
        if self.accept_valid and failed:
            _quarantine(batch, failed)

    def _is_duplicate(self, row: CheckedRow) -> bool:
        key = hash(natural_key(self.kind, row.values))
        earlier = self.seen.get(key)
        if earlier is None:
            self.seen[key] = row.row
            return False
        row.problems.append(
            Problem(
                ", ".join(self.kind.key),
                "",
                _("dubblett: samma %(key)s som rad %(row)s")
                % {"key": ", ".join(self.kind.key), "row": earlier},
            )
        )
        return True

    def _link_predecessors(self, placed: list[tuple[CheckedRow, int]]) -> None:
        """Rows naming the samordningsnummer their person had before link the two identities."""
        linking = [(row, person_id) for row, person_id in placed if PREDECESSOR in row.values]
        refused = identities_link([(row.values[PREDECESSOR], pid) for row, pid in linking])
        for index, reason in refused.items():
            row = linking[index][0]
            row.problems.append(Problem(PREDECESSOR, row.values[PREDECESSOR].masked, reason))

    def _record(self, row: CheckedRow, batch_id: int, person_id: int) -> tuple[Any, ...]:
        values = row.values
        return (
            self.committee.pk,
            batch_id,
            person_id,
            *(convert(values.get(header)) for header, convert in self.converters),
        )

    def _problem(self, row: int, column: str, value: str, reason: str) -> None:
        self.problem_count += 1
        if len(self.report) < MAX_STORED_ISSUES:
            self.report.append(ReportLine(row, column, value, reason))

    def add_file_problem(self, reason: str) -> None:
        self.fatal = True
        self._problem(0, "", "", reason)


def _misshapen(cells: list[str], width: int) -> bool:
    """Fewer fields than the header, or more that are not just empty trailing cells."""
    return len(cells) < width or any(cell.strip() for cell in cells[width:])


def _chunks(rows: Iterator[CheckedRow], size: int) -> Iterator[list[CheckedRow]]:
    chunk: list[CheckedRow] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _quarantine(batch: ImportBatch, rows: list[CheckedRow]) -> None:
    QuarantineRow.objects.bulk_create(
        QuarantineRow(
            batch=batch,
            row=row.row,
            values_encrypted=encrypt_text(json.dumps(row.raw, ensure_ascii=False)),
            reasons=[f"{p.column}: {p.reason}" if p.column else p.reason for p in row.problems],
        )
        for row in rows
    )


def _resolve_quarantine(batch: ImportBatch, run: _Run) -> None:
    """Rows kept back earlier whose natural key this batch has now imported leave the quarantine:
    the corrected export has replaced them."""
    open_rows = QuarantineRow.objects.filter(
        batch__committee=batch.committee, batch__kind=batch.kind, state=QuarantineState.OPEN
    ).exclude(batch=batch)
    corrected = []
    for row in open_rows.iterator():
        raw = json.loads(decrypt_text(row.values_encrypted))
        checked = check_row(run.kind, row.row, raw, run.today)
        broken = {problem.column for problem in checked.problems}
        if (
            not broken & set(run.kind.key)
            and hash(natural_key(run.kind, checked.values)) in run.seen
        ):
            row.state, row.corrected_by_batch = QuarantineState.CORRECTED, batch
            corrected.append(row)
    QuarantineRow.objects.bulk_update(corrected, ["state", "corrected_by_batch"])


def quarantine_row_correct(
    *, actor: User, row: QuarantineRow, values: dict[str, str]
) -> ImportResult:
    """Import one corrected row through the same pipeline as any file, as a batch of its own."""
    committee, spec = row.batch.committee, kind_named(row.batch.kind)
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", newline="", suffix=".csv", dir=folder, delete=False
    ) as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(spec.headers)
        writer.writerow([values.get(header, "") for header in spec.headers])
    path = Path(handle.name)
    try:
        result = import_file(
            actor=actor,
            committee=committee,
            kind=spec.name,
            path=path,
            file_name=_("karantänrad %(row)s från omgång %(batch)s.csv")
            % {"row": row.row, "batch": row.batch_id},
        )
    finally:
        path.unlink(missing_ok=True)
    if result.state == BatchState.COMMITTED:
        with transaction.atomic():
            QuarantineRow.objects.filter(pk=row.pk).update(
                state=QuarantineState.CORRECTED, corrected_by_batch_id=result.batch_id
            )
            access_event_record(
                actor=actor,
                action=events.QUARANTINE_ROW_CORRECTED,
                committee_code=committee.code,
                detail=f"omgång {row.batch_id} rad {row.row}",
            )
    return result


def _earlier_batch(committee: Committee, kind: str, sha256: str) -> ImportBatch | None:
    return (
        ImportBatch.objects.filter(
            committee=committee,
            kind=kind,
            sha256=sha256,
            state__in=[BatchState.COMMITTED, BatchState.PARTIAL],
        )
        .order_by("started_at")
        .first()
    )


def _new_batch(
    committee: Committee,
    kind: str,
    *,
    name: str,
    sha256: str,
    size: int,
    encoding: str,
    actor: User | None,
    started: dt.datetime,
    state: str = BatchState.COMMITTED,
    duplicate_of: ImportBatch | None = None,
) -> ImportBatch:
    """A batch as it starts; a duplicate is born finished and repeats what its original read."""
    return ImportBatch.objects.create(
        committee=committee,
        kind=kind,
        state=state,
        duplicate_of=duplicate_of,
        rows=duplicate_of.rows if duplicate_of else 0,
        delimiter=duplicate_of.delimiter if duplicate_of else "",
        file_name=name[:255],
        sha256=sha256,
        size_bytes=size,
        encoding=encoding,
        created_by=actor,
        started_at=started,
        finished_at=started,
    )


def _source_fields(source: reader.SourceFile) -> dict[str, Any]:
    return {
        "name": source.name,
        "sha256": source.sha256,
        "size": source.size,
        "encoding": source.encoding,
    }


def _finish(batch: ImportBatch, run: _Run, state: str) -> None:
    batch.state = state
    batch.delimiter = run.delimiter
    batch.rows, batch.rejected = run.rows, run.problem_rows
    batch.accepted = 0 if state == BatchState.REJECTED else run.accepted
    batch.issue_count = run.problem_count
    batch.finished_at = timezone.now()
    batch.save()
    _save_issues(batch, run.report)


def _save_issues(batch: ImportBatch, report: list[ReportLine]) -> None:
    ImportIssue.objects.bulk_create(
        (
            ImportIssue(
                batch=batch,
                row=line.row,
                column=line.column[:100],
                value=line.value[:200],
                reason=line.reason[:500],
            )
            for line in report
        ),
        batch_size=1000,
    )


def _result(
    result: ImportResult,
    run: _Run,
    *,
    actor: User | None,
    committee: Committee,
    source: reader.SourceFile,
    started: dt.datetime,
) -> ImportResult:
    result.state, result.rows, result.rejected = run.state, run.rows, run.problem_rows
    result.accepted = 0 if run.rejected else run.accepted
    result.issue_count, result.issues = run.problem_count, run.report
    if run.rejected and not result.dry_run:
        result.batch_id = _record_rejection(committee, run.kind, source, actor, started, run)
    return result


def _record_rejection(
    committee: Committee,
    kind: Kind,
    source: reader.SourceFile,
    actor: User | None,
    started: dt.datetime,
    run: _Run,
) -> int:
    """A rejected file changes nothing in the register, but the attempt and its report are kept."""
    with transaction.atomic():
        batch = _new_batch(
            committee, kind.name, **_source_fields(source), actor=actor, started=started
        )
        _finish(batch, run, BatchState.REJECTED)
    return batch.pk


def _refuse(result: ImportResult, reason: str) -> ImportResult:
    """A file refused before any row is read: nothing to keep but the answer."""
    result.issue_count = 1
    result.issues = [ReportLine(0, "", "", reason)]
    return result


def _duplicate(
    result: ImportResult,
    earlier: ImportBatch,
    *,
    actor: User | None,
    committee: Committee,
) -> ImportResult:
    result.state, result.duplicate_of = BatchState.DUPLICATE, earlier.pk
    result.notes.append(
        _("Filen är redan importerad (omgång %(id)s, %(when)s); ingenting ändrades.")
        % {
            "id": earlier.pk,
            "when": timezone.localtime(earlier.started_at).strftime("%Y-%m-%d %H:%M"),
        }
    )
    if not result.dry_run:
        batch = _new_batch(
            committee,
            result.kind,
            name=result.file_name,
            sha256=result.sha256,
            size=earlier.size_bytes,
            encoding=earlier.encoding,
            actor=actor,
            started=timezone.now(),
            state=BatchState.DUPLICATE,
            duplicate_of=earlier,
        )
        result.batch_id = batch.pk
    return result


@contextmanager
def _import_lock() -> Iterator[None]:
    """SQLite has one writer: imports queue behind each other instead of failing on a lock."""
    if connection.vendor != "sqlite":
        yield
        return
    with (Path(settings.DATA_DIR) / "import.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
