"""文号 found in texts of the genre: pure, no database."""

from pathlib import Path

import pytest

from ingest.references import find_references, normalise, repealed_references

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("武政规〔2022〕23号", "武政规〔2022〕23号"),
        ("武政规[2022]23号", "武政规〔2022〕23号"),
        ("武政规【2022】23号", "武政规〔2022〕23号"),
        ("武政规［2022］23号", "武政规〔2022〕23号"),
        ("武政规（2022）23号", "武政规〔2022〕23号"),
        ("武政规 〔 2022 〕 23 号", "武政规〔2022〕23号"),
        ("武政规〔2022〕第023号", "武政规〔2022〕23号"),
        ("武政规2022年第23号", "武政规〔2022〕23号"),
        ("武发〔2025〕5号", "武发〔2025〕5号"),
        ("鄂政办发〔2021〕12号", "鄂政办发〔2021〕12号"),
        ("工信部企业〔2021〕1号", "工信部企业〔2021〕1号"),
        ("武经信规〔2023〕1号", "武经信规〔2023〕1号"),
    ],
)
def test_every_bracket_and_year_form_normalises_to_one(text, reference):
    assert normalise(text) == reference
    [found] = find_references(f"根据{text}文件精神，")
    assert found.reference == reference


@pytest.mark.parametrize(
    "text",
    [
        "（〔2022〕23号）",
        "2022年第3号台风",
        "第20250597号提案",
        "2023年12月",
        "《行动计划（2025-2027年）》",
    ],
)
def test_numbers_that_are_no_document_reference(text):
    assert find_references(text) == []


def test_lead_in_words_are_not_part_of_the_issuer():
    found = find_references(
        "印发武发〔2025〕5号，按照武政规〔2021〕17号和鄂政发〔2020〕3号执行；我市出台武政规〔2022〕23号"
    )
    assert [r.reference for r in found] == [
        "武发〔2025〕5号",
        "武政规〔2021〕17号",
        "鄂政发〔2020〕3号",
        "武政规〔2022〕23号",
    ]


def test_the_title_given_with_the_number_is_kept():
    text = "印发《武汉市促进中小企业“专精特新”高质量发展行动计划》(武政规〔2021〕17号),提出"
    [found] = find_references(text)
    assert found.title == "武汉市促进中小企业“专精特新”高质量发展行动计划"
    assert text[found.start : found.end] == found.written == "武政规〔2021〕17号"


def test_a_reply_cites_both_earlier_policies():
    text = (FIXTURES / "001_b90b991a7ffb17d7.txt").read_text(encoding="utf-8")
    found = find_references(text)
    assert [(r.reference, r.title) for r in found] == [
        ("武政规〔2021〕17号", "武汉市促进中小企业“专精特新”高质量发展行动计划"),
        (
            "武政规〔2022〕23号",
            "关于进一步优化发展环境激发市场活力推动中小企业突破性发展若干政策措施",
        ),
    ]


def test_only_a_sentence_that_repeals_gives_repealed_references():
    text = (
        "本办法自2025年1月1日起施行。《关于印发某办法的通知》（武政规〔2019〕3号）同时废止。"
        "执行中参照武政规〔2021〕17号。"
    )
    assert [(r.reference, r.title) for r in repealed_references(text)] == [
        ("武政规〔2019〕3号", "关于印发某办法的通知")
    ]
