"""The analysis store's life cycle: build a new DuckDB file beside the current one, switch to it
only when it is complete, and open the current one read-only.

Which file is current is decided by the operational database alone: the latest `AnalysisBuild`
in state complete. A build writes `<name>.part`, renames it when DuckDB has closed it, and only
then marks its row complete, so a build that dies at any point leaves the previous file current;
the next build marks the dead one failed and removes what it left behind.
"""

import datetime as dt
import fcntl
import logging
import secrets
import shutil
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild.analysis.extract import Batch, Extract, Progress, extract
from helhetsbild.analysis.load import load
from helhetsbild.analysis.models import STORE_FOLDER, AnalysisBuild, BuildState
from helhetsbild.analysis.signals import build_completed
from helhetsbild.organisation.permissions import Action, can
from helhetsbild.register.identity import mask_in_text

logger = logging.getLogger(__name__)

# The current file and the one before it stay on disk: a page that opened the previous store a
# moment before the switch can finish reading it.
KEPT_BUILDS = 2


class StoreMissing(Exception):
    """There is no complete analysis store to read; the message says what to do, in Swedish."""


def current_build() -> AnalysisBuild | None:
    return AnalysisBuild.objects.filter(state=BuildState.COMPLETE).order_by("-finished_at").first()


def readable_build() -> AnalysisBuild:
    """The current build, whose file is there to read; raises StoreMissing otherwise."""
    build = current_build()
    if build is None:
        raise StoreMissing(
            _("Analysdatabasen är inte byggd än. Kör 'helhetsbild analyse' efter en import.")
        )
    if not build.path.exists():
        raise StoreMissing(
            _("Analysdatabasens fil %(file)s saknas. Bygg om den med 'helhetsbild analyse'.")
            % {"file": build.path}
        )
    return build


def open_store() -> duckdb.DuckDBPyConnection:
    """A read-only connection to the current store; close it (or use `with`) when done."""
    return reader(readable_build())


