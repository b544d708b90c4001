"""Issue 9's failures, reproduced from the bundled files: nothing a user can do with files loses or
duplicates data."""

import tracemalloc
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ingest.models import IngestRun
from policies.models import Chapter, Measure, PolicyDocument
from replies.models import Reply, ReplySection, ReportedFigure
from tests.conftest import FIXTURES, MEASURES_FILE

pytestmark = pytest.mark.django_db

REPLY_004 = FIXTURES / "004_81efc7f799357bbe.txt"


def ingest(*paths, **options) -> str:
    out = StringIO()
    call_command("ingest", *[str(p) for p in paths], stdout=out, **options)
    return out.getvalue()


def everything():
    """The content a run could touch, to compare before and after."""
    return (
        list(
            Measure.objects.order_by("pk").values_list("pk", "number", "title", "body", "version")
        ),
        list(Chapter.objects.order_by("pk").values_list("pk", "title")),
        list(PolicyDocument.objects.order_by("pk").values_list("pk", "title", "repealed_by")),
        list(Reply.objects.order_by("pk").values_list("pk", "proposal_number", "next_steps")),
        list(ReplySection.objects.order_by("pk").values_list("pk", "heading", "text")),
        ReportedFigure.objects.count(),
    )


def cut_measures(tmp_path, before: str, keep_closing: bool = False, name=MEASURES_FILE.name):
    text = MEASURES_FILE.read_text(encoding="utf-8")
    cut = text[: text.index(before)]
    if keep_closing:
        cut += text[text.index("本政策自公布之日起施行") :]
    path = tmp_path / name
    path.write_text(cut, encoding="utf-8")
    return path


def edit_as_staff(measure, number: int, body: str):
    from django.contrib.auth import get_user_model

    from policies.services import measure_update

    admin = get_user_model().objects.get_or_create(username="root", is_superuser=True)[0]
    m = measure(number)
    measure_update(measure=m, user=admin, data={"body": body}, expected_version=m.version)


# --- 1 and 2: removals and cut-off files ---------------------------------------------------------


def test_a_measures_file_cut_off_after_measure_13_is_refused_and_nothing_is_deleted(
    tmp_path, measure
):
    edit_as_staff(measure, 20, "市经信局改写的第20条。")
    cut = cut_measures(tmp_path, "14.")
    before = everything()
    with pytest.raises(CommandError) as exc:
        ingest(cut)
    message = str(exc.value)
    assert message.startswith(
        f"{MEASURES_FILE.name}: the file looks cut off: it ends at measure 13"
    )
    assert "measures 14–25" in message and "closing paragraph" in message
    assert "\n" not in message
    assert everything() == before
    assert measure(20).body == "市经信局改写的第20条。"


def test_a_cut_off_file_is_refused_even_with_removals_accepted(tmp_path):
    cut = cut_measures(tmp_path, "14.")
    before = everything()
    with pytest.raises(CommandError, match="looks cut off"):
        ingest(cut, allow_removals=True)
    assert everything() == before


def test_removing_measures_needs_allow_removals(tmp_path):
    shorter = cut_measures(tmp_path, "24.", keep_closing=True)
    before = everything()
    with pytest.raises(CommandError) as exc:
        ingest(shorter)
    assert str(exc.value).startswith(
        f"{MEASURES_FILE.name}: would remove measures 24–25: is the file cut off?"
    )
    assert everything() == before


def test_with_removals_accepted_a_measure_staff_edited_is_kept_and_reported(tmp_path, measure):
    edit_as_staff(measure, 25, "工作人员补充的第25条。")
    shorter = cut_measures(tmp_path, "24.", keep_closing=True)
    out = ingest(shorter, allow_removals=True)
    numbers = set(
        Measure.objects.filter(document__source_file=MEASURES_FILE.name).values_list(
            "number", flat=True
        )
    )
    assert numbers == set(range(1, 24)) | {25}
    assert (
        "conflict: measure 25: edited by staff: kept although the new text no longer has it" in out
    )
    assert "1 removed, 1 staff edits kept" in out
    run = IngestRun.objects.latest("pk")
    assert (run.outcome, run.removed, run.kept, run.allow_removals) == ("updated", 1, 1, True)


def test_a_reply_cut_in_half_is_refused(tmp_path):
    lines = REPLY_004.read_text(encoding="utf-8").splitlines(keepends=True)
    half = tmp_path / REPLY_004.name
    half.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    reply = Reply.objects.get(proposal_number="20230100")
    assert reply.sections.count() == 28
    before = everything()
    with pytest.raises(CommandError) as exc:
        ingest(half)
    assert "looks cut off" in str(exc.value) and "下一步" in str(exc.value)
    assert everything() == before
    assert reply.sections.count() == 28


def test_a_reply_losing_sections_needs_allow_removals(tmp_path):
    text = REPLY_004.read_text(encoding="utf-8")
    # Drop one whole sub-section but keep the ending: a real revision, not a cut-off file.
    start = text.index("（二）") if "（二）" in text else text.index("(二)")
    end = text.index("\n", start) + 1
    path = tmp_path / REPLY_004.name
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    before = everything()
    with pytest.raises(CommandError, match="would remove section"):
        ingest(path)
    assert everything() == before


