"""axe-core on the owners' pages and the staff pages, on a laptop and on a phone: no critical or
serious violation (WCAG 2.x A/AA rules and axe's best practices, as axe-core reports them)."""

import pytest

from policies.models import Bureau, Measure
from replies.models import Reply

# No module-wide django_db mark: tests that sign in must run outside a test transaction
# (see the staff_page fixture); the others get one through the `page` fixture.

WIDTHS = {"laptop": (1280, 900), "phone": (390, 844)}
OWNER_QUESTION = "tier=little-giant&industry=optoelectronics&need=financing"


def owner_pages() -> list[str]:
    measure = Measure.objects.get(document__kind="measures", number=16)
    bureau = Bureau.objects.named("市经信局").get()
    replies = list(Reply.objects.select_related("document").order_by("pk"))
    return [
        "/",
        "/finder/",
        f"/finder/?{OWNER_QUESTION}",
        "/search/?q=融资",
        "/search/?q=没有这样的词语",
        "/measures/",
        measure.get_absolute_url(),
        "/bureaus/",
        bureau.get_absolute_url(),
        "/tiers/little-giant/",
        "/themes/financing/",
        "/targets/",
        "/replies/",
        *(r.get_absolute_url() for r in replies),
        replies[0].document.get_absolute_url(),
        measure.document.get_absolute_url(),
        f"/alerts/?kind=finder&{OWNER_QUESTION}",
        "/alerts/sent/",
        "/alerts/confirm/not-a-token/",
        "/alerts/unsubscribe/00000000-0000-4000-8000-000000000000/",
        "/accounts/login/",
        "/no/such/page/",
    ]


def staff_pages() -> list[str]:
    measure = Measure.objects.get(document__kind="measures", number=1)
    return [
        "/staff/",
        f"/staff/measures/{measure.pk}/edit/",
        f"/staff/measures/{measure.pk}/history/",
        "/staff/searches/",
        measure.get_absolute_url(),  # with 编辑 and the signed-in header
    ]


def serious_violations(page, axe, paths: list[str]) -> list[str]:
    found = []
    for path in paths:
        page.goto(page.base + path)
        results = axe.run(page)
        for violation in results.response["violations"]:
            if violation["impact"] in ("critical", "serious"):
                nodes = "; ".join(n["html"][:120] for n in violation["nodes"][:3])
                found.append(
                    f"{path}: {violation['id']} ({violation['impact']}, "
                    f"{len(violation['nodes'])}×) {violation['help']} — {nodes}"
                )
    return found


@pytest.mark.parametrize("device", WIDTHS)
def test_owner_pages_have_no_critical_or_serious_violation(page, axe, device):
    width, height = WIDTHS[device]
    page.set_viewport_size({"width": width, "height": height})
    found = serious_violations(page, axe, owner_pages())
    assert not found, "\n".join(found)


@pytest.mark.parametrize("device", WIDTHS)
def test_staff_pages_have_no_critical_or_serious_violation(staff_page, axe, sign_in, device):
    width, height = WIDTHS[device]
    staff_page.set_viewport_size({"width": width, "height": height})
    assert sign_in().endswith("/staff/")
    found = serious_violations(staff_page, axe, staff_pages())
    assert not found, "\n".join(found)


def test_axe_finds_what_it_is_meant_to_find(page, axe):
    """The check can fail: an unlabelled field and an empty link are reported."""
    page.goto(page.base + "/")
    page.evaluate(
        "document.querySelector('main').insertAdjacentHTML('beforeend',"
        " '<input type=text><a href=/x></a>')"
    )
    ids = {v["id"] for v in axe.run(page).response["violations"]}
    assert {"label", "link-name"} <= ids
