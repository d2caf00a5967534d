"""Backup and restore on SQLite: a restored empty folder holds the same register, and a damaged
backup or the wrong keys change nothing."""

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from helhetsbild import config
from helhetsbild.analysis.store import build_store
from helhetsbild.operations.backups import BackupRefused, backup_create, backup_restore
from tests.cli_support import SCRIPT, run_cli
from tests.factories import caseworker
from tests.operations.inventory import as_json, inventory
from tests.operations.small_register import small_register

pytestmark = [pytest.mark.sqlite_only, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def backup(committees, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    return backup_create(destination=tmp_path / "kopior").folder


def _elsewhere(data_dir: Path) -> dict[str, str]:
    """An installation of its own: its data folder, its SQLite database, keys from its files."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in config.KEY_FILES and key != "HELHETSBILD_DATABASE_URL"
    }
    return {**env, "HELHETSBILD_DATA_DIR": str(data_dir)}


def _run_elsewhere(data_dir: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        list(command),
        env=_elsewhere(data_dir),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _contents(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def _restore(backup: Path, target: Path, **options: object) -> object:
    return backup_restore(
        source=backup, data_dir=target, database=target / "helhetsbild.sqlite3", **options
    )  # type: ignore[arg-type]


def test_a_backup_holds_the_database_keys_and_originals_under_a_manifest(
    backup: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    manifest = json.loads((backup / "manifest.json").read_text())

    assert backup.name.startswith("helhetsbild-") and backup.stat().st_mode & 0o777 == 0o700
    listed = {entry["path"]: entry for entry in manifest["files"]}
    assert set(_contents(backup)) == {*listed, "manifest.json"}
    for name, entry in listed.items():
        assert _contents(backup)[name] == entry["sha256"]
    assert {"helhetsbild.sqlite3", "keys/pseudonym_key", "keys/encryption_key"} <= set(listed)
    assert not any(name.startswith("analysis") for name in listed)
    originals = [name for name in listed if name.startswith("imports/")]
    assert len(originals) >= 2
    assert manifest["counts"] == {"persons": 4, "import_batches": 2, "quarantine_rows": 1}
    assert (backup / "keys/pseudonym_key").read_text() == settings.PSEUDONYM_KEY
    assert (backup / "keys/encryption_key").stat().st_mode & 0o777 == 0o600


@pytest.mark.slow
def test_a_restored_empty_folder_finds_every_record_person_and_import(
    committees, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    username = caseworker(committees["KS"]).get_username()
    store = build_store(actor=None).row_counts
    before = as_json(inventory(username, "KS"))
    made = run_cli("backup", str(tmp_path / "kopior"))
    assert made.returncode == 0, made.stderr
    assert "4 identiteter, 2 importomgångar, 1 karantänrader" in made.stdout
    (copy,) = (tmp_path / "kopior").iterdir()
    target = tmp_path / "tom"

    restored = _run_elsewhere(target, str(SCRIPT), "restore", str(copy))

    assert restored.returncode == 0, restored.stderr
    assert "Analysdatabasen är ombyggd" in restored.stdout
    after = _run_elsewhere(
        target, sys.executable, "-m", "tests.operations.inventory", username, "KS"
    )
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == before
    assert before["missing_originals"] == [] and len(before["persons"]) == 3
    rebuilt = _run_elsewhere(target, str(SCRIPT), "analyse")
    assert rebuilt.returncode == 0, rebuilt.stderr
    counts = _run_elsewhere(
        target,
        sys.executable,
        "-c",
        "import django; django.setup(); from helhetsbild.analysis.store import current_build; "
        "import json; print(json.dumps(current_build().row_counts))",
    )
    assert json.loads(counts.stdout) == store
    assert _run_elsewhere(target, str(SCRIPT), "verify-log").returncode == 0
    assert _run_elsewhere(target, str(SCRIPT), "check", "--database", "default").returncode == 0


@pytest.mark.parametrize("damaged", ["helhetsbild.sqlite3", "imports", "keys/pseudonym_key"])
def test_a_damaged_backup_is_refused_and_changes_nothing(
    backup: Path, tmp_path: Path, damaged: str
) -> None:
    target = tmp_path / "mål"
    _restore(backup, target)
    before = _contents(target)
    victim = next(backup.glob("imports/*")) if damaged == "imports" else backup / damaged
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0x01
    victim.write_bytes(bytes(data))

    with pytest.raises(BackupRefused, match="stämmer inte med manifestets kontrollsumma"):
        _restore(backup, target, force=True)

    assert _contents(target) == before


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda m: m.update(format=99), "format 99"),
        (
            lambda m: m["files"].append({"path": "../utanför", "bytes": 0, "sha256": ""}),
            "otillåten",
        ),
        (
            lambda m: m["files"].append({"path": "imports/x.csv", "bytes": 1, "sha256": ""}),
            "saknas",
        ),
        (lambda m: m.pop("files"), "skadat"),
    ],
)
def test_a_tampered_manifest_is_refused(backup: Path, tmp_path: Path, change, reason: str) -> None:  # type: ignore[no-untyped-def]
    manifest_path = backup / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    change(manifest)
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(BackupRefused, match=reason):
        _restore(backup, tmp_path / "mål")
    assert not (tmp_path / "mål").exists()


def test_a_folder_with_a_register_is_replaced_only_with_force_and_kept_aside(
    backup: Path, tmp_path: Path
) -> None:
    target = tmp_path / "mål"
    _restore(backup, target)
    with pytest.raises(BackupRefused, match="innehåller redan ett register"):
        _restore(backup, target)

    restored = _restore(backup, target, force=True)

    aside = restored.moved_aside  # type: ignore[attr-defined]
    assert aside is not None and aside.parent == target
    assert {path.name for path in aside.iterdir()} >= {"helhetsbild.sqlite3", "imports"}
    assert (target / "helhetsbild.sqlite3").is_file()


def test_fresh_keys_in_an_empty_folder_give_way_to_the_backups_keys(
    backup: Path, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "mål"
    target.mkdir()
    for name in ("pseudonym_key", "encryption_key"):
        (target / name).write_text(config.new_key())
        (target / name).chmod(0o600)

    _restore(backup, target)

    assert config.read_key_file(target / "pseudonym_key") == settings.PSEUDONYM_KEY
    assert not list(target.glob("replaced-*")), "no register was there to keep"


def test_a_backup_without_keys_needs_the_right_keys_from_elsewhere(
    committees, tmp_path: Path, settings
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    backup = backup_create(destination=tmp_path / "kopior", include_keys=False).folder
    assert not (backup / "keys/pseudonym_key").exists()
    target = tmp_path / "mål"

    with pytest.raises(BackupRefused, match="--keys"):
        _restore(backup, target)
    wrong = tmp_path / "fel-nycklar"
    wrong.mkdir()
    for name in ("pseudonym_key", "encryption_key"):
        (wrong / name).write_text(config.new_key())
        (wrong / name).chmod(0o600)
    with pytest.raises(BackupRefused, match="Nycklarna stämmer inte"):
        _restore(backup, target, keys_folder=wrong)
    assert not (target / "helhetsbild.sqlite3").exists()

    kept_apart = tmp_path / "nycklar"
    kept_apart.mkdir()
    for name, value in (
        ("pseudonym_key", settings.PSEUDONYM_KEY),
        ("encryption_key", settings.ENCRYPTION_KEY),
    ):
        (kept_apart / name).write_text(value)
        (kept_apart / name).chmod(0o600)
    _restore(backup, target, keys_folder=kept_apart)
    assert (target / "pseudonym_key").read_text() == settings.PSEUDONYM_KEY


def test_on_postgresql_backup_says_how_instead(
    committees, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(connection, "vendor", "postgresql")
    with pytest.raises(CommandError, match="pg_dump") as refused:
        call_command("backup", str(tmp_path / "kopior"))
    assert "docs/drift.md" in str(refused.value)
    assert not (tmp_path / "kopior").exists()
