"""What a person sees: the home page, a search for 融资, a measure, the finder, in chromium."""

import re

import pytest

from policies.models import Bureau

pytestmark = pytest.mark.django_db


def test_home_page_shows_a_labelled_search_box_and_the_tiers(page, shoot):
    page.goto(page.base + "/")
    assert page.get_by_role("heading", level=1).inner_text() == "武汉市专精特新政策知识库"
    assert page.get_by_role("searchbox", name="搜索政策").is_visible()
    assert page.get_by_role("link", name="专精特新“小巨人”企业").first.is_visible()
    assert page.get_by_role("navigation", name="主导航").is_visible()
    shoot("home")


def test_searching_融资_shows_highlighted_results_and_opens_measure_16(page, shoot):
    page.goto(page.base + "/")
    page.get_by_role("searchbox", name="搜索政策").fill("融资")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search/\?q="))
    assert page.get_by_role("heading", level=1).inner_text() == "搜索“融资”"
    marks = page.locator("ol.results mark")
    assert marks.count() > 0
    assert marks.first.inner_text() == "融资"
    assert marks.first.is_visible()
    shoot("results")

    page.get_by_role("link", name=re.compile(r"提升金融服务质效")).first.click()
    assert page.get_by_role("heading", level=1).inner_text() == "16. 提升金融服务质效"
    bureaus = page.locator("#bureaus-heading + ul > li")
    assert bureaus.first.inner_text().startswith("中共武汉市委金融委员会办公室")
    assert "牵头" in bureaus.first.inner_text()
    assert "有效期至" in page.locator("#source-heading + dl").inner_text()
    shoot("measure")


def test_the_bureau_link_on_a_measure_opens_the_bureau_page(page):
    page.goto(page.base + "/measures/")
    page.get_by_role("link", name="1. 完善梯度培育体系").click()
    page.locator("#bureaus-heading + ul").get_by_role("link", name="武汉市经济和信息化局").click()
    assert page.get_by_role("heading", level=1).inner_text() == "武汉市经济和信息化局"
    assert (
        page.locator("#leads-heading + ul")
        .get_by_role("link", name="1. 完善梯度培育体系")
        .is_visible()
    )


def test_the_finder_ranks_measures_shows_who_is_responsible_and_prints_cleanly(page, shoot):
    page.goto(page.base + "/finder/")
    page.get_by_label("企业类型").select_option("specialised-sme")
    page.get_by_label("所在行业").select_option(label="光电子信息")
    page.get_by_label("融资").check()
    page.get_by_label("人才").check()
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"tier=specialised-sme"))
    assert "industry=optoelectronics" in page.url
    assert "need=financing" in page.url and "need=talent" in page.url

    first = page.locator("ol.finder-results > li").first
    assert first.get_by_role("heading").inner_text() == "3. “陪跑”中小企业成长"
    assert "满足需求：融资、人才" in first.inner_text()
    assert "负责：市经信局（牵头）" in first.inner_text()
    assert page.get_by_label("本次查询的链接").input_value() == page.url
    assert page.get_by_role("button", name="复制链接").is_visible()  # shown once JavaScript runs
    shoot("answer")

    page.emulate_media(media="print")
    assert not page.locator("header.site-header").is_visible()
    assert not page.locator("form.filters").is_visible()
    assert page.locator("p.print-only").is_visible()
    assert first.is_visible()
    shoot("print")
    page.emulate_media(media="screen")


def test_a_shared_finder_link_gives_the_same_answer(page):
    page.goto(page.base + "/finder/?tier=little-giant&need=land")
    first = page.locator("ol.finder-results > li").first
    assert first.get_by_role("heading").inner_text() == "15. 精准保障企业用地"
    assert "负责：市资建局（牵头）" in first.inner_text()
    assert page.get_by_label("企业类型").input_value() == "little-giant"
    assert page.get_by_label("用地").is_checked()


def test_keyboard_users_can_skip_to_the_content(page):
    page.goto(page.base + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.url.endswith("#main")


def test_pages_fit_a_phone_screen(page, shoot):
    page.set_viewport_size({"width": 390, "height": 844})
    bureau = Bureau.objects.named("市经信局").get()
    for path in [
        "/",
        "/finder/?tier=specialised-sme&need=financing",
        "/targets/",
        bureau.get_absolute_url(),
    ]:
        page.goto(page.base + path)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px"
    shoot("phone")


def test_the_targets_chart_is_drawn(page):
    page.goto(page.base + "/targets/")
    chart = page.get_by_role("img", name="各类企业2028年目标与已报告数量")
    assert chart.is_visible()
    assert chart.bounding_box()["height"] > 200


def test_a_missing_page_says_so_in_chinese(page):
    response = page.goto(page.base + "/no/such/page/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
