"""Tests: the environment's database (SQLite by default, PostgreSQL when DATABASE_URL says so).

Under pytest-xdist (`dev.py test` runs the suite on several workers) each worker has its own
of everything a test can fill or empty: pytest-django gives it its own test database
(test_<name>_gw0, …), and this file its own Redis database for broker, results and cache
(REDIS_URL's number plus the worker's, wrapping within 0–15: `redis_url_for_xdist_worker`), or
its own embedded broker folder without Redis, and its own media and export folders. A Celery
worker a test starts inherits PYTEST_XDIST_WORKER and so lands on the same ones.
"""

from sellercenter.settings.env import (
    VAR_DIR,
    embedded_task_settings,
    redis_task_settings,
    redis_url_for_xdist_worker,
    xdist_worker_from_env,
)
from sellercenter.settings.local import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast; tests only
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

TEST_WORKER = xdist_worker_from_env()  # "gw0", "gw1", … under xdist; "" in a serial run


def _own(name: str):
    """A folder under var/ for this test worker alone (var/NAME-gw0; var/NAME when serial)."""
    return VAR_DIR / (f"{name}-{TEST_WORKER}" if TEST_WORKER else name)


if REDIS_URL:  # noqa: F405
    REDIS_URL = redis_url_for_xdist_worker(REDIS_URL, TEST_WORKER)  # noqa: F405
    vars().update(redis_task_settings(REDIS_URL))
else:  # keep the test run's queue, results and cache apart from a demo on the same checkout
    vars().update(embedded_task_settings(_own("test-celery")))
HEALTHZ_WORKER_TIMEOUT = 10
# Files written by tests (and by the test worker process) stay out of the demo's var/media.
MEDIA_ROOT = _own("test-media")
EXPORT_TMP_DIR = _own("test-tmp") / "exports"
# The permission matrix and the fuzz runs send many requests without a token from one address;
# the tests of that limit set their own (tests/api/test_auth_failure_limit.py).
API_AUTH_FAILURE_LIMIT = "100000/minute"


# A second alias on the same test database (a mirror: no database of its own, no migrations),
# for the replica router's tests, which switch it on with override_settings(REPLICA_ALIAS=…)
# and run outside a test transaction so that both connections see the same rows.
DATABASES.setdefault(  # noqa: F405
    "replica",
    {**DATABASES["default"], "TEST": {"MIRROR": "default"}},  # noqa: F405
)
REPLICA_ALIAS = None
