"""Unknown paths: JSON under /api/, the Chinese page elsewhere."""

import pytest

pytestmark = pytest.mark.django_db


def test_an_unknown_api_path_answers_json_404(client):
    response = client.get("/api/v1/no-such-resource/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "未找到。"}


def test_an_unknown_page_answers_the_chinese_404_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.content.decode()
