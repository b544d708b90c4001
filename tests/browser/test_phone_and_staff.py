"""On a phone (390×844): the owner's question answered on the first screen, folded forms, facets
in a panel, 44 px tap targets, a readable targets table. For staff: login lands in the
workspace, the header says who is signed in, 编辑 on public pages, an edit form that fits."""

import re

from policies.guide import benefit_lines
from policies.models import Measure

# No module-wide django_db mark: tests that sign in must run outside a test transaction
# (see the staff_page fixture); the others get one through the `page` fixture.

PHONE = {"width": 390, "height": 844}
OWNER_QUESTION = "/finder/?tier=little-giant&industry=optoelectronics&need=financing"


def small_targets(page, selector: str) -> list[str]:
    """Visible elements matching `selector` smaller than 44 px in either direction."""
    return page.eval_on_selector_all(
        selector,
        """els => els.filter(el => el.offsetParent !== null).map(el => {
               const r = el.getBoundingClientRect();
               return (r.height < 44 || r.width < 44) ? `${el.outerHTML.slice(0, 80)} ${r.width}x${r.height}` : null;
           }).filter(Boolean)""",
    )


def test_the_owners_question_is_answered_on_a_phones_first_screen(page, shoot):
    page.set_viewport_size(PHONE)
    page.goto(page.base + OWNER_QUESTION)
    summary = page.locator("details.query-panel > summary")
    assert summary.is_visible()
    assert "专精特新“小巨人”企业 · 光电子信息 · 融资" in summary.inner_text()
    assert summary.bounding_box()["height"] <= 60  # one line
    assert not page.get_by_label("企业类型").is_visible()  # folded
    results = page.locator("ol.finder-results > li")
    assert results.count() >= 3
    first = results.first
    assert first.bounding_box()["y"] < PHONE["height"] - 100, "the first answer is below the fold"
    titles = [h.inner_text() for h in page.locator("ol.finder-results h3").all()]
    assert "16. 提升金融服务质效" in titles
    offers = {}
    for item in results.all():
        # What each offers: the lines its text states (and its guide, once staff fill it in).
        pk = re.search(r"/(\d+)/", item.locator("h3 a").get_attribute("href")).group(1)
        lines = [li.inner_text() for li in item.locator("ul.benefits > li").all()]
        assert lines == benefit_lines(Measure.objects.get(pk=pk))[:4]
        offers[item.locator("h3").inner_text()] = lines
        # A phone for every responsible bureau: its own number, or the 12345 hotline, marked.
        bureaus = item.locator("p.responsible a").count()
        for panel in item.locator("details.contacts").all():
            panel.locator("summary").click()
        lines = item.locator(".contact-line")
        assert lines.count() == bureaus >= 1
        for line in lines.all():
            assert line.is_visible()
            phone = line.locator('a[href^="tel:"]').first
            assert phone.is_visible()
            if phone.get_attribute("href") == "tel:12345":
                assert "热线" in line.inner_text()
    financing = offers["16. 提升金融服务质效"]
    assert any("优先受理" in line for line in financing)
    assert any("贷款贴息" in line for line in financing)
    assert any("减免一定使用费" in line for line in financing)
    shoot("answer")

    summary.click()
    assert page.get_by_label("企业类型").is_visible()
    assert page.get_by_label("企业类型").input_value() == "little-giant"


def test_on_a_laptop_the_query_form_stays_open_above_the_answer(page):
    page.goto(page.base + OWNER_QUESTION)
    assert page.get_by_label("所在行业").is_visible()
    assert not page.locator("details.query-panel > summary").is_visible()


def test_search_results_come_first_and_facets_wait_in_a_panel_on_a_phone(page, shoot):
    page.set_viewport_size(PHONE)
    page.goto(page.base + "/search/?q=融资")
    first = page.locator("ol.results > li").first
    assert first.bounding_box()["y"] < PHONE["height"] - 100
    facets = page.locator("details.facets")
    assert facets.get_attribute("open") is None
    assert facets.bounding_box()["y"] > first.bounding_box()["y"]
    facets.locator("summary").click()
    link = facets.get_by_role("link").first
    assert link.is_visible()
    shoot("facets")
    link.click()
    page.wait_for_url(re.compile(r"/search/\?q=.*&"))
    assert page.locator("p.meta", has_text="已筛选").is_visible()


