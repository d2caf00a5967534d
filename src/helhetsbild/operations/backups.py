"""Backup and restore of an installation on SQLite, the default.

A backup is a dated folder: the database copied with SQLite's online backup API (consistent while
the server runs and imports write), the key files, the kept original import files, and
`manifest.json` listing every file with its SHA-256. The quarantine lives in the database
(encrypted rows), so the copy carries it. The analysis store is left out: `helhetsbild analyse`
rebuilds it from the register. PostgreSQL is backed up with its own tools (docs/drift.md).

The database is copied before the import originals: an import keeps its original before its
transaction commits, so every batch in the copy finds its file.

Restore checks everything before it writes anything: every hash of the manifest, and that the
keys it will use open the backed-up register.
"""

import hashlib
import json
import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from helhetsbild import config
from helhetsbild.imports.models import ImportBatch, QuarantineRow
from helhetsbild.operations.keyring import (
    ENCRYPTION,
    PSEUDONYM,
    Keyring,
    key_file,
    problem,
    write_key_file,
)
from helhetsbild.operations.models import FormerPseudonym
from helhetsbild.register.models import Person

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = "helhetsbild.sqlite3"
KEYS = "keys"
IMPORTS = "imports"
INCLUDED, ENVIRONMENT, LEFT_OUT = "included", "environment", "left out"
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")
COUNTED = {"persons": Person, "import_batches": ImportBatch, "quarantine_rows": QuarantineRow}


class BackupRefused(Exception):
    """Nothing was written (or, for a restore, changed); the message says why, in Swedish."""


@dataclass
class Backup:
    folder: Path
    manifest: dict[str, Any]


@dataclass
class Restored:
    manifest: dict[str, Any]
    moved_aside: Path | None


def require_sqlite() -> None:
    if connection.vendor != "sqlite":
        raise BackupRefused(
            _(
                "Databasen är %(vendor)s, inte SQLite. Säkerhetskopiera den med pg_dump och "
                "återläs med pg_restore, och spara nyckelfilerna och mappen imports/ i datamappen "
                "på samma sätt; se avsnittet Säkerhetskopiering i docs/drift.md."
            )
            % {"vendor": connection.display_name}
        )


