"""Production: everything secret or host-specific must come from the environment.

Passes `manage.py check --deploy` with no warnings once DJANGO_SECRET_KEY, ALLOWED_HOSTS and
DATABASE_URL are set. https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
"""

from django.core.exceptions import ImproperlyConfigured

from sellercenter.settings.base import *  # noqa: F403
from sellercenter.settings.base import TIKTOK_APP_KEY, TIKTOK_TOKEN_KEYS, TRACKING_DEFAULT_PROVIDER
from sellercenter.settings.env import bool_from_env, env, int_from_env

for required in ("DJANGO_SECRET_KEY", "ALLOWED_HOSTS"):
    if not env.str(required, default=""):
        raise ImproperlyConfigured(f"Set the {required} environment variable (production).")

SECRET_KEY = env.str("DJANGO_SECRET_KEY")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 random characters.")

DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

# HTTPS terminates at the reverse proxy, which sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = bool_from_env("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
SECURE_HSTS_SECONDS = int_from_env("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# Carrier tracking: no simulator here (its key is public), and no provider that would verify
# webhooks or call out with an empty or well-known key. docs/tracking.md
PUBLIC_KEYS = {"simulator-key", "changeme", "secret", "test"}
PROVIDER_KEYS = {"17track": "TRACKING_17TRACK_API_KEY", "aftership": "TRACKING_AFTERSHIP_API_KEY"}
for name in (*PROVIDER_KEYS.values(), "TRACKING_AFTERSHIP_WEBHOOK_SECRET"):
    value = env.str(name, default="")
    if value and (value.lower() in PUBLIC_KEYS or len(value) < 16):
        raise ImproperlyConfigured(f"{name} is a default or too short (16+ characters).")
if env.str("TRACKING_AFTERSHIP_API_KEY", default="") and not env.str(
    "TRACKING_AFTERSHIP_WEBHOOK_SECRET", default=""
):
    raise ImproperlyConfigured(
        "TRACKING_AFTERSHIP_API_KEY is set: set TRACKING_AFTERSHIP_WEBHOOK_SECRET too "
        "(AfterShip's webhook signing secret), or its webhooks cannot be verified."
    )
if TRACKING_DEFAULT_PROVIDER:
    if TRACKING_DEFAULT_PROVIDER not in PROVIDER_KEYS:
        raise ImproperlyConfigured(
            "TRACKING_DEFAULT_PROVIDER must be 17track or aftership in production "
            "(the simulator exists only in the demo)."
        )
    if not env.str(PROVIDER_KEYS[TRACKING_DEFAULT_PROVIDER], default=""):
        raise ImproperlyConfigured(
            f"TRACKING_DEFAULT_PROVIDER is {TRACKING_DEFAULT_PROVIDER}: "
            f"set {PROVIDER_KEYS[TRACKING_DEFAULT_PROVIDER]} too."
        )

# TikTok Shop: nothing is needed until the app key is set; then its secret, its service id (for
# the authorization link) and the keys that encrypt the shops' tokens must be set too.
if TIKTOK_APP_KEY:
    for name in ("TIKTOK_APP_SECRET", "TIKTOK_SERVICE_ID"):
        if not env.str(name, default=""):
            raise ImproperlyConfigured(f"TIKTOK_APP_KEY is set: set {name} too.")
    if not TIKTOK_TOKEN_KEYS:
        raise ImproperlyConfigured(
            "TIKTOK_APP_KEY is set: set TIKTOK_TOKEN_KEYS too (comma-separated Fernet keys that "
            "encrypt the shops' TikTok tokens; the first one encrypts)."
        )