def reader(build: AnalysisBuild) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a build's file, for one thread; close it when done.

    Opening a DuckDB file costs tens of milliseconds, more than most page reads, so a process
    keeps one connection per file and hands out cursors of it: each cursor is a connection of
    its own to the same database, safe to use in its thread. A build's file never changes, so
    the shared connection never goes stale; those of older builds are closed as new ones come.
    """
    with _readers_lock:
        key = str(build.path)
        if key not in _readers:
            _readers[key] = duckdb.connect(key, read_only=True)
            for old in list(_readers)[:-KEPT_READERS]:
                _readers.pop(old).close()
        return _readers[key].cursor()


# A page that took a cursor of a store just before a newer build appeared may still be reading.
KEPT_READERS = 3
_readers: dict[str, duckdb.DuckDBPyConnection] = {}
_readers_lock = threading.Lock()


def build_store(
    *,
    actor: User | None,
    progress: Progress | None = None,
    reference_date: dt.date | None = None,
) -> AnalysisBuild:
    """Rebuild the store from the whole register. `actor` None is the operator at the command
    line; a user must hold the build action (caseworkers, whose imports trigger it, and
    administrators). `reference_date`
    (default today) ends the panel for those who still live in the municipality."""
    if actor is not None and not can(actor, Action.ANALYSIS_BUILD):
        raise PermissionDenied
    say = progress or _silent
    folder = _folder()
    with _build_lock(folder):
        _abandon_unfinished()
        build = _start(actor, reference_date or timezone.localdate())
        try:
            _run(build, say)
        except BaseException as error:
            _fail(build, mask_in_text(repr(error)))
            raise
        finally:
            shutil.rmtree(_work_folder(build), ignore_errors=True)
        _prune()
    for receiver, outcome in build_completed.send_robust(sender=AnalysisBuild, build=build):
        if isinstance(outcome, Exception):
            logger.error("after build %s, %s failed", build.pk, receiver, exc_info=outcome)
    return build


def _run(build: AnalysisBuild, say: Progress) -> None:
    work = _work_folder(build)
    work.mkdir()
    say(_("Läser registret …"))
    snapshot = extract(work, say)
    part = _part_path(build)
    counts = load(
        part, snapshot, build_id=build.pk, reference_date=build.reference_date, progress=say
    )
    part.rename(build.path)
    say(_("Beräknar indikatorerna …"))
    # Imported here: the engine reads stores through this module.
    from helhetsbild.analysis.engine import compute_all

    compute_all(build)
    _complete(build, snapshot, counts)


def _start(actor: User | None, reference_date: dt.date) -> AnalysisBuild:
    """The row is committed before the work starts, so that a build killed mid-way is visible."""
    now = timezone.now()
    return AnalysisBuild.objects.create(
        state=BuildState.RUNNING,
        started_at=now,
        created_by=actor,
        reference_date=reference_date,
        file_name=f"build-{now:%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.duckdb",
    )


def _complete(build: AnalysisBuild, snapshot: Extract, counts: dict[str, int]) -> None:
    """The switch: one UPDATE makes the new file the current one."""
    build.state, build.finished_at = BuildState.COMPLETE, timezone.now()
    build.batch_ids = [batch.id for batch in snapshot.batches]
    build.sources = _sources(snapshot.batches)
    build.row_counts = counts
    build.save()


def _sources(batches: list[Batch]) -> list[dict[str, object]]:
    """Per committee and kind: how many batches the build read, and when the latest finished."""
    grouped: dict[tuple[str, str], list[Batch]] = defaultdict(list)
    for batch in batches:
        grouped[(batch.committee, batch.kind)].append(batch)
    return [
        {
            "committee": committee,
            "kind": kind,
            "batches": len(group),
            "latest": max(batch.finished_at for batch in group).isoformat(),
        }
        for (committee, kind), group in sorted(grouped.items())
    ]


def _fail(build: AnalysisBuild, error: str) -> None:
    build.state, build.finished_at, build.error = BuildState.FAILED, timezone.now(), error
    build.save(update_fields=["state", "finished_at", "error"])
    _remove_files(build)


def _abandon_unfinished() -> None:
    """Called under the build lock: a build still marked running was killed."""
    for build in AnalysisBuild.objects.filter(state=BuildState.RUNNING):
        _fail(build, _("Bygget avbröts innan det blev klart."))


def _prune() -> None:
    """Remove the files of all but the newest complete builds (failed ones went at once)."""
    complete = AnalysisBuild.objects.filter(state=BuildState.COMPLETE).order_by("-finished_at")
    for build in complete[KEPT_BUILDS:]:
        _remove_files(build)


def _remove_files(build: AnalysisBuild) -> None:
    part = _part_path(build)
    for path in (build.path, part, part.with_name(part.name + ".wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(_work_folder(build), ignore_errors=True)
    shutil.rmtree(results_folder(build), ignore_errors=True)


def _folder() -> Path:
    folder = Path(settings.DATA_DIR) / STORE_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _part_path(build: AnalysisBuild) -> Path:
    return build.path.with_name(build.file_name + ".part")


def results_folder(build: AnalysisBuild) -> Path:
    """Where a build's published indicator results are kept (protected cells only, like a
    download), so that every web server process reads them instead of computing them."""
    return build.path.with_name(build.file_name + ".results")


def _work_folder(build: AnalysisBuild) -> Path:
    """The build's CSV files and DuckDB's spill files; removed when the build ends."""
    return build.path.with_name(build.file_name + ".work")


@contextmanager
def _build_lock(folder: Path) -> Iterator[None]:
    """One build at a time per data folder; a second waits. The kernel releases the lock of a
    killed process, so a crash never blocks the next build."""
    with (folder / "build.lock").open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _silent(message: str) -> None:
    """Progress nobody asked to see."""
