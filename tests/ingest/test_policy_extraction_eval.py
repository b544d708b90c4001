"""The policy fact types of extraction_eval (ingest/evaluation/policy.py) and their floors."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ingest.evaluation.gold import load_gold
from ingest.evaluation.policy import evaluate_measure_tiers, evaluate_targets
from ingest.evaluation.registry import Context, GoldDocument
from ingest.evaluation.run import evaluate
from ingest.types import ParsedChapter, ParsedMeasure, ParsedPolicy, ParsedTarget


def policy_gold():
    [doc] = [d for d in load_gold() if d.label == "003"]
    return doc


def context(*measures: ParsedMeasure) -> Context:
    policy = ParsedPolicy("措施", "", "", [ParsedChapter(1, "一", list(measures))], "")
    return Context(GoldDocument(Path("x.toml"), "x", "x.txt", "policy", {}), "", policy)


def measure(number: int, **kwargs) -> ParsedMeasure:
    return ParsedMeasure(number, "标题", "正文", ["市经信局"], "", **kwargs)


def test_a_tier_link_the_gold_does_not_have_costs_precision():
    ctx = context(measure(25, tiers=["sme"]), measure(12, tiers=["specialised-sme"]))
    score = evaluate_measure_tiers({"25": [], "12": ["specialised-sme", "little-giant"]}, ctx)
    assert (score.tp, score.fp, score.fn) == (1, 1, 1)
    assert "003" not in " ".join(score.disagreements)
    assert "x measure tiers: extra 25 sme" in score.disagreements


def test_a_target_without_its_per_chain_scope_is_matched_but_scored_wrong_on_per():
    target = ParsedTarget("专精特新中小企业", Decimal(20), "家", "per_year", "…", None, "以上")
    ctx = context(measure(12, targets=[target]))
    gold = [
        {
            "measure": 12,
            "number": 20,
            "unit": "家",
            "subject": "专精特新中小企业",
            "qualifier": "以上",
            "per": "每条产业链",
            "period": "per_year",
        }
    ]
    scores = evaluate_targets(gold, ctx)
    assert scores["targets"].tp == 1
    assert (scores["targets.per"].tp, scores["targets.period"].tp) == (0, 1)


def test_a_target_with_the_wrong_qualifier_is_a_miss_and_an_extra():
    target = ParsedTarget("企业", Decimal(50), "家", "per_year", "50家企业", None, "")
    scores = evaluate_targets(
        [{"measure": 23, "number": 50, "unit": "家", "subject": "企业", "qualifier": "左右"}],
        context(measure(23, targets=[target])),
    )
    assert (scores["targets"].tp, scores["targets"].fp, scores["targets"].fn) == (0, 1, 1)


# Floors on the hand-read gold of the 2025 draft (tests/gold/003.toml).


@pytest.fixture(scope="module")
def report():
    return evaluate([policy_gold()])


def test_tier_links_keep_their_precision_floor(report):
    assert report.totals["measure_tiers"].precision >= 0.9
    assert report.totals["measure_tiers"].recall >= 0.9


def test_theme_links_keep_their_precision_floor(report):
    assert report.totals["measure_themes"].precision >= 0.9
    assert report.totals["measure_themes"].recall >= 0.85


def test_every_target_of_the_draft_is_found_with_its_scope(report):
    for name in ("targets", "targets.per", "targets.period", "targets.tier", "targets.kind"):
        score = report.totals[name]
        assert (score.precision, score.recall) == (1.0, 1.0), (name, score.disagreements)


def test_the_draft_cites_and_proposes_to_repeal_one_document(report):
    assert report.totals["references"].precision == report.totals["references"].recall == 1.0


@pytest.mark.django_db
def test_what_the_portal_holds_about_cited_documents_is_right():
    scores = evaluate([policy_gold()], types={"cited_documents"}, use_db=True)
    assert scores.totals["cited_documents"].precision == 1.0