# --- 3: the same document under another name or encoding ---------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_the_measures_under_another_name_are_recognised_not_duplicated(tmp_path, encoding):
    copy = tmp_path / f"copy-of-measures.{encoding}.txt"
    copy.write_bytes(MEASURES_FILE.read_text(encoding="utf-8").encode(encoding))
    before = everything()
    out = ingest(copy)
    assert f"{copy.name}: duplicate · already ingested as {MEASURES_FILE.name}" in out
    assert everything() == before
    # The repeal the measures propose stays the bundled file's, not a copy's.
    repealed = PolicyDocument.objects.get(reference_number="武政规〔2022〕23号")
    repeals = repealed.citations.filter(relation__in=["repeals", "proposes_repeal"])
    assert {c.citing.source_file for c in repeals.select_related("citing")} == {MEASURES_FILE.name}
    assert not PolicyDocument.objects.filter(source_file=copy.name).exists()
    run = IngestRun.objects.latest("pk")
    assert (run.outcome, run.document.source_file) == ("duplicate", MEASURES_FILE.name)


def test_a_copy_of_a_reply_under_another_name_is_recognised(tmp_path):
    copy = tmp_path / "答复（副本）.txt"
    copy.write_bytes(REPLY_004.read_bytes())
    before = everything()
    out = ingest(copy)
    assert f"already ingested as {REPLY_004.name}" in out
    assert everything() == before


def test_two_copies_in_one_run_are_one_document(tmp_path):
    a = tmp_path / "a.txt"
    b = tmp_path / "b.txt"
    text = REPLY_004.read_text(encoding="utf-8").replace("20230100", "20239876")
    a.write_text(text, encoding="utf-8")
    b.write_bytes(text.encode("gb18030"))
    out = ingest(a, b)
    assert "a.txt: created" in out and "b.txt: duplicate · already ingested as a.txt" in out
    assert Reply.objects.filter(proposal_number="20239876").count() == 1


def test_a_different_text_claiming_a_held_proposal_number_is_one_clear_line(tmp_path):
    text = REPLY_004.read_text(encoding="utf-8").replace("下一步", "下一阶段", 1)
    other = tmp_path / "另一份答复.txt"
    other.write_text(text, encoding="utf-8")
    before = everything()
    with pytest.raises(CommandError) as exc:
        ingest(other)
    message = str(exc.value)
    assert message.startswith(
        f"另一份答复.txt: proposal 20230100 is already answered by {REPLY_004.name}"
    )
    assert "\n" not in message and "Traceback" not in message
    assert everything() == before


def test_a_different_measures_text_with_the_same_title_is_refused(tmp_path):
    text = MEASURES_FILE.read_text(encoding="utf-8").replace("按规定给予相应奖励", "给予奖励", 1)
    other = tmp_path / "措施修订稿.txt"
    other.write_text(text, encoding="utf-8")
    before = everything()
    with pytest.raises(CommandError, match=f"is already held as {MEASURES_FILE.name}"):
        ingest(other)
    assert everything() == before


# --- 4: bounded input ----------------------------------------------------------------------------


def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    before = everything()
    tracemalloc.start()
    try:
        with pytest.raises(CommandError) as exc:
            ingest(big)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "big.txt: the file is 50.0 MB, over the 5.0 MB limit" in str(exc.value)
    assert peak < 5 * 1024 * 1024
    assert everything() == before


def test_the_size_limit_is_a_setting(tmp_path, settings):
    settings.INGEST_MAX_BYTES = 10_000
    with pytest.raises(CommandError, match="over the 10 KB limit"):
        ingest(MEASURES_FILE)


def test_a_field_longer_than_any_real_document_is_refused(tmp_path):
    text = MEASURES_FILE.read_text(encoding="utf-8")
    huge = text.replace(
        "按规定给予相应奖励", "按规定给予相应奖励" + "，并持续加大支持力度" * 3000, 1
    )
    path = tmp_path / "huge.txt"
    path.write_text(huge, encoding="utf-8")
    before = everything()
    with pytest.raises(CommandError, match=r"huge.txt: measure 9 body is 30,\d{3} characters long"):
        ingest(path)
    assert everything() == before


# --- 7: every run is recorded ----------------------------------------------------------------------


def test_every_run_is_recorded_with_its_outcome_and_counts(tmp_path):
    changed = tmp_path / MEASURES_FILE.name
    changed.write_text(
        MEASURES_FILE.read_text(encoding="utf-8").replace(
            "按规定给予相应奖励", "按规定给予一次性奖励", 1
        ),
        encoding="utf-8",
    )
    ingest(changed)
    run = IngestRun.objects.latest("pk")
    assert (run.via, run.user, run.file_name, run.outcome) == (
        "command",
        None,
        MEASURES_FILE.name,
        "updated",
    )
    assert (run.created, run.changed, run.removed, run.kept) == (0, 2, 0, 0)
    assert [(i["what"], i["fields"]) for i in run.plan["changed"]] == [
        ("measure", ["body", "benefits"]),
        ("benefit", ["text"]),  # 按规定给予一次性奖励: the benefit's words changed too
    ]
    assert len(run.fingerprint) == 64 and run.format == "txt"
    assert run.original.read().decode() == changed.read_text(encoding="utf-8")


def test_a_refused_run_is_recorded_with_its_reason(tmp_path):
    cut = cut_measures(tmp_path, "14.")
    with pytest.raises(CommandError):
        ingest(cut)
    run = IngestRun.objects.latest("pk")
    assert run.outcome == "refused"
    assert run.message.startswith(f"{MEASURES_FILE.name}: the file looks cut off")
    removed = [i["key"] for i in run.plan["removed"] if i["what"] == "measure"]
    assert removed == [str(n) for n in range(14, 26)]
