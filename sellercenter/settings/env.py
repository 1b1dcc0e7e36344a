"""The one place settings read the process environment.

Every variable is read through `env` so that a missing or malformed value stops start-up with
an ImproperlyConfigured error that names the variable.
"""

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
    try:
        config = env.db_url("DATABASE_URL")
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from exc
    if config.get("ENGINE") == "django.db.backends.sqlite3":
        return _sqlite(Path(config["NAME"]))
    if config.get("ENGINE") != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "DATABASE_URL must use postgres:// (or sqlite:///path); got "
            f"{urlparse(env.str('DATABASE_URL')).scheme or 'no scheme'}"
        )
    config["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    return config


def _sqlite(path: Path) -> dict:
    """A SQLite file in WAL mode; its test database is a file beside it (worker processes
    of the test suite open it too, which an in-memory database would not allow)."""
    return {
        "ENGINE": "django.db.backends.sqlite3",
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
