"""Queries that name one page: a proposal or suggestion number, or a document's 文号.

The search page redirects there and the API returns it as `shortcut`; both call `shortcut()`.
People type the number with words around it, as the documents and news write it:
20230314, 提案20230314, 政协提案20230314, 第20250597号提案, 市政协十四届四次会议第20250597号提案,
JY20250126, 建议JY20250126; and a 文号 with any brackets or none: 武政规〔2022〕23号,
武政规[2022]23号, 武政规(2022)第23号, 武政规2022年23号.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest import references

# A proposal or suggestion number: eight digits, or a short letter prefix and digits.
_NUMBER = re.compile(r"(?<![a-z0-9])([a-z]{1,4}\d{6,10}|\d{8})(?![a-z0-9])")
# What may stand around the number (and nothing else): who, which session, what kind.
_FRAMING = re.compile(
    r"(?:武汉)?市?(?:政协|人大)?"
    r"(?:[一二三四五六七八九十]+届[一二三四五六七八九十]+次(?:会议)?)?"
    r"|第|号|的|关于|对|答复|办理|提案|建议|议案|代表|委员|复文|回复"
)
# A 文号 typed with 年 but without 第 (武政规2022年23号): the documents never write it so, the
# reference parser (ingest.references, the one home of the 文号 rule) wants 第 there.
_NIAN_WITHOUT_DI = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,4})\s*号?$")


@dataclass(frozen=True)
class Shortcut:
    url: str
    title: str
    kind: str  # "reply" or "document"


def _compact(query: str) -> str:
    return "".join(unicodedata.normalize("NFKC", query or "").lower().split())


def proposal_number(query: str) -> str | None:
    """The number a query names when the rest of it only frames the number, else None."""
    compact = _compact(query)
    numbers = _NUMBER.findall(compact)
    if len(numbers) != 1:
        return None
    rest = compact.replace(numbers[0], " ", 1)
    if _FRAMING.sub("", rest).strip():
        return None
    return numbers[0]


def normalise_reference(text: str) -> str | None:
    """武政规[2022]23号 → 武政规〔2022〕23号; None when the text is not a document reference."""
    text = _NIAN_WITHOUT_DI.sub(r"\1年第\2号", (text or "").strip())
    return references.normalise(text)


def shortcut(query: str) -> Shortcut | None:
    """The page a query names exactly: a proposal number's reply or a reference's document."""
    from policies.models import PolicyDocument
    from replies.models import Reply

    if number := proposal_number(query):
        found = list(Reply.objects.filter(proposal_number__iexact=number).only("pk", "title")[:1])
        if not found and number.isdigit():  # 20250126 finds JY20250126 if no other ends so
            replies = Reply.objects.filter(proposal_number__iendswith=number)
            found = list(replies.only("pk", "title")[:2])
        if len(found) == 1:
            return Shortcut(found[0].get_absolute_url(), found[0].title, "reply")
    if reference := normalise_reference(query):
        document = PolicyDocument.objects.filter(reference_number=reference).only("pk", "title")
        if (doc := document.first()) is not None:
            return Shortcut(doc.get_absolute_url(), doc.title, "document")
    return None


def shortcut_url(query: str) -> str | None:
    found = shortcut(query)
    return found.url if found else None
