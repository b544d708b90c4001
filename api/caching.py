"""A cache for the measures list, the API's busiest and costliest page.

A rendered JSON page is kept under its full URL together with the *data version* it shows,
derived from the database: how many measures there are, when any last changed and the sum of
the bureaus' contact-card versions. The version
itself lives in the shared cache (Redis when REDIS_URL is set), so no app process keeps state of
its own: every save of a measure, target or responsibility deletes it at once and again when the
transaction commits, and the next request anywhere reads it afresh with one cheap query.
Changes that bypass the ORM show once the version expires (VERSION_SECONDS); changes that save
no measure (a bureau renamed in bureaus.toml) once the page expires (`API_CACHE_SECONDS`, 30 s
by default; 0 turns the cache off)."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.http import HttpResponse
from rest_framework import mixins
from rest_framework.renderers import JSONRenderer

from policies.models import Bureau, Measure, Responsibility, Target

VERSION_KEY = "api-list:measures-version"
VERSION_SECONDS = 2


def cache_seconds() -> int:
    # The test settings turn it off unless a test turns it on: tests change rows behind the ORM.
    return settings.API_CACHE_SECONDS


def measures_version(cached: str | None = None) -> str:
    """The data version: `cached` when the caller already fetched it, else from the cache, else
    read from the database and shared for VERSION_SECONDS."""
    version = cached if cached is not None else cache.get(VERSION_KEY)
    if version is None:
        # Plain SQL: compiling the equivalent ORM aggregate costs more than the query itself.
        table = connection.ops.quote_name(Measure._meta.db_table)
        bureaus = connection.ops.quote_name(Bureau._meta.db_table)
        with connection.cursor() as cursor:
            # Every contact-card edit bumps its bureau's version, so the sum moves with them.
            cursor.execute(
                f"SELECT COUNT(*), MAX(updated_at), "
                f"(SELECT COALESCE(SUM(version), 0) FROM {bureaus}) FROM {table}"
            )
            count, changed, cards = cursor.fetchone()
        version = f"{count}:{changed}:{cards}"
        cache.set(VERSION_KEY, version, VERSION_SECONDS)
    return version


@receiver(post_save, sender=Measure)
@receiver(post_delete, sender=Measure)
@receiver(post_save, sender=Target)
@receiver(post_delete, sender=Target)
@receiver(post_save, sender=Responsibility)
@receiver(post_delete, sender=Responsibility)
@receiver(m2m_changed, sender=Measure.tiers.through)
@receiver(m2m_changed, sender=Measure.themes.through)
@receiver(post_save, sender=Bureau)  # the measures list shows each bureau's contact card
def forget_measures_version(**kwargs) -> None:
    """A measure changed: every process reads the version again. Again after the commit, so a
    version read by another process before the commit (the old data) does not outlive it."""
    cache.delete(VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(VERSION_KEY))


class CachedJSONListMixin(mixins.ListModelMixin):
    """`list()` answers JSON from the cache when the data version is unchanged."""

    cache_prefix = "api-list"

    def list(self, request, *args, **kwargs):
        seconds = cache_seconds()
        if not seconds or request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        url = request.build_absolute_uri()  # the links in the page name the host
        key = f"{self.cache_prefix}:{hashlib.sha256(url.encode()).hexdigest()}"
        # One round trip to the cache for both: the page is stored with the version it shows.
        found = cache.get_many([VERSION_KEY, key])
        version = measures_version(found.get(VERSION_KEY))
        entry = found.get(key)
        if entry is not None and entry[0] == version:
            body = entry[1]
        else:
            response = super().list(request, *args, **kwargs)
            if response.status_code != 200:
                return response
            body = JSONRenderer().render(response.data)
            cache.set(key, (version, body), seconds)
        return HttpResponse(body, content_type="application/json")