def test_tap_targets_are_at_least_44_px_on_a_phone(page):
    page.set_viewport_size(PHONE)
    for path, selector in [
        ("/finder/", "button, select, .checks label, .site-nav a, .brand"),
        ("/search/?q=融资", "button, input[type=search], summary, aside a, .pager a"),
        ("/search/?q=融资", "details.facets summary"),
        ("/", "main li > a:first-child"),
        ("/measures/", "main h3 > a"),
    ]:
        page.goto(page.base + path)
        if page.locator("details.facets").count():
            page.locator("details.facets > summary").click()
        assert small_targets(page, selector) == [], path
    checkbox = page.goto(page.base + "/finder/") and page.get_by_label("融资")
    assert checkbox.bounding_box()["height"] >= 20


def test_the_targets_page_is_a_readable_table_on_a_phone(page, shoot):
    page.set_viewport_size(PHONE)
    page.goto(page.base + "/targets/")
    assert not page.get_by_role("img", name="各类企业2028年目标与已报告数量").is_visible()
    table = page.get_by_role("table", name="各类企业2028年目标与已报告数量")
    assert table.is_visible()
    assert "4000家" in table.inner_text() and "30家" in table.inner_text()
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    font = page.eval_on_selector("table.chart-table td", "el => getComputedStyle(el).fontSize")
    assert float(font.rstrip("px")) >= 14
    shoot("targets")


def test_the_targets_chart_draws_30_unicorns_shorter_than_500_little_giants(page):
    page.goto(page.base + "/targets/")
    bars = page.locator("svg.chart rect.bar-target")
    widths = {}
    for i in range(bars.count()):
        bar = bars.nth(i)
        widths[bar.locator("title").text_content()] = float(bar.get_attribute("width"))
    unicorn = next(w for text, w in widths.items() if "独角兽" in text)
    giant = next(w for text, w in widths.items() if "小巨人" in text)
    assert unicorn * 5 < giant


def test_staff_sign_in_land_in_the_workspace_and_see_who_they_are(staff_page, sign_in, shoot):
    page = staff_page
    landed = sign_in()
    assert landed.endswith("/staff/")
    header = page.locator("header.site-header")
    assert "已登录：browser-staff" in header.inner_text()
    assert header.get_by_role("button", name="退出").is_visible()
    shoot("workspace")

    measure = Measure.objects.get(document__kind="measures", number=1)
    page.goto(page.base + measure.get_absolute_url())
    page.locator("main").get_by_role("link", name="编辑").click()
    page.wait_for_url(re.compile(r"/staff/measures/\d+/edit/"))
    assert page.get_by_label("目标1：原文").is_visible()
    assert page.get_by_label("新增目标：企业梯度").count() == 1

    header.get_by_role("button", name="退出").click()
    page.wait_for_load_state()
    assert "已登录" not in page.locator("header.site-header").inner_text()


def test_the_edit_form_fits_a_laptop_screen(staff_page, sign_in, shoot):
    page = staff_page
    measure = Measure.objects.get(document__kind="measures", number=1)
    sign_in(f"/staff/measures/{measure.pk}/edit/")
    assert "/edit/" in page.url
    table = page.locator("table.targets")
    wrap = page.locator("table.targets").locator("xpath=..")
    assert table.bounding_box()["width"] <= wrap.bounding_box()["width"] + 1, "the table is cut off"
    right = page.locator("form.measure-edit").bounding_box()
    assert right["x"] + right["width"] <= 1280
    delete = page.get_by_label("目标1：删除")
    box = delete.bounding_box()
    assert box["x"] + box["width"] <= wrap.bounding_box()["x"] + wrap.bounding_box()["width"]
    shoot("edit")
