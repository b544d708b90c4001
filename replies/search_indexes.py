"""What replies makes searchable: reply sections and reported figures (search.registry)."""

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
            # A top section also answers to the title of the proposal the reply answers.
            s.heading if s.parent_id else f"{s.heading} {s.reply.proposal_title}".strip(),
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
    SearchKind(
        "reply_section",
        "答复段落",
        "replies.ReplySection",
        section_sources,
        order=1,
        boost=section_boost,
    ),
    # A reported figure is one clause of a section.
    SearchKind(
        "figure", "报告数据", "replies.ReportedFigure", figure_sources, order=3, boost=PART_BOOST
    ),
)
