import shutil
from pathlib import Path

import pytest

KEY_FILES = ("secret_key", "pseudonym_key", "encryption_key")


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path_factory: pytest.TempPathFactory) -> Path:  # type: ignore[no-untyped-def]
    """A data folder of the test's own, with the session's keys: these tests look at every file
    an import leaves, and the workers of a parallel run would otherwise share one folder."""
    folder = tmp_path_factory.mktemp("data")
    for name in KEY_FILES:
        shutil.copy2(Path(settings.DATA_DIR) / name, folder / name)
    settings.DATA_DIR = folder
    return folder
