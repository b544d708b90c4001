"""Benefits through plan and apply: written once, idempotent, a changed text changes them in place,
a removal is never implicit, and a staff edit survives a re-ingest."""

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policies.models import Benefit, Measure, PolicyDocument
from tests.conftest import MEASURES_FILE

pytestmark = pytest.mark.django_db


def ingest(*args) -> str:
    out = StringIO()
    call_command("ingest", *[str(a) for a in args], stdout=out)
    return out.getvalue()


def edited_copy(tmp_path: Path, old: str, new: str) -> Path:
    text = MEASURES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / MEASURES_FILE.name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def rows(measure: Measure) -> list[tuple]:
    return [
        (b.kind, b.quantity, b.unit, b.qualifier, b.text)
        for b in measure.benefits.order_by("order")
    ]


def test_ingest_stores_each_measures_benefits_in_order(measure):
    assert rows(measure(20)) == [
        ("waiver", Decimal(3), "年", "", "博士后人才3年租金免缴"),
        ("waiver", Decimal(2), "年", "", "全日制博士研究生2年租金免缴"),
        ("waiver", Decimal(1), "年", "", "硕士研究生租房1年租金免缴"),
        ("discount", Decimal(7), "折", "", "对引进的其他全日制大学生给予租金7折优惠"),
    ]
    rent = measure(20).benefits.first()
    assert rent.recipient == "中小企业新引进高校毕业生"
    assert rent.line == "博士后人才3年租金免缴（适用对象：中小企业新引进高校毕业生）"
    assert measure(25).benefits.count() == 0


def test_a_second_ingest_writes_no_benefit():
    before = list(Benefit.objects.values_list("pk", "measure_id", "order", "text"))
    history = Benefit.history.count()
    assert "nothing changed" in ingest()
    assert list(Benefit.objects.values_list("pk", "measure_id", "order", "text")) == before
    assert Benefit.history.count() == history


def test_a_changed_benefit_is_rewritten_from_the_new_text(tmp_path, measure):
    path = edited_copy(tmp_path, "按规定给予相应奖励", "按规定给予最高20万元奖励")
    out = ingest(path)
    assert f"{MEASURES_FILE.name}: updated" in out
    new = measure(9).benefits.get()
    assert (new.kind, new.quantity, new.unit, new.qualifier) == (
        "amount",
        Decimal(20),
        "万元",
        "最高",
    )
    assert new.text.endswith("按规定给予最高20万元奖励")


def test_a_benefit_the_text_no_longer_states_is_removed_only_when_accepted(tmp_path, measure):
    path = edited_copy(tmp_path, "，并减免一定使用费", "")
    with pytest.raises(CommandError, match=r"would remove benefit 16·"):
        ingest(path)
    assert [b.kind for b in measure(16).benefits.all()] == ["priority", "support", "waiver"]
    ingest(path, "--allow-removals")
    assert [b.kind for b in measure(16).benefits.all()] == ["priority", "support"]


def test_a_staff_edit_of_a_benefit_survives_a_reingest(tmp_path, measure):
    edited = measure(11).benefits.get(kind="threshold")
    edited.text = "专精特新“小巨人”企业申请技术改造补助，设备投资额门槛为500万元（2025年起）"
    edited.save()
    path = edited_copy(tmp_path, "设备投资额门槛调整为500万元", "设备投资额门槛调整为400万元")
    out = ingest(path)
    assert "conflict: measure 11 benefits" in out
    assert measure(11).benefits.get(kind="threshold").text == edited.text
    assert "400万元" in measure(11).body  # the rest of the new text is applied


def test_measures_ingested_before_benefits_existed_get_them_without_a_conflict(measure):
    m16 = measure(16)
    m16.benefits.all().delete()
    snapshot = dict(m16.ingest_snapshot)
    snapshot.pop("benefits")
    Measure.objects.filter(pk=m16.pk).update(ingest_snapshot=snapshot)
    # What an older parser made of the file: its fingerprint differs from today's.
    PolicyDocument.objects.filter(source_file=MEASURES_FILE.name).update(fingerprint="old")
    out = ingest(MEASURES_FILE)
    assert "conflict" not in out
    assert [b.kind for b in measure(16).benefits.all()] == ["priority", "support", "waiver"]
