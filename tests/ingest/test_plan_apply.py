"""Plan, then apply: planning reads only; applying writes the plan; staff saves in between win."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ingest.parse import parse_document
from ingest.policy.writer import apply_policy
from ingest.reply.writer import apply_reply
from ingest.service import Source, ingest_sources, plan_document
from ingest.writing import WriteConflict
from policies.models import Measure
from replies.models import Reply
from tests.conftest import FIXTURES, MEASURES_FILE

pytestmark = pytest.mark.django_db

REPLY_FILE = FIXTURES / "000_406adca998e2ee8f.txt"
WRITES = ("INSERT", "UPDATE", "DELETE")


def plan_of(name: str, text: str):
    data = text.encode()
    return plan_document(name, data, parse_document(data))


def edited(path, old: str, new: str) -> str:
    text = path.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def test_planning_a_changed_measures_document_writes_nothing():
    text = edited(MEASURES_FILE, "按规定给予相应奖励", "按规定给予一次性奖励")
    with CaptureQueriesContext(connection) as queries:
        plan = plan_of(MEASURES_FILE.name, text)
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert [(i.what, i.key, i.fields) for i in plan.changed] == [
        ("measure", "9", ["body", "benefits"]),
        (
            "benefit",
            "9·支持专精特新中小企业积极参与国际标准、国家标准、行业标准、地方标准及先进团体标准研制，"
            "按规定给予相应奖励",
            ["text"],
        ),
    ]
    assert plan.action == "update" and not plan.removed and not plan.created


def test_planning_a_new_reply_lists_its_sections_and_writes_nothing():
    text = REPLY_FILE.read_text(encoding="utf-8").replace("20250597", "20259999")
    with CaptureQueriesContext(connection) as queries:
        plan = plan_of("new_reply.txt", text)
    assert not [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert plan.action == "create"
    assert plan.created[0].what == "reply" and plan.created[0].key == "20259999"
    sections = [i.key for i in plan.created if i.what == "section"]
    assert sections[:3] == ["一、", "一、（一）", "一、（二）"]


def test_the_plan_names_the_measures_a_cut_file_would_remove():
    text = MEASURES_FILE.read_text(encoding="utf-8")
    cut = text[: text.index("14.")]
    plan = plan_of(MEASURES_FILE.name, cut)
    removed = [i.key for i in plan.removed if i.what == "measure"]
    assert removed == [str(n) for n in range(14, 26)]


def test_a_changed_reply_section_is_updated_in_place():
    reply = Reply.objects.get(proposal_number="20250597")
    section = reply.sections.get(heading="强化主体培育，提升科技型中小企业创新能级")
    child = section.children.order_by("order").first()
    text = edited(REPLY_FILE, "给予滚动支持", "给予连续滚动支持")
    plan = plan_of(REPLY_FILE.name, text)
    assert [(i.what, i.key, i.fields) for i in plan.changed] == [
        ("section", "一、（一）", ["text"])
    ]
    apply_reply(plan, [])
    child.refresh_from_db()  # the same row: its id (and the links to it) stay
    assert "给予连续滚动支持" in child.text


def test_a_staff_save_between_plan_and_apply_is_never_overwritten(measure, charlie):
    from policies.services import measure_update

    text = edited(MEASURES_FILE, "按规定给予相应奖励", "按规定给予一次性奖励")
    plan = plan_of(MEASURES_FILE.name, text)
    m9 = measure(9)
    measure_update(
        measure=m9, user=charlie, data={"title": "员工改的标题"}, expected_version=m9.version
    )
    with pytest.raises(WriteConflict, match="measure 9"):
        apply_policy(plan, [])
    assert measure(9).title == "员工改的标题"
    assert "按规定给予相应奖励" in measure(9).body


def test_a_run_plans_again_after_a_conflict_and_keeps_the_staff_edit(measure, charlie, monkeypatch):
    """The run retries with a fresh plan, in which the staff edit is seen and kept."""
    import ingest.service as service
    from policies.services import measure_update

    text = edited(MEASURES_FILE, "按规定给予相应奖励", "按规定给予一次性奖励")
    real_plan = service.plan_document
    calls: list[int] = []

    def plan_then_edit(*args):
        plan = real_plan(*args)
        if not calls:
            m9 = measure(9)
            measure_update(
                measure=m9,
                user=charlie,
                data={"body": "员工改的正文。"},
                expected_version=m9.version,
            )
        calls.append(1)
        return plan

    monkeypatch.setattr(service, "plan_document", plan_then_edit)
    report = ingest_sources([Source(MEASURES_FILE.name, text.encode())])
    assert len(calls) == 2
    assert measure(9).body == "员工改的正文。"
    assert report.files[0].conflicts == [
        "measure 9 body: kept the staff edit; the document's new text was not applied"
    ]
    assert Measure.objects.filter(document__source_file=MEASURES_FILE.name).count() == 25
