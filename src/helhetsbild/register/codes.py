"""The code lists of `codes.toml`, read once: what a file may say and what the program stores."""

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

CODES_FILE = Path(__file__).with_name("codes.toml")


@dataclass(frozen=True)
class CodeList:
    name: str
    labels: dict[str, str]  # code -> Swedish label
    values: dict[str, str]  # code -> the canonical file value
    lookup: dict[str, str]  # casefolded file value or alias -> code

    def parse(self, raw: str) -> str | None:
        return self.lookup.get(raw.strip().casefold())

    @property
    def choices(self) -> list[tuple[str, str]]:
        return list(self.labels.items())

    @property
    def allowed(self) -> str:
        return "/".join(self.values.values())


@cache
def code_lists() -> dict[str, CodeList]:
    with CODES_FILE.open("rb") as handle:
        data = tomllib.load(handle)
    lists = {}
    for name, entries in data.items():
        lookup = {}
        for code, entry in entries.items():
            for spelling in [entry["value"], *entry.get("aliases", [])]:
                lookup[spelling.casefold()] = code
        lists[name] = CodeList(
            name=name,
            labels={code: entry["label"] for code, entry in entries.items()},
            values={code: entry["value"] for code, entry in entries.items()},
            lookup=lookup,
        )
    return lists


def code_list(name: str) -> CodeList:
    return code_lists()[name]


def choices(name: str) -> list[tuple[str, str]]:
    return code_list(name).choices
