"""Bureau contact cards on the pages: the staff edit them in /staff/, owners see them wherever
the bureau is named as responsible, and the 12345 hotline stands in, marked, where no phone is."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from policies.contacts import (
    HOTLINE_NAME,
    BureauVersionConflict,
    bureau_contact_update,
    contact_card,
)
from policies.models import Bureau

pytestmark = pytest.mark.django_db


@pytest.fixture
def jxj(db) -> Bureau:
    return Bureau.objects.named("市经信局").get()


def contact_url(bureau) -> str:
    return reverse("staff:bureau_contact", args=[bureau.pk])


def form_data(bureau, **changes) -> dict:
    return {
        "version": bureau.version,
        "contact_office": bureau.contact_office,
        "contact_phone": bureau.contact_phone,
        "contact_address": bureau.contact_address,
        "contact_website": bureau.contact_website,
        "contact_hours": bureau.contact_hours,
        **changes,
    }


# --- the service ------------------------------------------------------------------------------


def test_a_bureau_without_a_phone_offers_the_hotline_marked_as_such(jxj):
    card = contact_card(jxj)
    assert card.hotline and card.phone == "12345"
    assert card.hotline_name == HOTLINE_NAME == "武汉市12345政务服务便民热线"


def test_the_service_writes_one_history_entry_with_the_user(alice, jxj):
    saved = bureau_contact_update(
        bureau=jxj, user=alice, data={"phone": " 027-85551234 "}, expected_version=1
    )
    assert saved.version == 2 and saved.contact_phone == "027-85551234"
    assert not contact_card(saved).hotline
    assert jxj.history.first().history_user == alice


def test_the_service_refuses_another_bureaus_staff(bob, jxj):
    with pytest.raises(PermissionDenied):
        bureau_contact_update(bureau=jxj, user=bob, data={"phone": "12345678"}, expected_version=1)


def test_the_service_refuses_a_stale_version_and_writes_nothing(alice, jxj):
    bureau_contact_update(bureau=jxj, user=alice, data={"office": "中小企业处"}, expected_version=1)
    with pytest.raises(BureauVersionConflict):
        bureau_contact_update(bureau=jxj, user=alice, data={"office": "办公室"}, expected_version=1)
    jxj.refresh_from_db()
    assert jxj.contact_office == "中小企业处" and jxj.version == 2


def test_a_bad_phone_is_refused_in_chinese_and_writes_nothing(alice, jxj):
    with pytest.raises(ValidationError) as caught:
        bureau_contact_update(bureau=jxj, user=alice, data={"phone": "call me"}, expected_version=1)
    assert "有效的联系电话" in str(caught.value.message_dict["phone"])
    jxj.refresh_from_db()
    assert jxj.version == 1 and jxj.contact_phone == ""


# --- public pages -----------------------------------------------------------------------------


def test_measure_page_shows_the_hotline_for_a_bureau_without_a_phone(client, measure):
    html = client.get(measure(11).get_absolute_url()).content.decode()
    section = html[html.index('id="bureaus-heading"') : html.index('id="tiers-heading"')]
    assert '<a href="tel:12345">12345</a> <span class="tag hotline">热线</span>' in section
    assert "该单位尚未提供电话，可拨打武汉市12345政务服务便民热线" in section


def test_measure_page_shows_the_card_the_bureau_filled_in(client, measure, alice, jxj):
    bureau_contact_update(
        bureau=jxj,
        user=alice,
        data={"office": "中小企业处", "phone": "027-85551234、027-85551235转8"},
        expected_version=1,
    )
    html = client.get(measure(11).get_absolute_url()).content.decode()
    section = html[html.index('id="bureaus-heading"') : html.index('id="tiers-heading"')]
    jxj_item = section[section.index("武汉市经济和信息化局") :]
    jxj_item = jxj_item[: jxj_item.index("</li>")]
    assert "<dt>处室：</dt><dd>中小企业处</dd>" in jxj_item
    assert (
        '<a href="tel:02785551234">027-85551234</a>、<a href="tel:02785551235">027-85551235转8</a>'
        in jxj_item
    )
    assert "热线" not in jxj_item
    # 各区人民政府, the other bureau of measure 11, has no phone yet: the hotline stands in.
    assert 'class="tag hotline"' in section[section.index("各区人民政府") :]


def test_bureau_page_shows_its_card(client, alice, jxj):
    bureau_contact_update(
        bureau=jxj,
        user=alice,
        data={"address": "武汉市江岸区沿江大道", "website": "https://jxj.wuhan.gov.cn/"},
        expected_version=1,
    )
    html = client.get(jxj.get_absolute_url()).content.decode()
    card = html[html.index('id="contact-heading"') : html.index('id="leads-heading"')]
    assert "<dt>地址：</dt><dd>武汉市江岸区沿江大道</dd>" in card
    assert '<a href="https://jxj.wuhan.gov.cn/" rel="nofollow noopener">' in card
    assert 'href="tel:12345"' in card  # still no phone


def test_finder_names_a_phone_for_every_responsible_bureau(client, measure):
    html = client.get("/finder/", {"tier": "little-giant", "need": "financing"}).content.decode()
    item = html[html.index("16. 提升金融服务质效") :]
    item = item[: item.index("<h3>")]  # up to the next result
    duties = [r.bureau.short_name for r in measure(16).responsibilities.all()]
    assert len(duties) == 6
    for name in duties:
        assert (
            f'{name}</a>：电话 <a href="tel:12345">12345</a> <span class="tag hotline">热线</span>'
            in item
        )


# --- the staff workspace ----------------------------------------------------------------------


def test_alice_edits_her_bureaus_card_in_the_workspace(client, alice, jxj):
    client.force_login(alice)
    workspace = client.get(reverse("staff:workspace")).content.decode()
    assert (
        f'href="{contact_url(jxj)}">武汉市经济和信息化局</a>：<strong>未填写电话</strong>'
        in workspace
    )
    response = client.post(contact_url(jxj), form_data(jxj, contact_phone="027-85551234"))
    assert response.status_code == 302
    jxj.refresh_from_db()
    assert jxj.contact_phone == "027-85551234" and jxj.version == 2
    page = client.get(contact_url(jxj)).content.decode()
    assert "联系电话：<ins>027-85551234</ins>" in page
    assert "alice" in page


def test_bob_may_not_open_the_card_of_another_bureau(client, bob, jxj):
    client.force_login(bob)
    assert client.get(contact_url(jxj)).status_code == 403
    assert (
        client.post(contact_url(jxj), form_data(jxj, contact_phone="12345678")).status_code == 403
    )
    jxj.refresh_from_db()
    assert jxj.contact_phone == ""


def test_an_anonymous_visitor_is_sent_to_login(client, jxj):
    response = client.post(contact_url(jxj), form_data(jxj, contact_phone="12345678"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_stale_form_is_a_409_that_keeps_what_was_typed_and_saves_nothing(client, alice, jxj):
    client.force_login(alice)
    stale = form_data(jxj)
    bureau_contact_update(bureau=jxj, user=alice, data={"office": "办公室"}, expected_version=1)
    response = client.post(contact_url(jxj), {**stale, "contact_phone": "027-85551234"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "联系方式已被他人修改，未保存" in html
    assert 'value="027-85551234"' in html
    jxj.refresh_from_db()
    assert jxj.contact_phone == "" and jxj.version == 2


def test_a_bad_phone_in_the_form_is_a_400_with_the_message(client, alice, jxj):
    client.force_login(alice)
    response = client.post(contact_url(jxj), form_data(jxj, contact_phone="call me"))
    assert response.status_code == 400
    assert "请输入有效的联系电话" in response.content.decode()
