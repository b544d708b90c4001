"""Settings for the test suite (pyproject.toml names this module): production's settings, with
what tests need on top. Tests that check throttling or caching set production values themselves.
"""

import os

# Production settings refuse to load without a secret; the suite is not production.
os.environ.setdefault("SECRET_KEY", "insecure-test-key-never-use-in-production")

from portal.settings import *  # noqa: E402, F403
from portal.settings import REST_FRAMEWORK  # noqa: E402

ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
SECURE_SSL_REDIRECT = False
# Tests serve static files from the app folders; there is no collectstatic manifest.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The whole suite shares one client address.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {"anon": "100000/min", "user": "100000/min"},
}
# Tests change rows behind the ORM's back; the measures-list cache would hide that.
API_CACHE_SECONDS = 0
# Links in alert emails.
SITE_URL = "http://127.0.0.1:8000"
# Fast hashing: the suite creates users in many tests.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
