"""Files that users upload, for every page that takes one (register files, payment
specifications, audit reports): streamed to disk, never held whole in memory, and named safely."""

import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

UNSAFE_FILE_NAME = re.compile(r"[^\w .,()-]")


def safe_file_name(name: str) -> str:
    """The last part of a client's file name, with nothing that could climb folders or inject."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return UNSAFE_FILE_NAME.sub("_", base).strip(" .")[:200] or "fil"


@contextmanager
def upload_on_disk(upload: UploadedFile) -> Iterator[Path]:
    """An upload streamed to the data folder's uploads, never held whole in memory, for the
    shared reader (which holds the size limit); removed afterwards, whatever happened."""
    folder = Path(settings.DATA_DIR) / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, delete=False) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    path = Path(handle.name)
    try:
        yield path
    finally:
        path.unlink(missing_ok=True)
