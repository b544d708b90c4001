"""Bureau contact cards in the API: `contact` on every bureau, PATCH by the bureau's own staff
with If-Match (own 200, another bureau's staff 403, anonymous 401, stale 412, missing 428)."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from policies.models import Bureau

pytestmark = pytest.mark.django_db

EMPTY = {"office": "", "phone": "", "address": "", "website": "", "hours": ""}


def client_for(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


@pytest.fixture
def jxj(db) -> Bureau:
    return Bureau.objects.named("市经信局").get()


def url(bureau) -> str:
    return f"/api/v1/bureaus/{bureau.pk}/"


def etag_of(api, bureau) -> str:
    response = api.get(url(bureau))
    assert response.status_code == 200
    return response["ETag"]


CARD = {
    "office": "中小企业处",
    "phone": "027-85551234",
    "address": "武汉市江岸区沿江大道",
    "website": "https://jxj.wuhan.gov.cn/",
    "hours": "工作日 9:00–17:00",
}


def test_every_bureau_has_a_contact_card_empty_until_staff_fill_it_in(jxj):
    rows = APIClient().get("/api/v1/bureaus/", {"q": "市经信局"}).json()["results"]
    assert [r["name"] for r in rows] == ["武汉市经济和信息化局"]
    assert rows[0]["contact"] == EMPTY  # the documents give no phone: none is invented


def test_a_bureau_detail_sends_an_etag_from_its_version(jxj):
    assert etag_of(APIClient(), jxj) == f'"bureau-{jxj.pk}-v1"'


def test_alice_of_the_bureau_fills_in_its_card(alice, jxj):
    api = client_for(alice)
    response = api.patch(
        url(jxj), {"contact": CARD}, format="json", HTTP_IF_MATCH=etag_of(api, jxj)
    )
    assert response.status_code == 200, response.content
    assert response.json()["contact"] == CARD
    assert response["ETag"] == f'"bureau-{jxj.pk}-v2"'
    jxj.refresh_from_db()
    assert jxj.contact_phone == "027-85551234"
    latest = jxj.history.first()
    assert latest.history_user == alice and latest.contact_office == "中小企业处"


def test_only_the_fields_given_change(alice, jxj):
    api = client_for(alice)
    api.patch(url(jxj), {"contact": CARD}, format="json", HTTP_IF_MATCH=etag_of(api, jxj))
    response = api.patch(
        url(jxj), {"contact": {"hours": ""}}, format="json", HTTP_IF_MATCH=etag_of(api, jxj)
    )
    assert response.json()["contact"] == {**CARD, "hours": ""}


def test_the_card_shows_on_every_measure_the_bureau_answers_for(alice, jxj, measure):
    api = client_for(alice)
    api.patch(url(jxj), {"contact": CARD}, format="json", HTTP_IF_MATCH=etag_of(api, jxj))
    bureaus = APIClient().get(f"/api/v1/measures/{measure(11).pk}/").json()["bureaus"]
    assert bureaus[0]["short_name"] == "市经信局" and bureaus[0]["contact"] == CARD


def test_staff_of_another_bureau_gets_403_and_changes_nothing(bob, jxj):
    api = client_for(bob)
    response = api.patch(
        url(jxj), {"contact": CARD}, format="json", HTTP_IF_MATCH=etag_of(api, jxj)
    )
    assert response.status_code == 403
    assert "联系方式" in response.json()["detail"]
    jxj.refresh_from_db()
    assert jxj.contact_phone == "" and jxj.version == 1


def test_an_anonymous_patch_gets_401(jxj):
    api = APIClient()
    response = api.patch(
        url(jxj), {"contact": CARD}, format="json", HTTP_IF_MATCH=etag_of(api, jxj)
    )
    assert response.status_code == 401 and response.json()["detail"]
    jxj.refresh_from_db()
    assert jxj.contact_phone == ""


def test_a_stale_etag_gets_412_and_changes_nothing(alice, jxj):
    api = client_for(alice)
    stale = etag_of(api, jxj)
    first = api.patch(
        url(jxj), {"contact": {"phone": "027-1111111"}}, format="json", HTTP_IF_MATCH=stale
    )
    assert first.status_code == 200
    response = api.patch(
        url(jxj), {"contact": {"phone": "027-2222222"}}, format="json", HTTP_IF_MATCH=stale
    )
    assert response.status_code == 412
    assert response["ETag"] == f'"bureau-{jxj.pk}-v2"'
    assert "联系方式已被他人修改" in response.json()["detail"]
    jxj.refresh_from_db()
    assert jxj.contact_phone == "027-1111111"


def test_a_measure_etag_does_not_pass_for_a_bureau(alice, jxj, measure):
    api = client_for(alice)
    tag = f'"measure-{jxj.pk}-v1"'
    response = api.patch(url(jxj), {"contact": CARD}, format="json", HTTP_IF_MATCH=tag)
    assert response.status_code == 412


def test_a_patch_without_if_match_gets_428(alice, jxj):
    response = client_for(alice).patch(url(jxj), {"contact": CARD}, format="json")
    assert response.status_code == 428 and response.json()["detail"]


def test_a_superuser_may_edit_any_card(charlie, jxj):
    api = client_for(charlie)
    response = api.patch(
        url(jxj), {"contact": {"office": "办公室"}}, format="json", HTTP_IF_MATCH=etag_of(api, jxj)
    )
    assert response.status_code == 200 and response.json()["contact"]["office"] == "办公室"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"contact": {"phone": "call me"}}, "phone"),
        ({"contact": {"website": "javascript:alert(1)"}}, "website"),
        ({"contact": {"fax": "1"}}, "fax"),
        ({"name": "改名"}, "name"),
        ({"contact": {"office": "x" * 101}}, "office"),
    ],
)
def test_bad_values_are_a_400_naming_the_field_and_change_nothing(alice, jxj, payload, field):
    api = client_for(alice)
    response = api.patch(url(jxj), payload, format="json", HTTP_IF_MATCH=etag_of(api, jxj))
    assert response.status_code == 400
    assert field in response.json()["detail"]
    jxj.refresh_from_db()
    assert jxj.version == 1 and jxj.name == "武汉市经济和信息化局"


def test_an_edit_that_changes_nothing_keeps_the_version(alice, jxj):
    api = client_for(alice)
    response = api.patch(
        url(jxj), {"contact": {"phone": ""}}, format="json", HTTP_IF_MATCH=etag_of(api, jxj)
    )
    assert response.status_code == 200 and response["ETag"] == f'"bureau-{jxj.pk}-v1"'
