"""`manage.py ingest`: idempotence, reporting, bad input and encodings."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from policies.models import Bureau, Measure, PolicyDocument
from tests.conftest import FIXTURES, MEASURES_FILE

pytestmark = pytest.mark.django_db


def ingest(*paths) -> str:
    out = StringIO()
    call_command("ingest", *[str(p) for p in paths], stdout=out)
    return out.getvalue()


def snapshot():
    return (
        list(Measure.objects.values_list("number", "title", "body", "version")),
        PolicyDocument.objects.count(),
        Bureau.objects.count(),
    )


def test_a_second_run_changes_nothing_and_says_so():
    before = snapshot()
    out = ingest()
    assert "nothing changed" in out
    for name in sorted(p.name for p in FIXTURES.glob("*.txt")):
        assert f"{name}: unchanged" in out
    assert snapshot() == before


def test_the_report_has_one_line_per_file_and_the_time():
    out = ingest(MEASURES_FILE)
    assert "003_37a99eada62a0cb8.txt: unchanged · measures document, 5 chapters, 25 measures" in out
    assert out.strip().splitlines()[-1].endswith(" s")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), "binary"),
        ("这是一段没有任何结构的文字，只是几句话。".encode(), "no recognisable structure"),
    ],
    ids=["empty", "binary", "unstructured"],
)
def test_bad_files_are_rejected_with_a_reason_and_nothing_written(tmp_path, content, reason):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    before = snapshot()
    with pytest.raises(CommandError, match=reason) as exc:
        ingest(MEASURES_FILE, bad)
    assert "bad.txt" in str(exc.value)
    assert snapshot() == before


def _edited_copy(tmp_path: Path, old: str, new: str, name: str = MEASURES_FILE.name) -> Path:
    text = MEASURES_FILE.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_a_truncated_measures_list_is_rejected(tmp_path):
    text = MEASURES_FILE.read_text(encoding="utf-8")
    cut = tmp_path / MEASURES_FILE.name
    cut.write_text(text[: text.index("25.鼓励干部担当作为") + 40], encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError, match=MEASURES_FILE.name):
        ingest(cut)
    assert snapshot() == before


def test_duplicate_measure_numbers_are_rejected(tmp_path):
    path = _edited_copy(tmp_path, "6.支持企业研发创新", "5.支持企业研发创新")
    before = snapshot()
    with pytest.raises(CommandError, match="5"):
        ingest(path)
    assert snapshot() == before


def test_gb18030_files_are_decoded(tmp_path):
    path = tmp_path / MEASURES_FILE.name
    path.write_bytes(MEASURES_FILE.read_text(encoding="utf-8").encode("gb18030"))
    out = ingest(path)
    assert f"{MEASURES_FILE.name}: unchanged" in out


def test_a_changed_document_updates_the_measure_and_bumps_its_version(tmp_path, measure):
    version = measure(9).version
    path = _edited_copy(tmp_path, "按规定给予相应奖励", "按规定给予一次性奖励")
    out = ingest(path)
    assert f"{MEASURES_FILE.name}: updated" in out
    assert "按规定给予一次性奖励" in measure(9).body
    assert measure(9).version == version + 1
    assert measure(9).history.first().history_change_reason == f"导入 {MEASURES_FILE.name}"


def test_an_unknown_bureau_is_created_and_reported(tmp_path, measure):
    path = _edited_copy(
        tmp_path,
        "（责任单位：市市场监管局，投控集团",
        "（责任单位：市市场监管局、市新设局，投控集团",
    )
    out = ingest(path)
    assert "unknown bureau '市新设局'" in out
    assert Bureau.objects.get(name="市新设局").kind == Bureau.Kind.OTHER
    assert "市新设局" in [r.bureau.name for r in measure(10).responsibilities.all()]


def test_a_staff_edit_survives_a_reingest_and_is_reported(tmp_path, measure):
    m5 = measure(5)
    m5.body = "市商务局工作人员改写的正文。"
    m5.save()
    path = _edited_copy(tmp_path, "给予优先备案和快速审查", "给予优先备案和加快审查")
    out = ingest(path)
    assert "conflict: measure 5 body" in out
    assert measure(5).body == "市商务局工作人员改写的正文。"
    assert "conflict: measure 5 title" not in out
