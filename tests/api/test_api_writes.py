"""PATCH /api/v1/measures/{id}/: token auth, bureau permissions, ETag and If-Match; throttling."""

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def url(measure) -> str:
    return f"/api/v1/measures/{measure.pk}/"


def etag_of(api, measure) -> str:
    response = api.get(url(measure))
    assert response.status_code == 200
    return response["ETag"]


def test_a_measure_detail_sends_a_strong_etag_from_its_version(measure):
    m5 = measure(5)
    assert etag_of(APIClient(), m5) == f'"measure-{m5.pk}-v{m5.version}"'


def test_if_none_match_with_the_current_etag_is_a_304(measure):
    api = APIClient()
    tag = etag_of(api, measure(5))
    assert api.get(url(measure(5)), HTTP_IF_NONE_MATCH=tag).status_code == 304


def test_bob_of_the_commerce_bureau_edits_measure_5_with_the_current_etag(bob, measure):
    m5 = measure(5)
    api = client_for(bob)
    tag = etag_of(api, m5)
    response = api.patch(
        url(m5), {"title": "加强知识产权赋能（修订）"}, format="json", HTTP_IF_MATCH=tag
    )
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "加强知识产权赋能（修订）"
    assert response["ETag"] == f'"measure-{m5.pk}-v{m5.version + 1}"'
    m5.refresh_from_db()
    assert m5.title == "加强知识产权赋能（修订）"
    assert m5.history.first().history_user == bob


