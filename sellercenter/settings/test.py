"""Tests: the environment's database (SQLite by default, PostgreSQL when DATABASE_URL says so)."""

from .local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405 - no collectstatic manifest in tests
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
