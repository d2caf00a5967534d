"""The commands as an operator meets them: hyphenated names, and a rotation end to end in a
data folder of its own."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helhetsbild import config
from helhetsbild.cli import command_name
from tests.cli_support import SCRIPT

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("typed", "runs"),
    [
        ("rotate-keys", "rotate_keys"),
        ("rotate_keys", "rotate_keys"),
        ("api-token", "api-token"),  # a module with a hyphen keeps its own name
        ("verify-log", "verify-log"),
        ("finns-inte", "finns-inte"),  # Django's own "unknown command" answers
        ("--help", "--help"),
        ("backup", "backup"),
    ],
)
def test_a_hyphenated_command_name_runs_the_underscored_module(typed: str, runs: str) -> None:
    assert command_name(typed) == runs


def _in(folder: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in config.KEY_FILES and key != "HELHETSBILD_DATABASE_URL"
    }
    return subprocess.run(
        list(command),
        env={**env, "HELHETSBILD_DATA_DIR": str(folder)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_rotate_keys_end_to_end_keeps_every_person_of_the_demo(tmp_path: Path) -> None:
    helhetsbild = str(SCRIPT)
    demo = _in(tmp_path, helhetsbild, "demo", "--no-serve", "--persons", "25")
    assert demo.returncode == 0, demo.stderr
    look = (sys.executable, "-m", "tests.operations.inventory", "handlaggare.ks", "KS")
    before = json.loads(_in(tmp_path, *look).stdout)
    old_key = (tmp_path / "pseudonym_key").read_text()

    rotated = _in(tmp_path, helhetsbild, "rotate-keys")

    assert rotated.returncode == 0, rotated.stderr
    assert "Nyckelbyte nr 1 är klart: 25 identiteter" in rotated.stdout
    assert (tmp_path / "pseudonym_key.previous").read_text() == old_key
    after = json.loads(_in(tmp_path, *look).stdout)
    assert after["persons"] == before["persons"] and len(after["persons"]) == 25
    assert all(after["pseudonyms"][pk] != old for pk, old in before["pseudonyms"].items())
    assert {k: v for k, v in after.items() if k != "pseudonyms"} == {
        k: v for k, v in before.items() if k != "pseudonyms"
    }
    assert _in(tmp_path, helhetsbild, "verify-log").returncode == 0
    checked = _in(tmp_path, helhetsbild, "check", "--database", "default")
    assert checked.returncode == 0 and "W001" in checked.stderr + checked.stdout

    again = _in(tmp_path, helhetsbild, "rotate-keys")
    assert again.returncode == 1 and "inte bekräftat" in again.stderr
    confirmed = _in(tmp_path, helhetsbild, "rotate-keys", "--confirm")
    assert confirmed.returncode == 0, confirmed.stderr
    assert not list(tmp_path.glob("*.previous"))
