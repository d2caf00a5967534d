"""The demo municipality: committees, one user per role, and a synthetic register imported
through the real pipeline, file by file, as each committee would."""

import csv
import datetime as dt
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Permission
from django.utils import timezone

from helhetsbild.imports.services import ImportResult, import_file
from helhetsbild.organisation.models import Committee, Role
from helhetsbild.organisation.services import (
    DEMO_COMMITTEES,
    committee_ensure,
    user_with_role_ensure,
)
from helhetsbild.synth.generator import generate

DEMO_PASSWORD = "demo-helhetsbild"
# Which committee's system each file, or each kind of episode, comes from in the demo.
DEMO_IMPORTS = [
    ("KS", "personer", "personer.csv"),
    ("KS", "uppehallstillstand", "uppehallstillstand.csv"),
    ("KS", "mottagande", "mottagande.csv"),
    ("KS", "insatser", "insatser-KS.csv"),
    ("AMN", "insatser", "insatser-AMN.csv"),
    ("UN", "sfi", "sfi.csv"),
    ("SN", "forsorjningsstod", "forsorjningsstod.csv"),
    ("SN", "insatser", "insatser-SN.csv"),
]
EPISODE_OWNERS = {
    "etableringsprogram": "KS",
    "samhällsorientering": "KS",
    "andrahandskontrakt": "KS",
    "förstahandskontrakt": "KS",
    "kartläggning": "AMN",
    "rusta": "AMN",
    "matcha": "AMN",
    "praktik": "AMN",
    "arbete": "AMN",
    "studier": "AMN",
    "placering": "SN",
}
ADMIN_PERMISSIONS = [
    ("auth", "user"),
    ("organisation", "committee"),
    ("organisation", "membership"),
    ("organisation", "grouprolemapping"),
    ("otp_totp", "totpdevice"),
    ("api", "apitoken"),
]


def demo_users() -> list[tuple[str, str, str]]:
    """(username, role label, committee) for every demo user, created if missing."""
    committees = {
        code: committee_ensure(code=code, name=name) for code, name in DEMO_COMMITTEES.items()
    }
    created = []
    for code, committee in committees.items():
        username = f"handlaggare.{code.lower()}"
        user_with_role_ensure(
            username=username,
            password=DEMO_PASSWORD,
            full_name=f"Handläggare {code}",
            role=Role.CASEWORKER,
            committee=committee,
        )
        created.append((username, str(Role.CASEWORKER.label), code))
    for username, role in [
        ("analytiker", Role.ANALYST),
        ("controller", Role.CONTROLLER),
        ("lasare", Role.READER),
        ("admin", Role.ADMIN),
    ]:
        user = user_with_role_ensure(
            username=username,
            password=DEMO_PASSWORD,
            full_name=str(role.label),
            role=role,
            staff=role == Role.ADMIN,
        )
        if role == Role.ADMIN:
            _grant_admin_permissions(user)
        created.append((username, str(role.label), ""))
    return created


def _grant_admin_permissions(user) -> None:  # type: ignore[no-untyped-def]
    for app_label, model in ADMIN_PERMISSIONS:
        user.user_permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, content_type__model=model)
        )
    user.user_permissions.add(*Permission.objects.filter(codename="view_accessevent"))


def demo_files(persons: int, seed: int, today: dt.date, say: Callable[[str], None]) -> Path:
    """Synthesize once per size, seed and day; split the episodes by owning committee."""
    folder = Path(settings.DATA_DIR) / "demo" / f"{persons}-{seed}-{today.isoformat()}"
    if not (folder / "insatser-SN.csv").exists():
        folder.mkdir(parents=True, exist_ok=True)
        say(f"Skapar en syntetisk kommun med {persons} personer i {folder} …")
        generate(persons=persons, seed=seed, out_dir=folder, as_of=today)
        _split_episodes(folder)
    return folder


def _split_episodes(folder: Path) -> None:
    with (folder / "insatser.csv").open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source, delimiter=";")
        header = next(reader)
        column = [h.strip().lstrip("\ufeff") for h in header].index("insats")
        targets = {
            code: (folder / f"insatser-{code}.csv").open("w", encoding="utf-8", newline="")
            for code in set(EPISODE_OWNERS.values())
        }
        writers = {code: csv.writer(handle, delimiter=";") for code, handle in targets.items()}
        for writer in writers.values():
            writer.writerow(header)
        for row in reader:
            writers[EPISODE_OWNERS[row[column]]].writerow(row)
        for handle in targets.values():
            handle.close()


def demo_import(folder: Path, say: Callable[[str], None]) -> list[ImportResult]:
    results = []
    for code, kind, file_name in DEMO_IMPORTS:
        started = timezone.now()
        result = import_file(
            analyse=False,
            actor=None,
            committee=Committee.objects.get(code=code),
            kind=kind,
            path=folder / file_name,
            file_name=file_name,
        )
        seconds = (timezone.now() - started).total_seconds()
        say(
            f"  {code:<4} {kind:<19} {result.state:<10} {result.accepted:>8} rader {seconds:6.1f} s"
        )
        results.append(result)
    return results
