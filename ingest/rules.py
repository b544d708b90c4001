"""The rules a plan must pass before anything is written. Each refusal is one line a person can
act on; the run then writes nothing."""

from __future__ import annotations

import dataclasses
import hashlib
import re

from django.conf import settings

from policies.models import PolicyDocument
from replies.models import Reply

from .errors import IngestError
from .plan import DocumentPlan, Item
from .text import clean_lines
from .types import ParsedPolicy, ParsedReply

# --- bounded input ---------------------------------------------------------------------------------


def max_bytes() -> int:
    return settings.INGEST_MAX_BYTES


def max_field_chars() -> int:
    return settings.INGEST_MAX_FIELD_CHARS


def check_size(size: int) -> None:
    if size > max_bytes():
        raise IngestError(
            f"the file is {_mb(size)}, over the {_mb(max_bytes())} limit "
            "(real documents are 10–100 KB): is it the right file?"
        )


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def check_field_lengths(parsed: ParsedPolicy | ParsedReply) -> None:
    """A single field longer than any real document's is refused (a file without the line
    breaks or numbering the parsers need ends up as one giant field)."""
    limit = max_field_chars()
    for path, value in _strings(parsed, ""):
        if len(value) > limit:
            raise IngestError(
                f"{path} is {len(value):,} characters long, over the {limit:,} any real "
                "document has: are its paragraphs and numbering intact?"
            )


def _strings(obj, path: str):
    if isinstance(obj, str):
        yield path, obj
    elif dataclasses.is_dataclass(obj):
        label = _label(obj, path)
        for f in dataclasses.fields(obj):
            yield from _strings(getattr(obj, f.name), f"{label} {f.name}".strip())
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from _strings(value, path)


def _label(obj, path: str) -> str:
    number = getattr(obj, "number", None)
    kind = type(obj).__name__.removeprefix("Parsed").lower()
    if kind in ("policy", "reply"):
        return ""
    return f"{kind} {number}" if number is not None else path


# --- the same document --------------------------------------------------------------------------


def text_fingerprint(text: str) -> str:
    """A hash of the text with layout, widths and whitespace normalised away: the same for the
    same document in UTF-8 or GB18030, as .txt, .docx, .html or .pdf, wrapped or not."""
    normal = "".join(clean_lines(text))
    normal = re.sub(r"\s+", "", normal)
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()


def collision(plan: DocumentPlan) -> str | None:
    """A different text claiming to be a document held under another name."""
    parsed = plan.parsed
    others = PolicyDocument.objects.exclude(source_file=plan.name)
    if isinstance(parsed, ParsedReply):
        if parsed.proposal_number:
            reply = (
                Reply.objects.filter(proposal_number=parsed.proposal_number)
                .exclude(document__source_file=plan.name)
                .select_related("document")
                .first()
            )
            if reply is not None:
                return (
                    f"proposal {parsed.proposal_number} is already answered by "
                    f"{reply.document.source_file or 'another document'} (《{reply.title}》): "
                    f"to update that reply, ingest the file under the name "
                    f"{reply.document.source_file}"
                )
        elif parsed.date:
            same = others.filter(
                kind=PolicyDocument.Kind.CPPCC_REPLY, title=parsed.title, published_on=parsed.date
            ).first()
            if same is not None:
                return (
                    f"a reply titled 《{parsed.title}》 of {parsed.date} is already held as "
                    f"{same.source_file}: to update it, ingest the file under that name"
                )
        return None
    if parsed.reference_number:
        held = others.filter(reference_number=parsed.reference_number).exclude(source_file="")
        if (same := held.first()) is not None:
            return (
                f"{parsed.reference_number} is already held as {same.source_file} "
                f"(《{same.title}》): to update it, ingest the file under that name"
            )
    same = others.filter(
        kind=PolicyDocument.Kind.MEASURES, title=parsed.title, status=parsed.status
    ).first()
    if same is not None:
        return (
            f"《{parsed.title}》{f'（{parsed.status}）' if parsed.status else ''} is already held "
            f"as {same.source_file}: to update it, ingest the file under that name"
        )
    return None


# --- cut-off files and removals -------------------------------------------------------------------


def cut_off(plan: DocumentPlan) -> str | None:
    """A file that ends early against the stored version: it lacks the closing paragraph,
    signature or 下一步 paragraph the stored version has."""
    if plan.document_id is None or plan.action == "unchanged":
        return None
    doc = PolicyDocument.objects.get(pk=plan.document_id)
    parsed = plan.parsed
    missing = []
    if isinstance(parsed, ParsedPolicy):
        stored_last = doc.measures.order_by("-number").values_list("number", flat=True).first()
        new_last = max((m.number for m in parsed.measures), default=0)
        if doc.closing and not parsed.closing:
            missing.append("the closing paragraph")
        if missing and stored_last and new_last < stored_last:
            missing.insert(0, f"measures {new_last + 1}–{stored_last}")
        where = f"ends at measure {new_last}" if parsed.measures else "has no measures"
    else:
        reply = Reply.objects.filter(document=doc).first()
        if reply is None:
            return None
        if reply.next_steps and not parsed.next_steps:
            missing.append("the 下一步 paragraph")
        if reply.signature and not parsed.signature:
            missing.append("the signature")
        where = f"has {sum(1 for _ in _walk(parsed.sections))} sections"
    if not missing:
        return None
    return (
        f"the file looks cut off: it {where} and lacks {' and '.join(missing)} that the stored "
        "version has; nothing written (is the download complete?)"
    )


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.children)


def removals(plan: DocumentPlan) -> str:
    """One line naming what the plan would remove: "measures 14–25, chapter 5"."""
    groups: dict[str, list[Item]] = {}
    for item in plan.removed:
        groups.setdefault(item.what, []).append(item)
    parts = []
    for what, items in groups.items():
        keys = [i.key for i in items]
        if all(k.isdigit() for k in keys):
            described = _ranges([int(k) for k in keys])
        else:
            described = "、".join(keys[:3]) + (
                f" and {len(keys) - 3} more" if len(keys) > 3 else ""
            )
        plural = what + ("s" if len(items) > 1 else "")
        parts.append(f"{plural} {described}")
    return ", ".join(parts)


def _ranges(numbers: list[int]) -> str:
    numbers = sorted(numbers)
    out: list[str] = []
    start: int | None = numbers[0]  # None once past the last number
    for prev, cur in zip(numbers, [*numbers[1:], None], strict=True):
        if cur != prev + 1:
            out.append(f"{start}–{prev}" if prev != start else str(start))
            start = cur
    return ", ".join(out)
