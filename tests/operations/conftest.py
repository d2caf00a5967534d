"""Rotation writes key files and changes which keys the process should use: each test gets a
data folder of its own holding the session's keys, and the process's cached keys are dropped
when the test ends, whatever keys it switched to."""

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from helhetsbild import config
from helhetsbild.operations.keyring import Keyring, write_key_file
from helhetsbild.register import identity


def _forget_cached_keys() -> None:
    identity._pseudonym_key.cache_clear()
    identity._fernet.cache_clear()


@pytest.fixture
def key_folder(settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path / "data"
    folder.mkdir()
    for env_var, name in config.KEY_FILES.items():
        monkeypatch.delenv(env_var, raising=False)
        write_key_file(folder / name, getattr(settings, env_var.removeprefix("HELHETSBILD_")))
    settings.DATA_DIR = folder
    yield folder
    _forget_cached_keys()


@pytest.fixture
def use_keys(settings) -> Callable[[Keyring], None]:  # type: ignore[no-untyped-def]
    """What a restart with the new keys does to this process."""

    def switch(keys: Keyring) -> None:
        settings.PSEUDONYM_KEY, settings.ENCRYPTION_KEY = keys.pseudonym_key, keys.encryption_key
        _forget_cached_keys()

    return switch
