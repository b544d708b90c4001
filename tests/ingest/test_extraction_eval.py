"""extraction_eval: gold files, the fact-type registry, the matching rules and the floors."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from ingest.evaluation.gold import GOLD_DIR, PROJECT_ROOT, load_gold
from ingest.evaluation.registry import Context, GoldDocument, load_plugins
from ingest.evaluation.reply import evaluate_figures, subject_matches
from ingest.evaluation.run import evaluate
from ingest.types import ParsedFigure, ParsedReply, ParsedSection


def context(*figures: ParsedFigure) -> Context:
    """What a parser might have extracted (the evaluator is tested, not the parser)."""
    section = ParsedSection(level=1, number=1, heading="培育企业", text="", figures=list(figures))
    reply = ParsedReply("答复", "20230001", "", None, None, [], "", [section], "")
    return Context(GoldDocument(Path("x.toml"), "x", "x.txt", "reply", {}), "", reply)


EXTRACTED = (
    ParsedFigure("高新技术企业", Decimal(12000), "家", "全市高新技术企业达到1.2万家", 2022),
    ParsedFigure("科技创新瞪羚企业", Decimal(70), "家", "遴选出70家科技创新瞪羚企业", 2022),
    ParsedFigure("活动", Decimal(30), "场", "举办活动30余场", 2021, qualifier="余"),
)


def test_every_gold_file_names_an_existing_source_and_only_fact_types_that_are_evaluated():
    registry = load_plugins()
    docs = load_gold()
    assert {"000"} <= {d.label for d in docs}
    for doc in docs:
        assert (PROJECT_ROOT / doc.file).is_file(), doc.file
        assert set(doc.data) <= set(registry), (doc.label, set(doc.data) - set(registry))


def test_a_subject_matches_when_it_contains_the_gold_subject_without_a_whole_clause():
    gold = {"subject": "技术经理人培训"}
    assert subject_matches(gold, "“汉版”技术经理人培训")
    assert not subject_matches(gold, "培训")
    assert not subject_matches(gold, "联合华科、武理工、武汉投控等举办“汉版”技术经理人培训")
    assert subject_matches({"subject": "新兴、未来产业"}, "新兴未来产业")
    assert subject_matches({"subject": "服务", "subject_also": ["走访服务"]}, "走访服务")


def test_figures_count_right_wrong_missed_and_extra_and_say_why():
    gold = [
        {"number": 12000, "unit": "家", "subject": "高新技术企业", "year": 2022},
        {"number": 70, "unit": "家", "subject": "科技创新瞪羚企业", "year": 2022},
        {"number": 30, "unit": "场", "subject": "活动", "qualifier": "余", "year": 2022},
        {"number": 9, "unit": "个", "subject": "平台", "year": 2022},
    ]
    scores = evaluate_figures(gold, context(*EXTRACTED))
    main = scores["figures"]
    assert (main.tp, main.fp, main.fn) == (3, 0, 1)
    assert any("missed 9个" in line for line in main.disagreements)
    assert (scores["figures.year"].tp, scores["figures.year"].fp) == (2, 1)
    assert any("30场余" in line and "2021" in line for line in scores["figures.year"].disagreements)


def test_a_wrong_qualifier_is_reported_as_a_difference_not_as_a_match():
    gold = [{"number": 30, "unit": "场", "subject": "活动", "year": 2022}]
    main = evaluate_figures(gold, context(*EXTRACTED))["figures"]
    assert (main.tp, main.fp, main.fn) == (0, 3, 1)
    assert any("differs" in line and "30场余" in line for line in main.disagreements)


def test_the_command_prints_precision_and_recall_per_fact_type_and_the_disagreements():
    out = StringIO()
    call_command("extraction_eval", "--document", "000", stdout=out)
    text = out.getvalue()
    assert "precision" in text and "recall" in text
    for name in ("figures", "sections", "reply", "parsed"):
        assert any(line.startswith(name + " ") for line in text.splitlines()), name
    assert GOLD_DIR.is_dir()


def test_figures_keep_their_floors_on_number_unit_subject_and_qualifier():
    report = evaluate(types={"figures"})
    figures = report.totals["figures"]
    assert figures.tp + figures.fn >= 230  # the gold covers every figure of the replies
    assert figures.precision >= 0.95, figures.disagreements
    assert figures.recall >= 0.9, figures.disagreements
    for attribute in ("figures.year", "figures.kind", "figures.scope", "figures.year_from"):
        assert report.totals[attribute].precision >= 0.9, report.totals[attribute].disagreements


def test_every_layout_variant_and_bundled_reply_is_parsed_with_its_header_and_sections():
    report = evaluate(types={"reply", "sections"})
    variants = [label for label in report.per_document if label.startswith("variants/")]
    assert len(variants) >= 6
    for label in variants:
        assert report.per_document[label]["parsed"].tp == 1, label
    assert report.totals["parsed"].recall == 1.0, report.totals["parsed"].disagreements
    assert report.totals["reply"].precision >= 0.95, report.totals["reply"].disagreements
    assert report.totals["sections"].recall >= 0.95, report.totals["sections"].disagreements
