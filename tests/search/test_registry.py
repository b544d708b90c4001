"""Each app registers its searchable kinds once; the index, engine, facets, labels, the search
page's type filter and the reindex command all read that registry."""

from collections.abc import Iterator

import pytest

from search import registry, search
from search.index import reindex
from search.models import SearchEntry
from search.registry import SearchKind, Source, document_ref

pytestmark = pytest.mark.django_db


def test_the_apps_register_the_six_kinds_in_listing_order():
    assert registry.names() == ["measure", "reply", "reply_section", "target", "figure", "bureau"]
    assert registry.get("reply").model == "replies.Reply"
    assert registry.get("measure").model == "policies.Measure"
    assert registry.get("figure").model == "replies.ReportedFigure"
    assert dict(SearchEntry._meta.get_field("kind").flatchoices) == registry.labels()


def _no_sources(ids: list[int]) -> Iterator[Source]:
    return iter([])


def test_registering_a_kind_twice_differently_is_refused():
    with pytest.raises(ValueError, match="measure"):
        registry.register(SearchKind("measure", "另一个", "policies.Chapter", _no_sources, order=0))


def _chapter_sources(ids):
    from policies.models import Chapter

    for c in Chapter.objects.filter(pk__in=ids).select_related("document"):
        yield Source(
            "chapter",
            c.pk,
            document_ref(c.document),
            f"第{c.number}章 {c.title}",
            c.title,
            "",
            c.document.get_absolute_url(),
            {"number": c.number},
        )


@pytest.fixture
def chapters():
    kind = SearchKind("chapter", "章", "policies.Chapter", _chapter_sources, order=9)
    registry.register(kind)
    yield kind
    registry.unregister("chapter")
    SearchEntry.objects.filter(kind="chapter").delete()


def test_a_newly_registered_kind_is_indexed_searched_filtered_and_labelled(chapters, client):
    assert reindex(["chapter"])["chapter"] == 5
    result = search("梯队", types=["chapter"])
    assert [h.title for h in result.hits] == ["第1章 建强优质中小企业梯队，大力培育“根企业”"]
    assert result.facet_labels["type"] == {"chapter": "章"}
    html = client.get("/search/", {"q": "梯队", "type": "chapter"}).content.decode()
    assert '<option value="chapter" selected>章</option>' in html
    assert "第1章 建强优质中小企业梯队" in html
