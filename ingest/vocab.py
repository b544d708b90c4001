"""The controlled vocabularies shipped with the project: bureaus, tiers and themes.

Loaded from TOML data files so the parsers stay pure and the lists are edited without code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .text import strip_quotes

DATA_DIR = Path(__file__).resolve().parent / "data"
BUREAUS_FILE = DATA_DIR / "bureaus.toml"
TIERS_FILE = DATA_DIR / "tiers.toml"
THEMES_FILE = DATA_DIR / "themes.toml"
INDUSTRIES_FILE = DATA_DIR / "industries.toml"
USERDICT_FILE = DATA_DIR / "userdict.txt"


@dataclass(frozen=True)
class BureauSpec:
    name: str
    short_name: str
    aliases: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class TierSpec:
    slug: str
    name: str
    ladder: str
    rank: int
    parent: str | None
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class ThemeSpec:
    slug: str
    name: str
    keywords: tuple[str, ...]


def _load(path: Path) -> dict:
    with path.open("rb") as fh:
        return tomllib.load(fh)


@cache
def bureau_specs() -> tuple[BureauSpec, ...]:
    return tuple(
        BureauSpec(b["name"], b["short_name"], tuple(b.get("aliases", ())), b["kind"])
        for b in _load(BUREAUS_FILE)["bureau"]
    )


@cache
def tier_specs() -> tuple[TierSpec, ...]:
    return tuple(
        TierSpec(
            t["slug"],
            t["name"],
            t["ladder"],
            t["rank"],
            t.get("parent"),
            tuple(t.get("aliases", ())),
        )
        for t in _load(TIERS_FILE)["tier"]
    )


@cache
def theme_specs() -> tuple[ThemeSpec, ...]:
    return tuple(
        ThemeSpec(t["slug"], t["name"], tuple(t["keywords"])) for t in _load(THEMES_FILE)["theme"]
    )


def bureau_key(name: str) -> str:
    """The form names are compared in: no spaces, quotes or brackets of either width."""
    return re.sub(r"[\s“”\"'（）()]", "", name)


@cache
def _bureau_index() -> dict[str, BureauSpec]:
    index: dict[str, BureauSpec] = {}
    for spec in bureau_specs():
        for name in (spec.name, spec.short_name, *spec.aliases):
            index[bureau_key(name)] = spec
    return index


def resolve_bureau(name: str) -> BureauSpec | None:
    """The bureau a written name stands for, or None when the data file does not know it."""
    key = bureau_key(name)
    spec = _bureau_index().get(key)
    if spec is None and key.startswith("武汉市"):
        spec = _bureau_index().get("市" + key.removeprefix("武汉市"))
    return spec


@cache
def _tier_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    names: dict[str, str] = {}
    for spec in tier_specs():
        for name in (spec.name, *spec.aliases):
            names.setdefault(strip_quotes(name), spec.slug)
    alternatives = sorted(names, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), names


def find_tiers(text: str) -> list[str]:
    """Tier slugs named in the text, in order of first mention, the longest name winning."""
    pattern, names = _tier_pattern()
    found: list[str] = []
    for match in pattern.finditer(strip_quotes(text)):
        slug = names[match.group(0)]
        if slug not in found:
            found.append(slug)
    return found


def find_themes(text: str) -> list[str]:
    """Theme slugs whose keywords occur in the text, in the data file's order."""
    return [spec.slug for spec in theme_specs() if any(k in text for k in spec.keywords)]
