"""Tests: the environment's database (SQLite by default, PostgreSQL when DATABASE_URL says so)."""

from sellercenter.settings.env import VAR_DIR, embedded_task_settings
from sellercenter.settings.local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Keep the test run's queue, results and cache apart from a demo running on the same checkout.
if not REDIS_URL:  # noqa: F405
    vars().update(embedded_task_settings(VAR_DIR / "test-celery"))
HEALTHZ_WORKER_TIMEOUT = 10
# Files written by tests (and by the test worker process) stay out of the demo's var/media.
MEDIA_ROOT = VAR_DIR / "test-media"
EXPORT_TMP_DIR = VAR_DIR / "test-tmp" / "exports"
