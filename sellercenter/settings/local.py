"""The embedded default for a laptop: the SQLite/filesystem-broker stack, DEBUG on."""

import contextlib
import os
import secrets

from sellercenter.settings.base import *  # noqa: F403
from sellercenter.settings.env import VAR_DIR, bool_from_env, env

DEBUG = bool_from_env("DJANGO_DEBUG", default=True)


def _kept_key(name: str, make) -> str:
    """The key in var/NAME, made by `make()` the first time. Written to a file of its own and
    linked into place, so processes starting together (the test suite's workers, web and
    worker) all read the one key that won, never a half-written or a second one."""
    path = VAR_DIR / name
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{name}.{os.getpid()}")
        draft.write_text(make())
        with contextlib.suppress(FileExistsError):  # another process was first: keep its key
            os.link(draft, path)
        draft.unlink()
    return path.read_text().strip()


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


# A random key kept under var/ so sessions survive restarts; never used in production.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _kept_key(
    "secret_key", lambda: secrets.token_urlsafe(50)
)
# A Fernet key kept under var/ for the TikTok tokens of this laptop's database.
TIKTOK_TOKEN_KEYS = TIKTOK_TOKEN_KEYS or [_kept_key("tiktok_token_key", _fernet_key)]  # noqa: F405

# Serve static files straight from static/ (no collectstatic needed on a laptop).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - WhiteNoise expects it to exist
# Plain file names (no collectstatic manifest) so DEBUG can be off on a laptop too.
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# The simulated carrier (`manage.py carrier_simulator`, run by `dev.py run`) speaks 17TRACK's
# protocol with a public key: it is the demo's and the tests' provider, and never exists in
# production settings (docs/tracking.md).
TRACKING_SIMULATOR_ENABLED = True
TRACKING_SIMULATOR_URL = env.str(
    "TRACKING_SIMULATOR_URL", default="http://127.0.0.1:8765/track/v2.2"
)
TRACKING_SIMULATOR_KEY = env.str("TRACKING_SIMULATOR_KEY", default="simulator-key")
TRACKING_SIMULATOR_RATE = float(env.str("TRACKING_SIMULATOR_RATE", default="50"))  # calls/s
TRACKING_DEFAULT_PROVIDER = env.str("TRACKING_DEFAULT_PROVIDER", default="simulator")

# Development tooling: the demo seeder and simulators, and `manage.py benchmark`. Production's
# settings never install them, and the production image does not contain them.
INSTALLED_APPS = [*INSTALLED_APPS, "demo", "benchmarks"]  # noqa: F405

# The demo's and the tests' webhook receiver listens on the loopback interface over http.
WEBHOOKS_ALLOW_LOCAL_HTTP = True
