"""Where the keys come from (the environment or a private key file, never the database), and
the check that the keys in use fit the register."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from helhetsbild import config
from helhetsbild.operations.checks import keys_fit_register
from helhetsbild.operations.keyring import ENCRYPTION, PSEUDONYM, Keyring, problem
from helhetsbild.operations.rotation import keys_rotate
from helhetsbild.register.identity import encrypt, parse_personnummer, pseudonym
from tests.cli_support import SCRIPT
from tests.factories import TODAY
from tests.operations.small_register import ANNA, small_register


@pytest.fixture
def fresh_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HELHETSBILD_DATA_DIR", str(tmp_path))
    for env_var in config.KEY_FILES:
        monkeypatch.delenv(env_var, raising=False)
    return tmp_path


def test_a_key_in_the_environment_wins_and_no_file_is_written(
    fresh_folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(PSEUDONYM, "från-miljön-" + "x" * 32)
    assert config.key(PSEUDONYM) == "från-miljön-" + "x" * 32
    assert not (fresh_folder / "pseudonym_key").exists()


def test_without_the_environment_a_private_key_file_is_made_once(fresh_folder: Path) -> None:
    first = config.key(ENCRYPTION)
    assert config.key(ENCRYPTION) == first
    assert (fresh_folder / "encryption_key").stat().st_mode & 0o777 == 0o600
    Fernet(first.encode())  # a usable Fernet key


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o660])
def test_a_key_file_others_may_read_or_change_stops_start_up(fresh_folder: Path, mode: int) -> None:
    path = fresh_folder / "pseudonym_key"
    path.write_text(config.new_key())
    path.chmod(mode)
    with pytest.raises(config.KeyFileRefused) as refused:
        config.key(PSEUDONYM)
    assert str(path) in str(refused.value)
    assert f"rättigheterna {mode:o}" in str(refused.value)
    assert f"chmod 600 {path}" in str(refused.value)


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_a_private_key_file_is_read(fresh_folder: Path, mode: int) -> None:
    path = fresh_folder / "pseudonym_key"
    path.write_text("nyckel-" + "y" * 40 + "\n")
    path.chmod(mode)
    assert config.key(PSEUDONYM) == "nyckel-" + "y" * 40


def test_an_empty_key_file_is_refused(fresh_folder: Path) -> None:
    path = fresh_folder / "encryption_key"
    path.write_text("")
    path.chmod(0o600)
    with pytest.raises(config.KeyFileRefused, match="är tom"):
        config.key(ENCRYPTION)


@pytest.mark.slow
def test_the_command_line_refuses_to_start_with_an_exposed_key_file(tmp_path: Path) -> None:
    exposed = tmp_path / "encryption_key"
    exposed.write_text(config.new_key())
    exposed.chmod(0o644)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in config.KEY_FILES and key != "HELHETSBILD_DATABASE_URL"
    }
    result = subprocess.run(
        [str(SCRIPT), "check"],
        env={**env, "HELHETSBILD_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert f"Nyckelfilen {exposed} har rättigheterna 644" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.slow
def test_the_keys_are_settled_before_any_database_is_reached(tmp_path: Path) -> None:
    """Settings read the keys with the database out of reach: they cannot come from it."""
    keys = {PSEUDONYM: "p" * 44, ENCRYPTION: Fernet.generate_key().decode()}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings as s; print(s.PSEUDONYM_KEY, s.ENCRYPTION_KEY)",
        ],
        env={
            **os.environ,
            **keys,
            "DJANGO_SETTINGS_MODULE": "helhetsbild.settings",
            "HELHETSBILD_DATA_DIR": str(tmp_path),
            "HELHETSBILD_DATABASE_URL": "postgres://ingen:ingen@127.0.0.1:9/finns_inte",
        },
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [keys[PSEUDONYM], keys[ENCRYPTION]]


def test_the_keyring_computes_what_the_register_computes(settings) -> None:  # type: ignore[no-untyped-def]
    number = parse_personnummer(ANNA, today=TODAY)
    keys = Keyring.current()
    assert keys.pseudonym(number.digits) == pseudonym(number)
    assert keys.decrypt(encrypt(number)) == number.digits.encode()


def test_wrong_keys_are_named_by_what_they_break() -> None:
    right, other = Keyring.generate(), Keyring.generate()
    digits = parse_personnummer(ANNA, today=TODAY).digits
    identity = (right.pseudonym(digits), right.encrypt(digits.encode()))
    row = right.encrypt(b"en karantanrad")

    assert problem(right, [identity], [row]) is None
    assert "Krypteringsnyckeln" in (problem(other, [identity], []) or "")
    assert "Pseudonymnyckeln" in (
        problem(Keyring(other.pseudonym_key, right.encryption_key), [identity], []) or ""
    )
    assert "karantänraderna" in (
        problem(Keyring(right.pseudonym_key, other.encryption_key), [], [row]) or ""
    )


def test_the_system_check_stops_a_deployment_whose_keys_do_not_fit(
    committees, settings, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    assert keys_fit_register(None, databases=["default"]) == []
    assert keys_fit_register(None, databases=None) == [], "only when asked to touch the database"

    settings.PSEUDONYM_KEY = config.new_key()
    assert [m.id for m in keys_fit_register(None, databases=["default"])] == ["helhetsbild.E001"]


def test_the_system_check_reminds_of_an_unconfirmed_rotation(
    committees, key_folder: Path, use_keys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    keys_rotate()
    use_keys(
        Keyring(
            config.read_key_file(key_folder / "pseudonym_key"),
            config.read_key_file(key_folder / "encryption_key"),
        )
    )
    assert [m.id for m in keys_fit_register(None, databases=["default"])] == ["helhetsbild.W001"]
