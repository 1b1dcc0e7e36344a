"""The one place settings read the process environment.

Every variable is read through `env` so that a missing or malformed value stops start-up with
an ImproperlyConfigured error that names the variable.
"""

import warnings
from pathlib import Path
from urllib.parse import urlparse

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()


def database_from_env(*, default_sqlite: Path) -> dict:
    """DATABASE_URL as a Django DATABASES entry, or the embedded SQLite file in WAL mode."""
    if "DATABASE_URL" not in env:
        return _sqlite(default_sqlite)
    config = _db_url("DATABASE_URL")
    if config.get("ENGINE") == "django.db.backends.sqlite3":
        return _sqlite(Path(config["NAME"]))
    if config.get("ENGINE") != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_URL must use postgres:// (or sqlite:///path); got "
            f"{urlparse(env.str('DATABASE_URL')).scheme or 'no scheme'}"
        )
    return _pooled(config)


def replica_from_env(primary: dict) -> dict | None:
    """DATABASE_REPLICA_URL as the DATABASES entry of a read replica of `primary`, or None
    when it is unset or empty (docs/scaling.md "Read replicas"). Its test database is the
    primary's own (a mirror): migrations never run against it."""
    if not env.str("DATABASE_REPLICA_URL", default=""):
        return None
    if primary.get("ENGINE") != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL is set but DATABASE_URL is not PostgreSQL: a read replica "
            "needs a PostgreSQL primary (SQLite has no replicas). Unset DATABASE_REPLICA_URL."
        )
    config = _db_url("DATABASE_REPLICA_URL")
    if config.get("ENGINE") != POSTGRESQL:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must use postgres://; got "
            f"{urlparse(env.str('DATABASE_REPLICA_URL')).scheme or 'no scheme'}"
        )
    # A replica that is down costs a read view this long once, then the primary serves.
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    return {**_pooled(config), "TEST": {"MIRROR": "default"}}


POSTGRESQL = "django.db.backends.postgresql"


def _db_url(name: str) -> dict:
    try:
        with warnings.catch_warnings():  # "Engine not recognized": the callers say it better
            warnings.simplefilter("ignore", UserWarning)
            return env.db_url(name)
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"{name} is malformed: {exc}") from exc


def _pooled(config: dict) -> dict:
    """Persistent connections, checked before reuse (a replica restarts like a primary)."""
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def _sqlite(path: Path) -> dict:
    """A SQLite file in WAL mode; its test database is a file beside it (worker processes
    of the test suite open it too, which an in-memory database would not allow)."""
    return {
        "ENGINE": "sellercenter.sqlite",  # Django's, reading money as PostgreSQL does
        "NAME": str(path),
        "OPTIONS": {
            # WAL lets the web server read while a worker writes; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
        "TEST": {"NAME": str(path.with_name(f"test-{path.name}"))},
    }


def redis_url_from_env() -> str | None:
    """REDIS_URL, checked for a redis:// or rediss:// scheme, or None for the embedded default."""
    if "REDIS_URL" not in env:
        return None
    url = env.str("REDIS_URL")
    parsed = urlparse(url)
    if parsed.scheme not in ("redis", "rediss") or not parsed.hostname:
        raise ImproperlyConfigured(f"REDIS_URL must look like redis://host:6379/0; got {url!r}")
    return url


def redis_task_settings(url: str) -> dict:
    """Cache, sessions, Celery broker and result store on the Redis database at `url`."""
    return {
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        },
        # Each page reads its session from Redis, the database only when Redis lost it (a
        # statement less a request; writes go to both, so a restart signs nobody out).
        "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
        "CELERY_BROKER_URL": url,
        "CELERY_RESULT_BACKEND": url,
        # Longer than the longest task plus queue wait, or Redis redelivers running exports.
        "CELERY_BROKER_TRANSPORT_OPTIONS": {"visibility_timeout": 4 * 3600},
        "CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS": {"visibility_timeout": 4 * 3600},
    }


REDIS_DATABASES = 16  # Redis's default `databases`: numbers 0–15


def xdist_worker_from_env() -> str:
    """The pytest-xdist worker this process runs tests for ("gw0", "gw1", …), or "" in a
    serial run. A Celery worker or manage.py that a test starts inherits the variable, so it
    lands on the same Redis database and folders as the test that started it."""
    worker = env.str("PYTEST_XDIST_WORKER", default="")
    if worker and not (worker.startswith("gw") and worker[2:].isdigit()):
        raise ImproperlyConfigured(f"PYTEST_XDIST_WORKER must look like gw0; got {worker!r}")
    return worker


def redis_url_for_xdist_worker(url: str, worker: str) -> str:
    """`url` on its own Redis database for xdist worker `worker`: database N of REDIS_URL plus
    the worker's number, wrapping within 0–15 (REDIS_URL …/8 gives gw0 8, gw1 9, gw2 10; …/15
    gives gw0 15, gw1 0). A serial run ("") keeps `url` as it is."""
    if not worker:
        return url
    parsed = urlparse(url)
    number = parsed.path.strip("/") or "0"
    if not number.isdigit():
        raise ImproperlyConfigured(f"REDIS_URL must end in a database number; got {url!r}")
    database = (int(number) + int(worker.removeprefix("gw"))) % REDIS_DATABASES
    return parsed._replace(path=f"/{database}").geturl()


def int_from_env(name: str, *, default: int) -> int:
    """An integer variable, with a message that names it when it is not a number."""
    try:
        return env.int(name, default=default)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {env.str(name)!r}") from exc


def bool_from_env(name: str, *, default: bool) -> bool:
    """A boolean variable (1/0, true/false, yes/no, on/off), rejecting anything else by name."""
    if name not in env:
        return default
    raw = env.str(name).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off", ""):
        return False
    raise ImproperlyConfigured(f"{name} must be true or false; got {raw!r}")


def embedded_task_settings(folder: Path) -> dict:
    """Celery broker, result store and cache in `folder`, for a machine without Redis.

    Kombu's filesystem transport keeps every queue in one folder; the file cache is shared by
    the web, worker and beat processes (locmem would not be).
    """
    return {
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_BROKER_TRANSPORT_OPTIONS": {
            "data_folder_in": str(folder / "queue"),
            "data_folder_out": str(folder / "queue"),
            "control_folder": str(folder / "control"),
            "store_processed": False,
            "polling_interval": 0.25,
        },
        "CELERY_RESULT_BACKEND": f"file://{folder / 'results'}",
        "CACHES": {
            "default": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": str(folder / "cache"),
            }
        },
    }


def fernet_keys_from_env(name: str) -> list[str]:
    """A comma-separated list of Fernet keys (the first encrypts, all decrypt), each checked
    here so that a malformed key stops start-up naming the variable, not the first decryption.
    Never prints a key."""
    from cryptography.fernet import Fernet

    keys = [key.strip() for key in env.str(name, default="").split(",") if key.strip()]
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64 bytes; make one "
                "with `python -c 'from cryptography.fernet import Fernet; "
                "print(Fernet.generate_key().decode())'`)."
            ) from None
    return keys
