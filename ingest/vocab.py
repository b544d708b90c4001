"""The controlled vocabularies shipped with the project: bureaus, tiers, themes and industries.

Loaded from TOML data files so the parsers stay pure and the lists are edited without code.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .text import strip_quotes

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10
    import tomli as tomllib

DATA_DIR = Path(__file__).resolve().parent / "data"
BUREAUS_FILE = DATA_DIR / "bureaus.toml"
TIERS_FILE = DATA_DIR / "tiers.toml"
THEMES_FILE = DATA_DIR / "themes.toml"
INDUSTRIES_FILE = DATA_DIR / "industries.toml"
LINKING_FILE = DATA_DIR / "linking.toml"
USERDICT_FILE = DATA_DIR / "userdict.txt"


@dataclass(frozen=True)
class BureauSpec:
    name: str
    short_name: str
    aliases: tuple[str, ...]
    kind: str


@dataclass(frozen=True)
class TierBase:
    """A tier of another ladder that a tier stands on: what applies to `tier` applies to it,
    to those of its enterprises `when` says if it says anything (tiers.toml)."""

    tier: str
    when: str = ""


@dataclass(frozen=True)
class TierSpec:
    slug: str
    name: str
    ladder: str
    rank: int
    parent: str | None
    aliases: tuple[str, ...]
    sits_on: tuple[TierBase, ...] = ()


@dataclass(frozen=True)
class IndustrySpec:
    """An industry an owner can pick in the finder (industries.toml)."""

    slug: str
    name: str
    group: str
    keywords: tuple[str, ...]  # words that name the industry or its chain in a measure
    chain965: bool  # one of the city's "965" industrial chains


@dataclass(frozen=True)
class ThemeSpec:
    slug: str
    name: str
    keywords: tuple[str, ...]
    not_in: tuple[str, ...] = ()  # phrases holding a keyword that are not about the theme


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
    """The tiers of tiers.toml; a `parent` or `sits_on` naming no tier of the file raises."""
    specs = tuple(
        TierSpec(
            t["slug"],
            t["name"],
            t["ladder"],
            t["rank"],
            t.get("parent"),
            tuple(t.get("aliases", ())),
            tuple(TierBase(b["tier"], b.get("when", "")) for b in t.get("sits_on", ())),
        )
        for t in _load(TIERS_FILE)["tier"]
    )
    slugs = {spec.slug for spec in specs}
    for spec in specs:
        for named in [*([spec.parent] if spec.parent else []), *(b.tier for b in spec.sits_on)]:
            if named not in slugs or named == spec.slug:
                raise ValueError(f"{TIERS_FILE.name}: tier {spec.slug} names tier {named!r}")
    return specs


@cache
def theme_specs() -> tuple[ThemeSpec, ...]:
    return tuple(
        ThemeSpec(t["slug"], t["name"], tuple(t["keywords"]), tuple(t.get("not_in", ())))
        for t in _load(THEMES_FILE)["theme"]
    )


@cache
def industry_specs() -> tuple[IndustrySpec, ...]:
    return tuple(
        IndustrySpec(
            slug=row["slug"],
            name=row["name"],
            group=row["group"],
            keywords=tuple(row.get("keywords") or [row["name"]]),
            chain965=bool(row.get("chain965", False)),
        )
        for row in _load(INDUSTRIES_FILE)["industry"]
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
def _linking() -> dict:
    return _load(LINKING_FILE)


@cache
def _tier_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    names: dict[str, str] = {}
    for spec in tier_specs():
        for name in (spec.name, *spec.aliases):
            names.setdefault(strip_quotes(name), spec.slug)
    alternatives = sorted(names, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives))), names


def _alternation(words) -> str:
    return "|".join(map(re.escape, sorted(words, key=len, reverse=True)))


@cache
def _tier_rules() -> tuple[int, re.Pattern[str], re.Pattern[str]]:
    rules = _linking()["tiers"]
    achieved = _alternation(rules.get("achieved_words", ())) or "(?!)"
    becoming = _alternation(rules["becoming_words"])
    return (
        rules["phrase_chars"],
        re.compile(_alternation(rules["thing_words"])),
        re.compile(f"(?P<before>{achieved})?(?:{becoming})$"),
    )


# Nouns that make a phrase about enterprises whatever qualifies them ("园区企业").
_ENTERPRISE_HEADS = ("企业", "单位", "主体", "市场主体")

# Where a noun phrase after a tier name stops: punctuation, quotes, brackets, conjunctions, 的.
_PHRASE_STOP = re.compile(r"[\s，。；：！？、,.;:!?（）()“”\"《》〔〕\[\]【】和及与或等的]")


def _phrase_after(text: str, start: int, limit: int) -> tuple[str, str]:
    """The words right after `start` up to a stop (at most `limit` characters), and the stop."""
    stop = _PHRASE_STOP.search(text, start, start + limit + 1)
    if stop is None:
        return text[start : start + limit], ""
    return text[start : stop.start()], stop.group(0)


def _names_enterprises(text: str, start: int, end: int) -> bool:
    """True when the tier name at text[start:end] names enterprises of the tier.

    False where it only qualifies a thing ("中小企业服务站", "专精特新中小企业定期统计监测制度",
    "…企业达到数量要求的园区") or says what an enterprise may become ("成长为专精特新“小巨人”企业").
    """
    limit, things, becoming = _tier_rules()
    goal = becoming.search(text, 0, start)
    if goal and not goal.group("before"):
        return False
    while end < len(text) and text[end] in "”’」』\"'":
        end += 1  # the closing quote of "“小巨人”" belongs to the name
    phrase, stop = _phrase_after(text, end, limit)
    if things.search(phrase):
        return False
    if stop == "的":
        after, _ = _phrase_after(text, end + len(phrase) + 1, limit)
        # "…的园区" is about parks; "…的园区企业" is still about enterprises.
        thing = things.search(after)
        if thing and not after.startswith(_ENTERPRISE_HEADS, thing.end()):
            return False
    return True


def _tier_mentions(text: str) -> list[tuple[int, int, str]]:
    """(start, end, slug) of every tier name in `text`, the longest name winning, quotes allowed
    inside a name ("专精特新“小巨人”企业" and "专精特新小巨人企业" are one name)."""
    pattern, names = _tier_pattern()
    kept = [i for i, ch in enumerate(text) if strip_quotes(ch)]
    bare = "".join(text[i] for i in kept)
    return [
        (kept[m.start()], kept[m.end() - 1] + 1, names[m.group(0)]) for m in pattern.finditer(bare)
    ]


def find_tiers(text: str) -> list[str]:
    """Tier slugs whose enterprises the text names, in order of first mention.

    A tier name inside the name of a thing or a goal does not count (see `_names_enterprises` and
    linking.toml).
    """
    found: list[str] = []
    for start, end, slug in _tier_mentions(text):
        if slug not in found and _names_enterprises(text, start, end):
            found.append(slug)
    return found


@cache
def _proper_name_pattern() -> re.Pattern[str]:
    rules = _linking()["themes"]
    body = f"[\u4e00-\u9fff]{{1,{rules['name_max_chars']}}}?"
    association = f"[\\u4e00-\\u9fff]{{1,{rules['association_chars']}}}"
    return re.compile(
        f"(?:{_alternation(rules['name_starts'])}){body}(?:{_alternation(rules['name_ends'])})"
        f"|{association}(?:{_alternation(rules['association_ends'])})"
        r"|《[^《》]*》"
    )


@cache
def _frame_pattern() -> re.Pattern[str]:
    rules = _linking()["themes"]
    return re.compile(
        f"(?:{_alternation(rules['frame_words'])})[^，。；！？,;]*?"
        f"(?:{_alternation(rules['frame_ends'])}|(?=[，。；！？,;])|$)"
    )


def _unreadable_spans(text: str) -> list[tuple[int, int]]:
    """Proper names (tier names, 《titles》, bodies such as "市计量标准质量研究院") and opening
    frames ("聚焦…领域，"): spans no theme is read from."""
    spans = [(s, e) for s, e, _ in _tier_mentions(text)]
    spans += [m.span() for m in _proper_name_pattern().finditer(text)]
    spans += [m.span() for m in _frame_pattern().finditer(text)]
    return spans


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span turned into spaces, so no new word forms across it."""
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        for i in range(start, end):
            chars[i] = " "
    return "".join(chars)


