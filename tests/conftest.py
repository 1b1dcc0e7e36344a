"""Shared fixtures: the role fixtures of STYLE.md rule 17 and the real-service guards.

Under CI=true a test that needs PostgreSQL, Redis, a Celery worker or Chromium fails when the
service is missing instead of skipping, so a green CI run always means they were exercised.
"""

import os
import warnings

import pytest
from django.db import connection

from accounts.roles import Role
from sellercenter.celery import app
from tests.accounts.factories import ShopFactory, UserFactory, member

CI = os.environ.get("CI", "").lower() == "true"


def require(available: bool, what: str) -> None:
    """Skip locally, fail under CI, when `what` is not available."""
    if available:
        return
    if CI:
        pytest.fail(f"{what} is required when CI=true but is not available", pytrace=False)
    pytest.skip(f"{what} is not available")


def pytest_sessionstart(session):
    if CI and not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        raise pytest.UsageError("CI=true needs DATABASE_URL pointing at PostgreSQL")
    if CI and not os.environ.get("REDIS_URL"):
        raise pytest.UsageError("CI=true needs REDIS_URL pointing at Redis")


@pytest.fixture
def postgres(db):
    """For tests of PostgreSQL-only behaviour (trigram indexes, row locks)."""
    require(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


@pytest.fixture
def shop(db):
    return ShopFactory(slug="north-shop", name="North Shop")


@pytest.fixture
def other_shop(db):
    return ShopFactory(
        slug="south-shop", name="South Shop", market="GB", currency="GBP", timezone="Europe/London"
    )


@pytest.fixture
def two_shops(db):
    """Two shops in other time zones, for what belongs to one shop and not the other."""
    east = ShopFactory(slug="east", name="East Shop", timezone="America/New_York")
    west = ShopFactory(slug="west", name="West Shop", timezone="America/Los_Angeles")
    return east, west


@pytest.fixture
def admin(shop):
    return member(shop=shop, role=Role.ADMINISTRATOR, email="admin@example.test")


@pytest.fixture
def cs_agent(shop):
    return member(shop=shop, role=Role.CUSTOMER_SERVICE, email="cs@example.test")


@pytest.fixture
def packer(shop):
    return member(shop=shop, role=Role.FULFILMENT, email="packer@example.test")


@pytest.fixture
def accountant(shop):
    return member(shop=shop, role=Role.ACCOUNTANT, email="accountant@example.test")


@pytest.fixture
def viewer(shop):
    return member(shop=shop, role=Role.VIEWER, email="viewer@example.test")


@pytest.fixture
def outsider(other_shop):
    """A full administrator — of another shop."""
    return member(shop=other_shop, role=Role.ADMINISTRATOR, email="outsider@example.test")


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.test", is_staff=True, is_superuser=True)


@pytest.fixture
def role_users(admin, cs_agent, packer, accountant, viewer):
    """Every role of the shop, by role code."""
    return {
        Role.ADMINISTRATOR: admin,
        Role.CUSTOMER_SERVICE: cs_agent,
        Role.FULFILMENT: packer,
        Role.ACCOUNTANT: accountant,
        Role.VIEWER: viewer,
    }


@pytest.fixture(scope="session")
def _celery_worker_process(django_db_setup, django_db_blocker):
    """The session's worker process, consuming the test broker."""
    from tests.celery_worker import start_worker, stop_worker, wait_until_ready

    if CI:
        from django.conf import settings

        assert settings.CELERY_BROKER_URL.startswith("redis"), "CI runs the worker on Redis"
    process = start_worker()
    try:
        wait_until_ready(process)
    except RuntimeError as exc:
        stop_worker(process)
        require(False, f"a Celery worker ({exc})")
    yield process
    stop_worker(process)


@pytest.fixture
def celery_worker(_celery_worker_process, transactional_db):
    """A real worker process (one per session) for a test on committed data; the test's
    tables are emptied only once the worker has finished what the test gave it."""
    from tests.celery_worker import wait_until_idle

    yield _celery_worker_process
    if not wait_until_idle():
        warnings.warn(
            "the Celery worker was still busy when the test's tables were emptied", stacklevel=2
        )


@pytest.fixture
def eager():
    """Tasks run where they are sent, as a worker would run them (the test settings queue
    them for a worker otherwise)."""
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
