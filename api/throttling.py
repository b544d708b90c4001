"""Rate limits: rates read when a request comes, the client's address from portal.client, and
open (with one warning a minute) when the shared cache that counts requests is unreachable.

DRF's own classes copy `DEFAULT_THROTTLE_RATES` into a class attribute at import time, so a
changed setting (a test, an environment override read later) would be ignored; and their
`get_ident` believes any `X-Forwarded-For` a client sends."""

from __future__ import annotations

import logging
import time

from rest_framework import throttling
from rest_framework.settings import api_settings

from portal.client import client_ip

log = logging.getLogger(__name__)
WARN_EVERY_SECONDS = 60
_last_warning = 0.0


def _warn_once_per_interval(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= WARN_EVERY_SECONDS:
        _last_warning = now
        log.warning("API throttling is off while its cache is unreachable: %r", exc)


class PortalThrottleMixin(throttling.SimpleRateThrottle):
    def get_rate(self):
        # "none" (or empty) switches a limit off, e.g. THROTTLE_ANON=none for a load test.
        rate = str(api_settings.DEFAULT_THROTTLE_RATES.get(self.scope or "") or "")
        return None if not rate or rate.lower() == "none" else rate

    def get_ident(self, request):
        return client_ip(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception as exc:  # the cache is down: serve rather than fail every request
            _warn_once_per_interval(exc)
            return True


class AnonRateThrottle(PortalThrottleMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(PortalThrottleMixin, throttling.UserRateThrottle):
    pass
