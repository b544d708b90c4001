"""What replies makes searchable (search.registry): each reply, its sections and its reported
figures.

Every passage of a reply is indexed once. The reply's own entry holds what no section holds: its
title and the title of the proposal it answers, the intro and the next steps. A short reply with
no numbered sections (one body, the thanks, a signature) keeps its whole body as the intro, so it
is found by any word of it; a reply with sections is found by a word of a section as that
section, and by its title or the proposal's as the reply, never both ways for the same words.
"""

from __future__ import annotations

from collections.abc import Iterator

from search.registry import PART_BOOST, SearchKind, Source, document_ref, refs, register


def _reply_bureaus(reply) -> list[tuple[int, str]]:
    bureaus = [reply.bureau] if reply.bureau_id else []
    bureaus += [b for b in reply.co_bureaus.all() if b.pk != reply.bureau_id]
    return [(b.pk, b.short_name or b.name) for b in bureaus]


def _reply_extra(reply) -> dict:
    return {
        "reply_id": reply.pk,
        "proposal_number": reply.proposal_number,
        "reply_title": reply.title,
    }


def reply_sources(ids: list[int]) -> Iterator[Source]:
    from .models import Reply

    replies = Reply.objects.filter(pk__in=ids).select_related("bureau", "document")
    for r in replies.prefetch_related("co_bureaus"):
        yield Source(
            "reply",
            r.pk,
            document_ref(r.document),
            r.title,
            f"{r.title} {r.proposal_title}".strip(),
            "\n".join(part for part in (r.intro, r.next_steps) if part),
            r.get_absolute_url(),
            _reply_extra(r),
            _reply_bureaus(r),
        )


def section_sources(ids: list[int]) -> Iterator[Source]:
    from .models import ReplySection

    sections = ReplySection.objects.filter(pk__in=ids).select_related(
        "reply__bureau", "reply__document"
    )
    sections = sections.prefetch_related("reply__co_bureaus", "themes", "tiers")
    for s in sections:
        yield Source(
            "reply_section",
            s.pk,
            document_ref(s.reply.document),
            f"{s.marker}{s.heading}",
            s.heading,  # the proposal's title is the reply's entry's
            s.text,
            s.get_absolute_url(),
            _reply_extra(s.reply),
            _reply_bureaus(s.reply),
            refs(s.tiers.all()),
            refs(s.themes.all()),
        )


def figure_sources(ids: list[int]) -> Iterator[Source]:
    from .models import ReportedFigure

    figures = ReportedFigure.objects.filter(pk__in=ids).select_related(
        "reply__bureau", "reply__document", "section", "tier"
    )
    figures = figures.prefetch_related("reply__co_bureaus")
    for f in figures:
        url = f.reply.get_absolute_url()
        if f.section_id:
            url += f"#section-{f.section_id}"
        yield Source(
            "figure",
            f.pk,
            document_ref(f.reply.document),
            f"{f.reply.title} · 数据：{f.subject}",
            f.subject,
            f.text,
            url,
            {**_reply_extra(f.reply), "section_id": f.section_id, "year": f.year},
            _reply_bureaus(f.reply),
            refs([f.tier] if f.tier else []),
            [],
        )


def section_boost(source: Source) -> float:
    # A heading without text of its own only announces its subsections.
    return PART_BOOST if not source.body.strip() else 1.0


register(
    SearchKind("reply", "答复", "replies.Reply", reply_sources, order=1),
    SearchKind(
        "reply_section",
        "答复段落",
        "replies.ReplySection",
        section_sources,
        order=2,
        boost=section_boost,
    ),
    # A reported figure is one clause of a section.
    SearchKind(
        "figure", "报告数据", "replies.ReportedFigure", figure_sources, order=4, boost=PART_BOOST
    ),
)
