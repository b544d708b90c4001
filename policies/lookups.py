"""Cleaning what the public pages take from request parameters. (What they filter by is
policies.filters; the search box's shortcuts, a proposal number or a 文号 going straight to its
page, are search.shortcuts.)"""

from __future__ import annotations

import unicodedata

MAX_QUERY_CHARS = 200
MAX_PAGE = 1000


def clean_text(value: str | None, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Printable text only: NUL (which PostgreSQL refuses), other control characters and lone
    surrogates are dropped, the rest is trimmed to `max_chars`."""
    if not value:
        return ""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in value
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs", "Cn")
    )
    return " ".join(kept.split())[:max_chars]


def positive_int(value: str | None, default: int = 1, maximum: int = MAX_PAGE) -> int:
    """A page number or similar: anything that is not a positive integer gives the default."""
    value = (value or "").strip()
    if not value.isascii() or not value.isdigit():
        return default
    return min(max(int(value), 1), maximum) if len(value) < 10 else maximum
