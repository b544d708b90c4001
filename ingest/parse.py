"""Which parser a file needs, from its bytes."""

from __future__ import annotations

import re

from .errors import IngestError
from .text import decode_bytes
from .types import ParsedPolicy, ParsedReply

_MEASURE_LINE = re.compile(r"^\s*\d{1,3}\s*[.．、]", re.M)
# A reply says what it answers: a 答复 title, "《…》收悉", an addressee line ("XX代表：").
_REPLY_SIGN = re.compile(r"答复\s*$|收悉|^\s*(?:尊敬的)?\S{1,20}(?:代表|委员)[：:]\s*$", re.M)


KINDS = ("measures", "reply")


def parse_document(data: bytes) -> ParsedPolicy | ParsedReply:
    """Decode and parse one plain-text source file; raises IngestError with a one-line reason."""
    return parse_text(decode_bytes(data))


def parse_text(text: str, kind: str | None = None) -> ParsedPolicy | ParsedReply:
    """Parse a document's text as `kind` ("measures" or "reply"), or as its structure says."""
    from ingest.reply.parser import parse_reply

    from .policy.parser import parse_policy

    if kind == "measures":
        return parse_policy(text)
    if kind == "reply":
        return parse_reply(text)
    reply_like = _REPLY_SIGN.search(text)
    if "责任单位" in text or (len(_MEASURE_LINE.findall(text)) >= 3 and not reply_like):
        return parse_policy(text)
    if reply_like or re.search(r"答复|提案|建议|^\s*[一二三四五六七八九十]+、", text, re.M):
        return parse_reply(text)
    raise IngestError(
        "no recognisable structure: neither numbered measures with 责任单位 nor a reply with 一、 sections"
    )
