"""Search entries stay current on every write: ingest, the staff editing service, admin-style
ORM saves, deletions; and `reindex` re-segments after a dictionary change."""

import pytest
from django.core.management import call_command

from enterprises.models import EnterpriseTier
from policies.models import Bureau, Responsibility, Target
from policies.services import measure_update
from replies.models import ReplySection
from search import index, measure_ids_matching, search
from search.models import SearchEntry
from tests.conftest import FIXTURES

pytestmark = pytest.mark.django_db


def entry(kind, pk):
    index.flush_pending()
    return SearchEntry.objects.get(kind=kind, object_id=pk)


def test_ingest_indexes_every_measure_section_target_figure_and_bureau():
    from policies.models import Measure
    from replies.models import ReportedFigure

    expected = {
        "measure": Measure.objects.count(),
        "reply_section": ReplySection.objects.count(),
        "target": Target.objects.count(),
        "figure": ReportedFigure.objects.count(),
        "bureau": Bureau.objects.count(),
    }
    assert expected["measure"] == 25
    for kind, count in expected.items():
        assert SearchEntry.objects.filter(kind=kind).count() == count


def test_a_staff_edit_through_the_service_is_searchable_at_once(alice, measure):
    m = measure(11)
    assert m.pk not in measure_ids_matching("元宇宙")
    measure_update(
        measure=m,
        user=alice,
        data={"body": m.body + "探索元宇宙场景。"},
        expected_version=m.version,
    )
    assert measure_ids_matching("元宇宙") == [m.pk]
    assert "宇宙" in entry("measure", m.pk).body_tokens.split()


def test_a_new_title_replaces_the_old_one_in_the_index(charlie, measure):
    m = measure(23)
    measure_update(
        measure=m, user=charlie, data={"title": "打造区域公共品牌"}, expected_version=m.version
    )
    assert entry("measure", m.pk).title == "23. 打造区域公共品牌"
    assert m.pk not in measure_ids_matching('"加强品牌建设"')


def test_changing_tiers_or_responsibilities_updates_the_structured_matches(measure):
    m = measure(10)
    assert m.pk not in measure_ids_matching("独角兽")
    m.tiers.add(EnterpriseTier.objects.get(slug="unicorn"))
    assert m.pk in measure_ids_matching("独角兽")
    finance = Bureau.objects.named("市财政局").get()
    assert m.pk not in measure_ids_matching("财政局")
    Responsibility.objects.create(measure=m, bureau=finance, role="co", order=9)
    assert m.pk in measure_ids_matching("财政局")
    assert f"b:{finance.pk}" in entry("measure", m.pk).facet_keys.split()


def test_a_deleted_section_leaves_the_index():
    section = ReplySection.objects.get(heading="加大政策宣传力度")
    assert search("税收优惠").count >= 1
    section.delete()
    assert not SearchEntry.objects.filter(kind="reply_section", object_id=section.pk).exists()
    assert "一是加大政策宣传力度" not in [h.title for h in search("税收优惠").hits]


def test_a_renamed_bureau_is_found_by_its_new_alias():
    bureau = Bureau.objects.named("市统计局").get()
    bureau.aliases.create(name="统计部门")
    assert search("统计部门").hits[0].title == bureau.name


def test_ingesting_again_rewrites_no_entry(capsys):
    before = dict(SearchEntry.objects.values_list("pk", "updated_at"))
    call_command("ingest", str(FIXTURES / "003_37a99eada62a0cb8.txt"), verbosity=0)
    assert "nothing changed" in capsys.readouterr().out
    assert dict(SearchEntry.objects.values_list("pk", "updated_at")) == before


def test_reindex_resegments_entries_made_by_another_segmenter_version(measure):
    SearchEntry.objects.filter(kind="measure").update(seg_version="old", body_tokens="")
    assert measure(16).pk not in measure_ids_matching("贴息")
    changed = index.reindex(["measure"], stale_only=True)
    assert changed == {"measure": 25}
    assert measure(16).pk in measure_ids_matching("贴息")
    assert index.reindex(["measure"], stale_only=True) == {"measure": 0}


def test_reindex_removes_entries_whose_object_is_gone():
    SearchEntry.objects.create(kind="measure", object_id=10**9, title="x", url="/", seg_version="x")
    assert index.reindex(["measure"])["measure"] == 1
    assert not SearchEntry.objects.filter(object_id=10**9).exists()


def test_the_reindex_command_reports_what_it_wrote(capsys):
    SearchEntry.objects.filter(kind="bureau").update(seg_version="old")
    call_command("reindex", kind=["bureau"])
    out = capsys.readouterr().out
    assert f"bureau: {Bureau.objects.count()} entries written" in out
    assert "related passages" in out
