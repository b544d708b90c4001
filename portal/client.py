"""Who is asking: the one notion of the client's address that throttling and the login lockout
share.

`X-Forwarded-For` is whatever the client wants it to be, except for the entries our own proxies
append. With TRUSTED_PROXY_COUNT = N, the N-th entry from the right is the address the outermost
of our proxies saw; everything left of it is the client's say-so. With 0 (the default: no proxy)
the header is ignored and the connection's own address counts.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or ""
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [part for part in forwarded if part]
    if not forwarded:
        return remote
    candidate = forwarded[-min(count, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:  # a proxy of ours never writes that: count the connection instead
        return remote
