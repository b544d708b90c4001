"""Related passages against the hand-read gold (tests/gold/003.toml `[related]`)."""

import pytest

from ingest.evaluation.gold import load_gold
from ingest.evaluation.run import evaluate
from replies.models import ReplySection
from search.models import RelatedPassage

pytestmark = pytest.mark.django_db


def test_the_jiebang_guashuai_section_relates_to_measure_7_not_18_or_24():
    section = ReplySection.objects.get(
        reply__proposal_number="20230314", heading__startswith="聚焦关键核心技术攻关"
    )
    numbers = set(
        RelatedPassage.objects.filter(section=section).values_list("measure__number", flat=True)
    )
    assert 7 in numbers
    assert not numbers & {18, 24}


def test_related_passages_keep_their_floor_on_the_gold():
    [gold] = [d for d in load_gold() if d.label == "003"]
    score = evaluate([gold], types={"related"}, use_db=True).totals["related"]
    assert score.precision >= 0.6, score.disagreements
    assert score.recall >= 0.55, score.disagreements


def test_a_section_is_shown_beside_at_most_its_nearest_measures():
    # PER_SECTION = 2 best scores (ties kept): no section fans out over many measures.
    per_section: dict[int, int] = {}
    for section_id in RelatedPassage.objects.values_list("section_id", flat=True):
        per_section[section_id] = per_section.get(section_id, 0) + 1
    assert max(per_section.values()) <= 3
