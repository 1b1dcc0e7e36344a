"""The embedded default for a laptop: the SQLite/filesystem-broker stack, DEBUG on."""

import secrets

from sellercenter.settings.base import *  # noqa: F403
from sellercenter.settings.env import VAR_DIR, bool_from_env, env

DEBUG = bool_from_env("DJANGO_DEBUG", default=True)


def _local_secret_key() -> str:
    """A random key kept under var/ so sessions survive restarts; never used in production."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or _local_secret_key()


def _local_token_key() -> str:
    """A Fernet key kept under var/ for the TikTok tokens of this laptop's database."""
    from cryptography.fernet import Fernet

    path = VAR_DIR / "tiktok_token_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(Fernet.generate_key().decode())
    return path.read_text().strip()


TIKTOK_TOKEN_KEYS = TIKTOK_TOKEN_KEYS or [_local_token_key()]  # noqa: F405

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
