"""What applies to each tier (tiers.toml's ladders and `sits_on`): every tier's page and finder
answer, with the measure numbers of the 2025 draft."""

import re

import pytest

from enterprises.finder import find_measures, finder_query
from enterprises.models import EnterpriseTier
from ingest import vocab

pytestmark = pytest.mark.django_db

SME = {3, 11, 20}  # name 中小企业
SPECIALISED = {1, 3, 5, 6, 7, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24}
OPEN = {2, 13, 14, 25}  # name no tier: the finder lists them for every tier

APPLICABLE = {
    "sme": SME,
    "innovative-sme": SME | {1},  # 1 names 科技和创新型中小企业
    "specialised-sme": SPECIALISED,
    "little-giant": SPECIALISED,
    "key-little-giant": SPECIALISED,
    "single-champion": SPECIALISED,
    "unicorn": {1},
    # The science-and-technology tiers are SMEs: what 中小企业 measures serve applies to them.
    "startup-tech": SME,
    "small-high-tech": SME,
    "gazelle": SME,
    "tech-leader": SME,
    "tech-sme": SME | {1},  # a 科技型中小企业 is a 科技和创新型中小企业
    "high-tech": SME,  # only for the SMEs among them, and the answer says so
    "above-scale-industrial": {4},
    "above-quota-trade": {4},
}


def test_every_tier_of_the_data_file_is_checked_here():
    assert {spec.slug for spec in vocab.tier_specs()} == set(APPLICABLE)


def _listed(html: str) -> list[int]:
    section = html[html.index('id="measures-heading"') : html.index("按行业和需求进一步筛选")]
    return [int(n) for n in re.findall(r'<h3><a href="/measures/\d+/">(\d+)\. ', section)]


@pytest.mark.parametrize("slug", sorted(APPLICABLE))
def test_each_tier_page_lists_what_applies_to_it(client, slug):
    html = client.get(f"/tiers/{slug}/").content.decode()
    listed = _listed(html)
    assert set(listed) == APPLICABLE[slug]
    assert len(listed) == len(set(listed))
    assert f"适用的措施（{len(APPLICABLE[slug])}）" in html
    assert f"另有 {len(OPEN)} 条措施未限定企业类型" in html


@pytest.mark.parametrize("slug", sorted(APPLICABLE))
def test_each_tier_finder_answer_is_what_applies_plus_what_names_no_tier(slug):
    matches = find_measures(finder_query(tier=slug)).matches
    numbers = [m.measure.number for m in matches]
    assert set(numbers) == APPLICABLE[slug] | OPEN
    # What names a tier the owner's tier stands on comes before what names no tier.
    assert set(numbers[: len(APPLICABLE[slug])]) == APPLICABLE[slug]


@pytest.mark.parametrize("slug", sorted(APPLICABLE))
def test_each_tier_filter_on_the_measure_list_and_the_api_agree(client, slug):
    html = client.get("/measures/", {"tier": slug}).content.decode()
    assert f"共 {len(APPLICABLE[slug])} 条措施" in html
    rows = client.get("/api/v1/measures/", {"tier": slug, "page_size": 200}).json()["results"]
    assert {r["number"] for r in rows} == APPLICABLE[slug]


def test_a_tech_sme_stands_on_the_sme_ladder():
    tier = EnterpriseTier.objects.get(slug="tech-sme")
    standing = EnterpriseTier.objects.standing(tier)
    assert [(s.tier.slug, s.distance, s.condition) for s in standing] == [
        ("tech-sme", 0, ""),
        ("innovative-sme", 1, ""),
        ("sme", 2, ""),
    ]


def test_high_tech_gets_sme_measures_only_under_a_stated_condition(client):
    tier = EnterpriseTier.objects.get(slug="high-tech")
    sme = next(s for s in EnterpriseTier.objects.standing(tier) if s.tier.slug == "sme")
    assert sme.condition == "属于中小企业的高新技术企业"
    html = client.get("/tiers/high-tech/").content.decode()
    assert "中小企业</a>（属于中小企业的高新技术企业）" in html
    assert html.count("属于中小企业的高新技术企业适用") == len(SME)
    match = next(m for m in find_measures(finder_query(tier="high-tech")).matches)
    assert "面向中小企业：属于中小企业的高新技术企业适用" in match.reasons


def test_a_gazelle_stands_on_sme_without_condition_through_its_ladder():
    tier = EnterpriseTier.objects.get(slug="gazelle")
    by_slug = {s.tier.slug: s for s in EnterpriseTier.objects.standing(tier)}
    assert by_slug["sme"].condition == ""  # via 小微高企 and 初创科技企业, not via 高新技术企业
    assert {"high-tech", "small-high-tech", "startup-tech"} <= set(by_slug)


def test_the_sme_page_names_the_tiers_standing_on_it(client):
    html = client.get("/tiers/sme/").content.decode()
    above = html[html.index("更高层级：") :]
    for name in ("科技型中小企业", "初创科技企业", "高新技术企业", "专精特新“小巨人”企业"):
        assert name in above[: above.index("</p>")]


def test_the_loader_refuses_a_tier_standing_on_an_unknown_tier(tmp_path, monkeypatch):
    bad = tmp_path / "tiers.toml"
    bad.write_text(
        '[[tier]]\nslug = "a"\nname = "甲"\nladder = "x"\nrank = 1\n'
        'sits_on = [{ tier = "nowhere" }]\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(vocab, "TIERS_FILE", bad)
    vocab.tier_specs.cache_clear()
    try:
        with pytest.raises(ValueError, match="tier a names tier 'nowhere'"):
            vocab.tier_specs()
    finally:
        vocab.tier_specs.cache_clear()


def test_sits_on_reaches_the_database_with_its_condition():
    stored = dict(EnterpriseTier.objects.values_list("slug", "sits_on"))
    assert stored["tech-sme"] == [{"tier": "innovative-sme"}]
    assert stored["high-tech"] == [{"tier": "sme", "when": "属于中小企业的高新技术企业"}]
    assert stored["sme"] == []
