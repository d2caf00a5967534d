"""Small hand-written fixtures: committees, users with roles, and canonical files."""

import csv
import datetime as dt
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.contrib.auth.models import AbstractUser

from helhetsbild.imports.formats import kind
from helhetsbild.imports.services import ImportResult, import_file
from helhetsbild.organisation.models import Committee, Role
from helhetsbild.organisation.services import (
    DEMO_COMMITTEES,
    committee_ensure,
    user_with_role_ensure,
)
from helhetsbild.register.identity import luhn_check_digit

PASSWORD = "test-lösenord-123"
TODAY = dt.date(2026, 11, 22)


def make_committees() -> dict[str, Committee]:
    return {code: committee_ensure(code=code, name=name) for code, name in DEMO_COMMITTEES.items()}


def make_user(
    role: str, committee: Committee | None = None, username: str | None = None
) -> AbstractUser:
    name = username or f"{role}-{committee.code if committee else 'alla'}".lower()
    return user_with_role_ensure(
        username=name, password=PASSWORD, full_name=f"Test {role}", role=role, committee=committee
    )


def caseworker(committee: Committee) -> AbstractUser:
    return make_user(Role.CASEWORKER, committee)


def personnummer(birth: str, serial: str = "980", coordination: bool = False) -> str:
    """A valid test number in Skatteverket's 98x/99x series: birth YYYYMMDD, serial three digits."""
    if coordination:
        birth = birth[:6] + f"{int(birth[6:]) + 60:02d}"
    body = birth + serial
    return f"{body[:8]}-{body[8:]}{luhn_check_digit(body[2:])}"


def write_csv(
    path: Path,
    header: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_kind(path: Path, kind_name: str, rows: Iterable[Sequence[str]], **options: str) -> Path:
    """A file with every column of the kind, in the canonical order."""
    return write_csv(path, kind(kind_name).headers, rows, **options)


def run_import(committee: Committee, kind_name: str, path: Path, **options: object) -> ImportResult:
    """An import by the operator, without the rebuild unless `analyse=True` asks for it."""
    chosen = {"analyse": False, "actor": None, "today": TODAY, **options}
    return import_file(
        committee=committee,
        kind=kind_name,
        path=path,
        file_name=path.name,
        **chosen,  # type: ignore[arg-type]
    )
