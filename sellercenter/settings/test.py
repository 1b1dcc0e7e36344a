"""Tests: the environment's database (SQLite by default, PostgreSQL when DATABASE_URL says so)."""

from .env import VAR_DIR
from .local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"] = {  # noqa: F405 - no collectstatic manifest in tests
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Keep the test run's queue, results and cache apart from a demo running on the same checkout.
if not REDIS_URL:  # noqa: F405
    _TEST_CELERY = VAR_DIR / "test-celery"
    CELERY_BROKER_TRANSPORT_OPTIONS = {  # noqa: F405
        "data_folder_in": str(_TEST_CELERY / "queue"),
        "data_folder_out": str(_TEST_CELERY / "queue"),
        "control_folder": str(_TEST_CELERY / "control"),
        "store_processed": False,
        "polling_interval": 0.25,
    }
    CELERY_RESULT_BACKEND = f"file://{_TEST_CELERY / 'results'}"
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "test-cache"),
        }
    }  # noqa: F405
HEALTHZ_WORKER_TIMEOUT = 10
