"""One notion of the client's address (portal/client.py): X-Forwarded-For counts only as far as
TRUSTED_PROXY_COUNT proxies of ours append to it; API throttling and the login lockout both use
it, and the lockout is per user name and address together."""

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from portal.client import client_ip

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery"


@pytest.mark.parametrize(
    "count,forwarded,expected",
    [
        (0, "", "10.0.0.9"),
        (0, "203.0.113.5", "10.0.0.9"),  # no proxy: the header is the client's say-so
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.2", "203.0.113.5"),
        (2, "203.0.113.5", "203.0.113.5"),  # fewer entries than proxies: the leftmost
        (1, "", "10.0.0.9"),
        (1, "not-an-address", "10.0.0.9"),
        (1, "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_believes_only_our_proxies(rf, settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/min", "user": "5/min"},
    }
    cache.clear()
    yield
    cache.clear()


def test_a_forged_forwarded_header_does_not_escape_the_anonymous_limit(low_rates):
    api = APIClient(REMOTE_ADDR="198.51.100.1")
    assert [api.get("/api/v1/tiers/").status_code for _ in range(3)] == [200] * 3
    codes = [
        api.get("/api/v1/tiers/", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
        for n in range(100)
    ]
    assert codes == [429] * 100


def test_behind_one_proxy_each_client_has_its_own_limit(low_rates, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = APIClient(REMOTE_ADDR="10.0.0.2")

    def get(client_address):
        return proxy.get("/api/v1/tiers/", HTTP_X_FORWARDED_FOR=client_address).status_code

    assert [get("203.0.113.1") for _ in range(4)] == [200, 200, 200, 429]
    assert get("203.0.113.2") == 200  # another client behind the same proxy
    # What the client prepends itself does not make it someone else.
    assert get("9.9.9.9, 203.0.113.1") == 429


def sign_in(client, username, password):
    return client.post(
        reverse("login"), {"username": username, "password": password, "next": "/staff/"}
    )


def test_behind_the_proxy_a_strangers_bad_tries_do_not_lock_the_user_out(alice, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    stranger = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66")
    for _ in range(django_settings.AXES_FAILURE_LIMIT):
        sign_in(stranger, "alice", "guess")
    assert sign_in(stranger, "alice", PASSWORD).status_code == 429
    # alice comes through the same proxy from her own address.
    alice_client = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.8")
    response = sign_in(alice_client, "alice", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_without_a_proxy_a_forged_header_does_not_lift_a_lockout(alice):
    # Each bad try claims another address; all of them come from one connection address.
    for n in range(django_settings.AXES_FAILURE_LIMIT):
        forged = Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
        sign_in(forged, "alice", "guess")
    forged = Client(REMOTE_ADDR="198.51.100.66", HTTP_X_FORWARDED_FOR="203.0.113.99")
    assert sign_in(forged, "alice", PASSWORD).status_code == 429


def test_the_lockout_records_the_address_portal_client_finds(alice, settings):
    from axes.models import AccessAttempt

    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.66"), "alice", "x")
    attempt = AccessAttempt.objects.get(username="alice")
    assert attempt.ip_address == "198.51.100.66"
