"""Atom feeds for every bureau, tier, theme and search; sitemap.xml."""

import xml.etree.ElementTree as ET

import pytest

from enterprises.models import EnterpriseTier
from policies.models import Bureau, Measure, Theme
from replies.models import Reply

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def entries(response) -> list[tuple[str | None, str | None]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    return [
        (e.find(f"{ATOM}title").text, e.find(f"{ATOM}link").get("href"))
        for e in root.iter(f"{ATOM}entry")
    ]


def test_bureau_feed_has_its_measures_and_replies(client, measure):
    bureau = Bureau.objects.named("市经信局").get()
    items = entries(client.get(f"/bureaus/{bureau.pk}/feed/"))
    titles = [t for t, _ in items]
    assert "1. 完善梯度培育体系" in titles
    assert "对市政协十四届四次会议第20250597号提案的答复" in titles  # co-handled
    assert any(link.endswith(measure(1).get_absolute_url()) for _, link in items)


def test_tier_feed_has_the_measures_that_apply(client):
    titles = [t for t, _ in entries(client.get("/tiers/little-giant/feed/"))]
    assert "1. 完善梯度培育体系" in titles
    assert "5. 加强知识产权赋能" in titles  # inherited from 专精特新中小企业
    assert "4. 助力企业“升规进限”" not in titles


def test_theme_feed_has_measures_and_reply_sections(client):
    titles = [t for t, _ in entries(client.get("/themes/land/feed/"))]
    assert titles[0] == "15. 精准保障企业用地"


def test_search_feed_has_the_results(client, measure):
    items = entries(client.get("/search/feed/", {"q": "融资"}))
    assert any(link.endswith(measure(16).get_absolute_url()) for _, link in items)


def test_every_feed_entry_has_an_updated_date(client):
    bureau = Bureau.objects.named("市经信局").get()
    for path in ["/search/feed/?q=融资", f"/bureaus/{bureau.pk}/feed/", "/themes/financing/feed/"]:
        root = ET.fromstring(client.get(path).content)
        found = list(root.iter(f"{ATOM}entry"))
        assert found
        assert all(e.find(f"{ATOM}updated") is not None for e in found), path


@pytest.mark.parametrize("q", ["", "' OR 1=1", "融资" * 3000])
def test_search_feed_takes_any_query(client, q):
    entries(client.get("/search/feed/", {"q": q}))


def test_every_bureau_tier_and_theme_has_a_feed(client):
    for bureau in Bureau.objects.all()[:5]:
        entries(client.get(f"/bureaus/{bureau.pk}/feed/"))
    for tier in EnterpriseTier.objects.all():
        entries(client.get(f"/tiers/{tier.slug}/feed/"))
    for theme in Theme.objects.all():
        entries(client.get(f"/themes/{theme.slug}/feed/"))


def test_feeds_of_missing_objects_are_404(client):
    assert client.get("/bureaus/999999/feed/").status_code == 404
    assert client.get("/tiers/nope/feed/").status_code == 404
    assert client.get("/themes/nope/feed/").status_code == 404


@pytest.mark.parametrize(
    "path", ["/bureaus/{pk}/feed/", "/tiers/little-giant/feed/", "/themes/financing/feed/"]
)
def test_feeds_render_in_a_bounded_number_of_queries(client, path, django_assert_max_num_queries):
    bureau = Bureau.objects.named("市经信局").get()
    with django_assert_max_num_queries(4):
        assert client.get(path.format(pk=bureau.pk)).status_code == 200


def test_sitemap_lists_every_measure_tier_and_reply(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for m in Measure.objects.all():
        assert f"{m.get_absolute_url()}</loc>" in xml
    for r in Reply.objects.all():
        assert f"{r.get_absolute_url()}</loc>" in xml
    assert "/tiers/little-giant/</loc>" in xml
    assert "/finder/</loc>" in xml


def test_summaries_are_plain_text_so_staff_markup_is_shown_as_typed(client, measure, charlie):
    from policies.services import measure_update

    m16 = measure(16)
    body = '融资 <img src=x onerror="alert(1)"> & <b>加粗</b>'
    measure_update(measure=m16, user=charlie, data={"body": body}, expected_version=m16.version)
    root = ET.fromstring(client.get("/themes/financing/feed/").content)
    entry = next(
        e for e in root.iter(f"{ATOM}entry") if e.find(f"{ATOM}title").text.startswith("16.")
    )
    summary = entry.find(f"{ATOM}summary")
    assert summary.get("type") == "text"
    assert summary.text == body
    assert {s.get("type") for s in root.iter(f"{ATOM}summary")} == {"text"}
