"""Markup the browser's accessibility check also looks at, asserted on the server's HTML: no
link without text on reply pages, a label for every control of the staff edit form."""

from html.parser import HTMLParser

import pytest

from replies.models import Reply

pytestmark = pytest.mark.django_db


class Controls(HTMLParser):
    """Form controls, labels and links of a page."""

    def __init__(self):
        super().__init__()
        self.controls, self.labels, self.label_texts, self.empty_links = [], set(), [], []
        self._link, self._label = None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in ("hidden",):
            self.controls.append(attrs)
        elif tag == "label":
            if attrs.get("for"):
                self.labels.add(attrs["for"])
            self._label = ""
        elif tag == "a" and "href" in attrs:
            self._link = (attrs["href"], "")

    def handle_data(self, data):
        if self._link is not None:
            self._link = (self._link[0], self._link[1] + data)
        if self._label is not None:
            self._label += data

    def handle_endtag(self, tag):
        if tag == "a" and self._link is not None:
            if not self._link[1].strip():
                self.empty_links.append(self._link[0])
            self._link = None
        elif tag == "label" and self._label is not None:
            self.label_texts.append(self._label.strip())
            self._label = None


def parse(html: str) -> Controls:
    parser = Controls()
    parser.feed(html)
    return parser


def test_no_reply_page_has_a_link_without_text(client):
    for reply in Reply.objects.all():
        page = parse(client.get(reply.get_absolute_url()).content.decode())
        assert page.empty_links == [], reply.get_absolute_url()


def test_every_control_of_the_edit_form_has_a_label(client, alice, charlie, measure):
    for user in (alice, charlie):  # charlie's form also has the bureaus table
        client.force_login(user)
        page = parse(client.get(f"/staff/measures/{measure(1).pk}/edit/").content.decode())
        unlabelled = [c.get("name") for c in page.controls if c.get("id") not in page.labels]
        assert len(page.controls) > 30
        assert unlabelled == []
        assert "目标1：原文" in page.label_texts and "新增目标：年份" in page.label_texts


def test_field_labels_end_in_a_full_width_colon(client, alice, measure):
    client.force_login(alice)
    html = client.get(f"/staff/measures/{measure(1).pk}/edit/").content.decode()
    assert '<label for="id_title">标题：</label>' in html
    assert '<label for="id_guide_phone">联系电话：</label>' in html
    assert "<legend>适用企业</legend>" in html
    assert ":</label>" not in html


def test_the_contact_card_form_labels_every_field_with_a_full_width_colon(client, alice):
    from policies.models import Bureau

    client.force_login(alice)
    bureau = Bureau.objects.named("市经信局").get()
    html = client.get(f"/staff/bureaus/{bureau.pk}/contact/").content.decode()
    page = parse(html)
    assert len(page.controls) == 6  # the header's search box and the five fields
    assert [c.get("name") for c in page.controls if c.get("id") not in page.labels] == []
    assert all(text.endswith("：") for text in page.label_texts if text != "搜索")
    assert ":</label>" not in html
