from pathlib import Path

import pytest


@pytest.fixture
def own_data_dir(settings, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    """A data folder per test: archived files of a rolled-back test would otherwise lie where
    the next test's report, with the same id, is archived."""
    settings.DATA_DIR = tmp_path / "data"
    return settings.DATA_DIR  # type: ignore[no-any-return]
