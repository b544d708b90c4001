"""The admin shows who cites a document; the rows are ingest's, so they are read-only there."""

import pytest

from policies.models import PolicyDocument

pytestmark = pytest.mark.django_db


def test_a_superuser_sees_who_cites_a_document(client, charlie):
    client.force_login(charlie)
    pending = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    html = client.get(f"/admin/policies/policydocument/{pending.pk}/change/").content.decode()
    assert "被以下内容引用" in html
    assert "拟废止" in html and "武政规〔2022〕23号" in html
    assert 'name="citations-0-relation"' not in html  # shown, not editable