def test_a_stale_etag_gets_412_and_changes_nothing(bob, measure):
    m5 = measure(5)
    api = client_for(bob)
    stale = etag_of(api, m5)
    assert (
        api.patch(url(m5), {"body": "第一次"}, format="json", HTTP_IF_MATCH=stale).status_code
        == 200
    )
    response = api.patch(url(m5), {"body": "第二次"}, format="json", HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert response.json()["detail"]
    assert response["ETag"] == f'"measure-{m5.pk}-v{m5.version + 1}"'
    m5.refresh_from_db()
    assert m5.body == "第一次"


def test_an_etag_of_another_measure_gets_412(bob, measure):
    api = client_for(bob)
    other = etag_of(api, measure(4))
    assert (
        api.patch(url(measure(5)), {"body": "x"}, format="json", HTTP_IF_MATCH=other).status_code
        == 412
    )


def test_a_patch_without_if_match_gets_428(bob, measure):
    response = client_for(bob).patch(url(measure(5)), {"body": "x"}, format="json")
    assert response.status_code == 428 and response.json()["detail"]


def test_an_anonymous_patch_gets_401_and_changes_nothing(measure):
    m5 = measure(5)
    api = APIClient()
    tag = etag_of(api, m5)
    response = api.patch(url(m5), {"body": "匿名"}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 401 and response.json()["detail"]
    m5.refresh_from_db()
    assert m5.body != "匿名"


def test_staff_of_another_bureau_gets_403(bob, measure):
    """市商务局 is not responsible for measure 1 (市经信局 leads it)."""
    m1 = measure(1)
    api = client_for(bob)
    response = api.patch(url(m1), {"body": "x"}, format="json", HTTP_IF_MATCH=etag_of(api, m1))
    assert response.status_code == 403 and response.json()["detail"]


def test_alice_may_edit_measure_1_her_bureau_leads(alice, measure):
    m1 = measure(1)
    api = client_for(alice)
    response = api.patch(
        url(m1), {"tiers": ["unicorn"]}, format="json", HTTP_IF_MATCH=etag_of(api, m1)
    )
    assert response.status_code == 200, response.content
    assert [t["slug"] for t in response.json()["tiers"]] == ["unicorn"]


def test_staff_may_not_change_which_bureaus_are_responsible(alice, measure):
    m1 = measure(1)
    api = client_for(alice)
    bureaus = [{"bureau": r.bureau_id, "role": r.role} for r in m1.responsibilities.all()][:1]
    response = api.patch(
        url(m1), {"bureaus": bureaus}, format="json", HTTP_IF_MATCH=etag_of(api, m1)
    )
    assert response.status_code == 403
    assert m1.responsibilities.count() == 3


def test_an_unknown_tier_is_a_400_naming_the_field(charlie, measure):
    m1 = measure(1)
    api = client_for(charlie)
    response = api.patch(
        url(m1), {"tiers": ["dragon"]}, format="json", HTTP_IF_MATCH=etag_of(api, m1)
    )
    assert response.status_code == 400
    assert "tiers" in response.json()["errors"]


def test_a_blank_title_is_a_400_and_changes_nothing(charlie, measure):
    m1 = measure(1)
    api = client_for(charlie)
    response = api.patch(url(m1), {"title": ""}, format="json", HTTP_IF_MATCH=etag_of(api, m1))
    assert response.status_code == 400 and "title" in response.json()["detail"]
    m1.refresh_from_db()
    assert m1.title == "完善梯度培育体系"


def test_put_and_delete_are_not_allowed(charlie, measure):
    api = client_for(charlie)
    assert api.delete(url(measure(1))).status_code == 405
    assert api.put(url(measure(1)), {}, format="json").status_code == 405


def test_the_guide_is_marked_not_provided_until_staff_fill_it_in(measure):
    guide = APIClient().get(url(measure(5))).json()["guide"]
    assert guide["provided"] is False and guide["phone"] is None


def test_bob_fills_in_the_guide_of_measure_5(bob, measure):
    m5 = measure(5)
    api = client_for(bob)
    response = api.patch(
        url(m5),
        {"guide": {"office": "市商务局外贸发展处", "phone": "027-85551234"}},
        format="json",
        HTTP_IF_MATCH=etag_of(api, m5),
    )
    assert response.status_code == 200, response.content
    guide = response.json()["guide"]
    assert guide["provided"] is True
    assert guide["office"] == "市商务局外贸发展处" and guide["eligibility"] is None
    m5.refresh_from_db()
    assert m5.guide_phone == "027-85551234"


def test_a_malformed_guide_phone_is_a_400_in_chinese(bob, measure):
    m5 = measure(5)
    api = client_for(bob)
    response = api.patch(
        url(m5), {"guide": {"phone": "call me"}}, format="json", HTTP_IF_MATCH=etag_of(api, m5)
    )
    assert response.status_code == 400 and "联系电话" in response.json()["detail"]


def test_a_superuser_changes_the_responsible_bureaus(charlie, measure):
    from policies.models import Bureau

    m25 = measure(25)
    api = client_for(charlie)
    commerce = Bureau.objects.named("市商务局").get()
    response = api.patch(
        url(m25),
        {"bureaus": [{"bureau": commerce.pk, "role": "lead"}]},
        format="json",
        HTTP_IF_MATCH=etag_of(api, m25),
    )
    assert response.status_code == 200, response.content
    assert [b["short_name"] for b in response.json()["bureaus"]] == ["市商务局"]


def test_a_target_is_changed_in_place_by_its_id(alice, measure):
    m1 = measure(1)
    api = client_for(alice)
    rows = api.get(url(m1)).json()["targets"]
    rows[0] = {**rows[0], "quantity": "1200", "text": "1200家科技和创新型中小企业"}
    response = api.patch(url(m1), {"targets": rows}, format="json", HTTP_IF_MATCH=etag_of(api, m1))
    assert response.status_code == 200, response.content
    changed = response.json()["targets"][0]
    assert changed["id"] == rows[0]["id"] and changed["quantity"] == 1200
    assert len(response.json()["targets"]) == len(rows)


def test_other_resources_are_read_only_even_for_a_superuser(charlie):
    assert (
        client_for(charlie).post("/api/v1/bureaus/", {"name": "x"}, format="json").status_code
        == 405
    )


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }
    cache.clear()
    yield
    cache.clear()


def test_anonymous_clients_are_throttled_with_429_and_retry_after(low_rates):
    api = APIClient()
    assert [api.get("/api/v1/tiers/").status_code for _ in range(3)] == [200, 200, 200]
    response = api.get("/api/v1/tiers/")
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert response.json()["detail"]


def test_signed_in_users_get_a_higher_rate(low_rates, alice):
    api = client_for(alice)
    codes = [api.get("/api/v1/tiers/").status_code for _ in range(6)]
    assert codes == [200] * 5 + [429]


# ----- a PATCH changes only what it names; bodies are JSON


@pytest.mark.parametrize(
    "content_type,body",
    [
        ("application/x-www-form-urlencoded", "title=%E6%96%B0%E6%A0%87%E9%A2%98"),
        (
            "multipart/form-data; boundary=xyz",
            '--xyz\r\nContent-Disposition: form-data; name="title"\r\n\r\n新标题\r\n--xyz--\r\n',
        ),
        ("text/plain", '{"title": "新标题"}'),
        ("application/xml", "<title>新标题</title>"),
    ],
)
def test_a_patch_that_is_not_json_is_a_415_and_clears_nothing(charlie, measure, content_type, body):
    m23 = measure(23)
    tiers, themes = list(m23.tiers.all()), list(m23.themes.all())
    assert tiers and themes  # the point: they must survive
    response = client_for(charlie).generic(
        "PATCH", url(m23), body, content_type=content_type, HTTP_IF_MATCH="*"
    )
    assert response.status_code == 415, response.content
    assert "detail" in response.json()
    m23.refresh_from_db()
    assert (list(m23.tiers.all()), list(m23.themes.all())) == (tiers, themes)
    assert m23.title != "新标题" and m23.version == 1


def test_a_json_patch_naming_only_the_title_keeps_tiers_themes_targets_and_guide(charlie, measure):
    m23 = measure(23)
    api = client_for(charlie)
    before = api.get(url(m23)).json()
    response = api.patch(url(m23), {"title": "新标题"}, format="json", HTTP_IF_MATCH="*")
    assert response.status_code == 200, response.content
    after = response.json()
    assert after["title"] == "新标题"
    for name in ("body", "tiers", "themes", "targets", "bureaus", "guide", "chapter"):
        assert after[name] == before[name], name


def test_a_weak_etag_in_if_match_never_matches(bob, measure):
    """RFC 9110 §13.1.1: If-Match uses the strong comparison."""
    m5 = measure(5)
    api = client_for(bob)
    weak = "W/" + etag_of(api, m5)
    response = api.patch(url(m5), {"body": "x"}, format="json", HTTP_IF_MATCH=weak)
    assert response.status_code == 412
    m5.refresh_from_db()
    assert m5.body != "x" and m5.version == 1


def test_the_answer_to_a_patch_is_read_in_the_edits_transaction(charlie, measure, monkeypatch):
    """If reading the answer fails, the edit is not committed and the client may retry: it is
    never told 'error' about an edit that was in fact saved."""
    from django.db import OperationalError

    from api import views

    m16 = measure(16)
    real = views.MeasureViewSet.get_serializer

    def failing_after_the_write(self, *args, **kwargs):
        if self.request.method == "PATCH" and args:
            raise OperationalError("server closed the connection unexpectedly")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(views.MeasureViewSet, "get_serializer", failing_after_the_write)
    response = client_for(charlie).patch(
        url(m16), {"title": "不会保存的标题"}, format="json", HTTP_IF_MATCH="*"
    )
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["detail"] == "数据库暂时不可用，请稍后重试。"
    m16.refresh_from_db()
    assert m16.title == "提升金融服务质效" and m16.version == 1
