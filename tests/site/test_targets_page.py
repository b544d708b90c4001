"""/targets/: the 2028 targets by tier as an SVG chart, with the figures replies report."""

import pytest

from enterprises.progress import progress_chart, progress_rows

pytestmark = pytest.mark.django_db


def bars_by_tier() -> dict[str, list[tuple[str, str]]]:
    return {
        row.tier.slug: [(b.label, format(b.value.normalize(), "f")) for b in row.bars]
        for row in progress_rows()
    }


def test_the_six_2028_targets_of_measure_1_are_charted():
    bars = bars_by_tier()
    assert bars["specialised-sme"] == [("2028年目标", "4000")]
    assert bars["little-giant"] == [("2028年目标", "500")]
    assert bars["unicorn"] == [("2028年目标", "30")]
    assert len([b for tier in bars.values() for b in tier if b[0] == "2028年目标"]) == 6


def test_high_tech_enterprises_reported_in_2022_and_2025_are_charted_and_subsets_are_not():
    bars = bars_by_tier()
    # "9家高新技术企业成功上市" counts a subset, not the population, and stays out.
    assert bars["high-tech"] == [("2022年实有", "12654"), ("2025年实有", "16600")]


def test_one_scale_per_unit_so_30_unicorns_are_not_drawn_as_long_as_4000_smes():
    chart = progress_chart(progress_rows())
    width = {
        (row.tier.slug, bar.label): bar.width
        for group in chart.groups
        for row in group.rows
        for bar in row.bars
    }
    sme, giant = width["specialised-sme", "2028年目标"], width["little-giant", "2028年目标"]
    assert sme == 8 * giant  # 4000 against 500
    high_tech = width["high-tech", "2025年实有"]  # 16600, the longest bar counted in 家
    assert high_tech > 4 * sme
    assert width["unicorn", "2028年目标"] < giant / 4  # 30 against 500, on another ladder


def test_targets_page_draws_an_accessible_svg_with_a_data_table(client):
    html = client.get("/targets/").content.decode()
    assert '<svg class="chart"' in html
    assert 'role="img" aria-labelledby="chart-title chart-desc"' in html
    assert ">4000家</text>" in html
    assert ">16600家</text>" in html
    assert "全市高新技术企业达到1.66万家" in html  # the source sentence, in the table


def test_targets_page_renders_in_a_bounded_number_of_queries(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        assert client.get("/targets/").status_code == 200


def test_targets_page_ignores_parameters(client):
    assert client.get("/targets/", {"year": "abc"}).status_code == 200