def theme_text(text: str) -> str:
    """The text themes are read from (see `_unreadable_spans`)."""
    return _blank(text, _unreadable_spans(text))


def _theme_hits(spec: ThemeSpec, text: str, spans: list[tuple[int, int]]) -> bool:
    if spec.not_in:  # found in the original text: "园区中小企业" holds a tier name
        spans = spans + [m.span() for m in re.finditer(_alternation(spec.not_in), text)]
    readable = _blank(text, spans)
    return any(k in readable for k in spec.keywords)


@cache
def _tier_verb_patterns() -> dict[str, re.Pattern[str]]:
    rules = _linking()["themes"]
    chars = rules["verb_chars"]
    return {
        slug: re.compile(f"(?:{_alternation(verbs)})[^，。；！？,;]{{0,{chars}}}$")
        for slug, verbs in rules.get("tier_verbs", {}).items()
    }


def _themes_by_tier_verbs(text: str) -> set[str]:
    """Themes a verb before a tier's enterprises speaks of ("培育专精特新中小企业")."""
    found: set[str] = set()
    limit, things, _ = _tier_rules()
    for start, end, _slug in _tier_mentions(text):
        phrase, stop = _phrase_after(text, end, limit)
        if things.search(phrase) or (
            stop == "的" and things.search(_phrase_after(text, end + len(phrase) + 1, limit)[0])
        ):
            continue
        for theme, pattern in _tier_verb_patterns().items():
            if pattern.search(text, max(0, start - 12), start):
                found.add(theme)
    return found


def find_themes(text: str) -> list[str]:
    """Theme slugs the text is about, in the data file's order: a keyword of the theme occurs
    outside proper names, opening frames and the theme's `not_in` phrases, or a verb of the
    theme acts on a tier's enterprises (linking.toml)."""
    spans = _unreadable_spans(text)
    by_verbs = _themes_by_tier_verbs(text)
    return [
        spec.slug
        for spec in theme_specs()
        if spec.slug in by_verbs or _theme_hits(spec, text, spans)
    ]
