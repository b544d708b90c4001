"""The reply models: their lists of kinds are the parser's, figures read as the text writes them."""

from decimal import Decimal

import pytest

from ingest.types import FIGURE_KINDS, FIGURE_SCOPES, REPLY_KINDS
from replies.models import Reply, ReportedFigure


def test_the_kinds_the_parser_emits_are_the_kinds_the_models_accept():
    assert set(REPLY_KINDS) == set(Reply.Kind.values)
    assert set(FIGURE_KINDS) == set(ReportedFigure.Kind.values)
    assert set(FIGURE_SCOPES) == set(ReportedFigure.Scope.values)


@pytest.mark.parametrize(
    ("quantity", "quantity_max", "unit", "qualifier", "text"),
    [
        (Decimal("48.7100"), None, "%", "近", "近48.71%"),
        (Decimal("750.0000"), None, "项", "余", "750余项"),
        (Decimal("90.0000"), None, "%", "以上", "90%以上"),
        (Decimal("6.0000"), Decimal("10.0000"), "%", "", "6–10%"),
        (Decimal("100.0000"), None, "万元", "最高", "最高100万元"),
        (Decimal("16600.0000"), None, "家", "", "16600家"),
    ],
)
def test_a_figure_reads_as_the_text_writes_it(quantity, quantity_max, unit, qualifier, text):
    figure = ReportedFigure(
        quantity=quantity, quantity_max=quantity_max, unit=unit, qualifier=qualifier
    )
    assert figure.quantity_text == text
