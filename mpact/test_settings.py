"""Settings for the test suite (pyproject.toml: DJANGO_SETTINGS_MODULE): production's settings
(mpact/settings.py, the same environment variables) with what only tests need.

Production settings never change shape because a test runner is imported; what differs for
tests is here, each with its reason.
"""

import os

# Tests may run without DEBUG and without a key of their own.
os.environ.setdefault("SECRET_KEY", "test-only-key-never-used-outside-the-test-suite")

from mpact.settings import *  # noqa: E402, F403

# Templates are rendered without running collectstatic first.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# The test client and the live server talk plain HTTP.
SECURE_SSL_REDIRECT = False
# Tests read each page's context; tests/test_public_cache.py turns the page cache on.
PUBLIC_PAGE_CACHE_SECONDS = 0
# Hashing passwords properly is slow by design; tests create many accounts.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Text messages are kept in memory (mpact.notifications.sms_backends.locmem.outbox).
SMS_BACKEND = "mpact.notifications.sms_backends.locmem.SmsBackend"
