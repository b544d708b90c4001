"""Rate limits that read their rates when a request comes, not when the module is imported.

DRF's own classes copy `DEFAULT_THROTTLE_RATES` into a class attribute at import time, so a
changed setting (a test, an environment override read later) would be ignored."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class LiveRateMixin:
    def get_rate(self):
        # "none" (or empty) switches a limit off, e.g. THROTTLE_ANON=none for a load test.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
        return None if not rate or rate.lower() == "none" else rate


class AnonRateThrottle(LiveRateMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(LiveRateMixin, throttling.UserRateThrottle):
    pass