def backup_create(*, destination: Path, include_keys: bool = True) -> Backup:
    """A new dated folder under `destination`, written as `<name>.part` and renamed when whole,
    so that a backup cut short is never taken for a complete one."""
    require_sqlite()
    folder = destination / f"helhetsbild-{timezone.now():%Y%m%dT%H%M%SZ}"
    part = folder.with_name(folder.name + ".part")
    if folder.exists() or part.exists():
        raise BackupRefused(_("%(folder)s finns redan.") % {"folder": folder})
    destination.mkdir(parents=True, exist_ok=True)
    part.mkdir(mode=0o700)
    try:
        _copy_database(Path(connection.settings_dict["NAME"]), part / DATABASE)
        keys = _copy_keys(part / KEYS, include_keys)
        _copy_folder(Path(settings.DATA_DIR) / IMPORTS, part / IMPORTS)
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "keys": keys,
            "counts": _counts(part / DATABASE),
            "migrations": _migrations(part / DATABASE),
            "files": [_entry(part, path) for path in sorted(part.rglob("*")) if path.is_file()],
        }
        (part / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        part.rename(folder)
    except BaseException:
        shutil.rmtree(part, ignore_errors=True)
        raise
    return Backup(folder, manifest)


def backup_restore(
    *,
    source: Path,
    data_dir: Path,
    database: Path,
    force: bool = False,
    keys_folder: Path | None = None,
) -> Restored:
    """Put the backup in `source` into `data_dir` (with the database at `database`).

    A folder that already holds a register is refused unless `force`; then what was there is
    moved into `replaced-<time>/` in the data folder, not deleted."""
    manifest = verified_manifest(source)
    key_files = _key_files_to_restore(source, manifest, keys_folder)
    keys = _keys_in_force(key_files, data_dir)
    try:
        trouble = problem(keys, *_samples(source / DATABASE))
    except sqlite3.DatabaseError as error:
        raise BackupRefused(
            _("Databasen i säkerhetskopian går inte att läsa: %(error)s") % {"error": error}
        ) from None
    if trouble:
        raise BackupRefused(
            _(
                "Nycklarna stämmer inte med säkerhetskopian: %(problem)s Ange nycklarna som hör "
                "till den med --keys MAPP eller i miljön."
            )
            % {"problem": trouble}
        )
    holds_data = _holds_register(data_dir, database)
    if holds_data and not force:
        raise BackupRefused(
            _(
                "Datamappen %(folder)s innehåller redan ett register. Återläs i en tom datamapp, "
                "eller ange --force för att flytta undan det som finns och återläsa ändå."
            )
            % {"folder": data_dir}
        )
    aside = data_dir / f"replaced-{timezone.now():%Y%m%dT%H%M%SZ}" if holds_data else None
    data_dir.mkdir(parents=True, exist_ok=True)
    _clear_way(data_dir, database, list(key_files), aside)
    _put_in_place(source, manifest, key_files, data_dir, database)
    return Restored(manifest, aside)


def verified_manifest(source: Path) -> dict[str, Any]:
    """The manifest, once every file it lists is present with its size and SHA-256."""
    path = source / MANIFEST
    if not path.is_file():
        raise BackupRefused(
            _("%(source)s saknar %(manifest)s och är ingen säkerhetskopia från helhetsbild backup.")
            % {"source": source, "manifest": MANIFEST}
        )
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if manifest["format"] != FORMAT:
            raise BackupRefused(
                _("Säkerhetskopian har format %(found)s; den här versionen läser format %(n)s.")
                % {"found": manifest["format"], "n": FORMAT}
            )
        if not isinstance(manifest["keys"], dict):
            raise TypeError
        listed = {entry["path"]: entry for entry in manifest["files"]}
        for name, entry in listed.items():
            _check_file(source, name, entry["bytes"], entry["sha256"])
    except (ValueError, KeyError, TypeError):
        raise BackupRefused(
            _("Manifestet %(path)s är skadat; säkerhetskopian har inte lästs in.") % {"path": path}
        ) from None
    if DATABASE not in listed:
        raise BackupRefused(_("Säkerhetskopian saknar databasen %(file)s.") % {"file": DATABASE})
    return manifest  # type: ignore[no-any-return]


def _check_file(source: Path, name: str, size: int, sha256: str) -> None:
    relative = PurePosixPath(name)
    allowed = relative.parts and relative.parts[0] in {DATABASE, KEYS, IMPORTS}
    if not allowed or relative.is_absolute() or ".." in relative.parts:
        raise BackupRefused(_("Manifestet nämner en otillåten sökväg: %(path)s") % {"path": name})
    path = source / relative
    if not path.is_file():
        raise BackupRefused(_("Filen %(path)s saknas i säkerhetskopian.") % {"path": name})
    if path.stat().st_size != size or _sha256(path) != sha256:
        raise BackupRefused(
            _(
                "Filen %(path)s stämmer inte med manifestets kontrollsumma: säkerhetskopian är "
                "skadad och har inte lästs in. Ingenting har ändrats."
            )
            % {"path": name}
        )


def _copy_database(live: Path, copy: Path) -> None:
    """SQLite's online backup: a consistent snapshot while others read and write."""
    with (
        closing(sqlite3.connect(live, timeout=60)) as source,
        closing(sqlite3.connect(copy)) as target,
    ):
        source.backup(target)
        # One self-contained file, without a write-ahead log beside it.
        target.execute("PRAGMA journal_mode=DELETE")
        (verdict,) = target.execute("PRAGMA quick_check").fetchone()
    copy.chmod(0o600)
    if verdict != "ok":
        raise BackupRefused(
            _("Kopian av databasen klarar inte SQLite:s kontroll: %(verdict)s")
            % {"verdict": verdict}
        )


def _copy_keys(folder: Path, include: bool) -> dict[str, str]:
    """Which key files the backup holds; a key the environment gives is not in any file here."""
    folder.mkdir(mode=0o700)
    kept = {}
    for env_var, name in config.KEY_FILES.items():
        if os.environ.get(env_var):
            kept[name] = ENVIRONMENT
        elif include:
            write_key_file(folder / name, config.read_key_file(key_file(env_var)))
            kept[name] = INCLUDED
        else:
            kept[name] = LEFT_OUT
    return kept


def _copy_folder(source: Path, target: Path) -> None:
    target.mkdir(mode=0o700)
    if source.is_dir():
        for path in sorted(source.iterdir()):
            if path.is_file() and path.suffix != ".part":
                shutil.copyfile(path, target / path.name)


def _entry(root: Path, path: Path) -> dict[str, Any]:
    return {
        "path": path.relative_to(root).as_posix(),
        "bytes": path.stat().st_size,
        "sha256": _sha256(path),
    }


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _counts(database: Path) -> dict[str, int]:
    with closing(sqlite3.connect(database)) as copy:
        return {
            name: copy.execute(f'SELECT count(*) FROM "{model._meta.db_table}"').fetchone()[0]
            for name, model in COUNTED.items()
        }


def _migrations(database: Path) -> dict[str, str]:
    """The newest migration of each app in the copy: tells a later version what to migrate."""
    table = MigrationRecorder.Migration._meta.db_table
    with closing(sqlite3.connect(database)) as copy:
        return dict(copy.execute(f'SELECT app, max(name) FROM "{table}" GROUP BY app').fetchall())


def _key_files_to_restore(
    source: Path, manifest: dict[str, Any], keys_folder: Path | None
) -> dict[str, str]:
    """Key file name -> key, from the backup, else from `keys_folder` (kept apart, as advised)."""
    found = {}
    for name in config.KEY_FILES.values():
        if manifest["keys"].get(name) == INCLUDED:
            found[name] = config.read_key_file(source / KEYS / name)
        elif keys_folder is not None and (keys_folder / name).is_file():
            found[name] = config.read_key_file(keys_folder / name)
    return found


def _keys_in_force(key_files: dict[str, str], data_dir: Path) -> Keyring:
    """The keys the restored installation will run with: the environment wins over files."""

    def in_force(env_var: str) -> str:
        name = config.KEY_FILES[env_var]
        if os.environ.get(env_var):
            return os.environ[env_var]
        if name in key_files:
            return key_files[name]
        if key_file(env_var, data_dir).is_file():
            return config.read_key_file(key_file(env_var, data_dir))
        raise BackupRefused(
            _(
                "Säkerhetskopian saknar %(name)s. Ange mappen där nycklarna förvaras med "
                "--keys MAPP, eller sätt %(var)s i miljön."
            )
            % {"name": name, "var": env_var}
        )

    return Keyring(in_force(PSEUDONYM), in_force(ENCRYPTION))


def _samples(database: Path) -> tuple[list[tuple[str, bytes]], list[bytes]]:
    """The oldest and newest identity and encrypted rows of the backed-up register."""
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as copy:

        def ends(table: str, columns: str) -> list[tuple[Any, ...]]:
            return [
                row
                for order in ("ASC", "DESC")
                for row in copy.execute(
                    f'SELECT {columns} FROM "{table}" ORDER BY id {order} LIMIT 1'
                ).fetchall()
            ]

        identities = [
            (pseudonym, bytes(token))
            for pseudonym, token in ends(Person._meta.db_table, "pseudonym, personnummer_encrypted")
        ]
        encrypted = [
            bytes(token)
            for table, column in (
                (QuarantineRow._meta.db_table, "values_encrypted"),
                (FormerPseudonym._meta.db_table, "pseudonym_encrypted"),
            )
            for (token,) in ends(table, column)
        ]
    return identities, encrypted


def _holds_register(data_dir: Path, database: Path) -> bool:
    """Kept import files, or a database with tables in it. Key files alone are no register: a
    fresh data folder gets new ones the moment any command starts."""
    originals = data_dir / IMPORTS
    if originals.is_dir() and any(originals.iterdir()):
        return True
    if not database.is_file():
        return False
    with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as existing:
        (tables,) = existing.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return bool(tables)


def _clear_way(data_dir: Path, database: Path, replaced: list[str], aside: Path | None) -> None:
    """Move the register that is there, and the key files about to be `replaced`, into `aside`.
    Without a register there is nothing to keep: an empty database, key files that protect no
    data, stale analysis files; those simply go."""
    in_the_way = [
        database,
        *(database.with_name(database.name + side) for side in SQLITE_SIDE_FILES),
        data_dir / IMPORTS,
        data_dir / "analysis",
        *(data_dir / name for name in replaced),
    ]
    if aside is not None:
        aside.mkdir(mode=0o700)
    for path in in_the_way:
        if not path.exists():
            continue
        if aside is not None:
            shutil.move(path, aside / path.name)
        elif path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()


def _put_in_place(
    source: Path,
    manifest: dict[str, Any],
    key_files: dict[str, str],
    data_dir: Path,
    database: Path,
) -> None:
    """Keys and originals first, the database last, each written beside its place and renamed."""
    for name, value in key_files.items():
        write_key_file(data_dir / name, value)
    originals = data_dir / IMPORTS
    originals.mkdir(exist_ok=True)
    for entry in manifest["files"]:
        relative = PurePosixPath(entry["path"])
        if relative.parts[0] == IMPORTS:
            partial = originals / f"{relative.name}.part"
            shutil.copyfile(source / relative, partial)
            partial.replace(originals / relative.name)
    partial = database.with_name(database.name + ".part")
    shutil.copyfile(source / DATABASE, partial)
    partial.chmod(0o600)
    partial.replace(database)
