"""`/api/v1/search/`: the site's one search, with facet counts so a client can draw filters."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import APIView

import search
from policies.filters import MAX_INT
from search.shortcuts import shortcut_url

from .pagination import PageNumberPagination
from .schema import ERROR
from .serializers import SearchHitSerializer, SearchResponseSerializer

FACETS = ("type", "bureau", "tier", "theme", "document")


class SearchQuerySerializer(serializers.Serializer):
    # Kept as typed: a query of spaces only gets the engine's note, not a 400.
    q = serializers.CharField(
        trim_whitespace=False, help_text="what to look for (several words: all of them)"
    )
    type = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="comma-separated result types, e.g. measure,reply_section",
    )
    bureau = serializers.CharField(
        required=False, allow_blank=True, help_text="bureau id, name or alias"
    )
    tier = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text="tier slug: entries naming what applies to it (the tier itself or a tier it "
        "stands on), as the measures' `tier` filter; the tier facet counts the same way",
    )
    theme = serializers.CharField(required=False, allow_blank=True, help_text="theme slug")
    document = serializers.IntegerField(required=False, min_value=1, max_value=MAX_INT)
    page = serializers.IntegerField(required=False, min_value=1, max_value=100_000, default=1)
    page_size = serializers.IntegerField(
        required=False,
        min_value=1,
        default=PageNumberPagination.page_size,
        help_text=f"at most {PageNumberPagination.max_page_size}",
    )


class SearchView(APIView):
    csv_row_serializer_class = SearchHitSerializer  # `?format=csv`: one row per hit

    @extend_schema(
        summary="Full-text search over measures, reply sections and more, best first",
        parameters=[SearchQuerySerializer],
        responses={200: SearchResponseSerializer, 400: ERROR, 404: ERROR},
    )
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        p = params.validated_data
        size = min(p["page_size"], PageNumberPagination.max_page_size)
        page = p["page"]
        types = [t.strip() for t in p.get("type", "").split(",") if t.strip()] or None
        result = search.search(
            p["q"],
            types=types,
            bureau=p.get("bureau") or None,
            tier=p.get("tier") or None,
            theme=p.get("theme") or None,
            document=p.get("document"),
            limit=size,
            offset=(page - 1) * size,
        )
        if page > 1 and (page - 1) * size >= result.count:
            raise NotFound("页码无效。")
        shortcut = shortcut_url(p["q"])  # the page a number or 文号 names, as the site redirects
        if page == 1:
            search.log_search(p["q"], result.count)  # the staff's "what people look for"
        labels = result.facet_labels
        url = request.build_absolute_uri()
        return Response(
            {
                "count": result.count,
                "next": replace_query_param(url, "page", page + 1)
                if page * size < result.count
                else None,
                "previous": (
                    replace_query_param(url, "page", page - 1)
                    if page > 2
                    else remove_query_param(url, "page")
                )
                if page > 1
                else None,
                "results": [
                    {
                        **hit.extra,
                        "type": hit.type,
                        "id": hit.id,
                        "title": hit.title,
                        "snippet": hit.snippet,
                        "url": request.build_absolute_uri(hit.url),
                        "score": hit.score,
                    }
                    for hit in result.hits
                ],
                "facets": {
                    name: [
                        {
                            "value": value,
                            "label": labels.get(name, {}).get(value, value),
                            "count": n,
                        }
                        for value, n in result.facets.get(name, {}).items()
                    ]
                    for name in FACETS
                },
                "count_exact": result.count_exact,
                "facets_partial": result.facets_partial,
                "message": result.message,
                "also_searched": result.also_searched,
                "suggestions": result.suggestions,
                "shortcut": request.build_absolute_uri(shortcut) if shortcut else None,
            }
        )
