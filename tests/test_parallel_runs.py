"""`dev.py test` runs the suite on several pytest-xdist workers; each worker (and every Celery
worker or manage.py a test starts, which inherit PYTEST_XDIST_WORKER) has its own Redis
database and its own folders, so no worker takes another's tasks or clears another's cache."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from sellercenter.settings.env import redis_url_for_xdist_worker
from tests.helpers import ROOT, manage


@pytest.mark.parametrize(
    ("url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/8", "", "redis://127.0.0.1:6379/8"),  # a serial run
        ("redis://127.0.0.1:6379/8", "gw0", "redis://127.0.0.1:6379/8"),
        ("redis://127.0.0.1:6379/8", "gw2", "redis://127.0.0.1:6379/10"),
        ("redis://127.0.0.1:6379/15", "gw1", "redis://127.0.0.1:6379/0"),  # wraps within 0–15
        ("redis://127.0.0.1:6379/14", "gw19", "redis://127.0.0.1:6379/1"),
        ("redis://127.0.0.1:6379", "gw1", "redis://127.0.0.1:6379/1"),  # no number is 0
        ("rediss://:pw@cache.test:6380/3?ssl_cert_reqs=none", "gw1", "rediss://:pw@cache.test:6380/4?ssl_cert_reqs=none"),
    ],
)  # fmt: skip
def test_each_worker_has_the_redis_database_after_the_previous_ones(url, worker, expected):
    assert redis_url_for_xdist_worker(url, worker) == expected


def test_a_redis_url_without_a_database_number_is_refused_naming_it():
    with pytest.raises(ImproperlyConfigured, match="REDIS_URL must end in a database number"):
        redis_url_for_xdist_worker("redis://127.0.0.1:6379/cache", "gw1")


PROBE = (
    "from django.conf import settings as s; "
    "print(s.REDIS_URL, s.CELERY_BROKER_URL, s.CELERY_RESULT_BACKEND, "
    "s.CACHES['default']['LOCATION'], s.MEDIA_ROOT, s.EXPORT_TMP_DIR)"
)


def _test_settings(**env: str) -> list[str]:
    result = manage(
        "shell", "-c", PROBE, DJANGO_SETTINGS_MODULE="sellercenter.settings.test", **env
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1].split()


def test_a_worker_process_gets_its_own_redis_database_for_broker_results_and_cache():
    redis, broker, results, cache, media, exports = _test_settings(
        REDIS_URL="redis://127.0.0.1:6379/15", PYTEST_XDIST_WORKER="gw2"
    )
    assert {redis, broker, results, cache} == {"redis://127.0.0.1:6379/1"}
    assert media == str(ROOT / "var" / "test-media-gw2")
    assert exports == str(ROOT / "var" / "test-tmp-gw2" / "exports")


def test_without_redis_a_worker_process_gets_its_own_broker_and_cache_folders():
    redis, broker, results, cache, media, _ = _test_settings(PYTEST_XDIST_WORKER="gw1")
    assert (redis, broker) == ("None", "filesystem://")
    assert results == f"file://{ROOT / 'var' / 'test-celery-gw1' / 'results'}"
    assert cache == str(ROOT / "var" / "test-celery-gw1" / "cache")
    assert media == str(ROOT / "var" / "test-media-gw1")


def test_a_serial_run_keeps_redis_url_and_the_plain_folders():
    redis, _, _, _, media, _ = _test_settings(
        REDIS_URL="redis://127.0.0.1:6379/8", PYTEST_XDIST_WORKER=""
    )
    assert redis == "redis://127.0.0.1:6379/8"
    assert media == str(ROOT / "var" / "test-media")


def test_a_malformed_worker_name_stops_start_up_naming_the_variable():
    result = manage(
        "check", DJANGO_SETTINGS_MODULE="sellercenter.settings.test", PYTEST_XDIST_WORKER="seven"
    )
    assert result.returncode != 0
    assert "PYTEST_XDIST_WORKER" in result.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], ["-n", "3"]),
        (["tests/orders", "-k", "status"], ["-n", "3", "tests/orders", "-k", "status"]),
        (["-n", "0"], ["-n", "0"]),  # serially
        (["-n0", "-x"], ["-n0", "-x"]),
        (["--numprocesses=2"], ["--numprocesses=2"]),
        (["-p", "no:xdist"], ["-p", "no:xdist"]),
    ],
)
def test_dev_py_test_runs_in_parallel_unless_the_arguments_say_otherwise(args, expected):
    from dev import pytest_args

    assert pytest_args(args, 3) == expected
