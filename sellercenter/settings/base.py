"""Settings shared by every environment. Values come from the environment via `env.py`.

With nothing set, this is the embedded default: SQLite in WAL mode, a Celery broker
on the filesystem and media under `var/`. Docs: https://docs.djangoproject.com/en/5.2/ref/settings/
"""

from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from sellercenter.settings.env import (
    BASE_DIR,
    VAR_DIR,
    bool_from_env,
    database_from_env,
    embedded_task_settings,
    env,
    fernet_keys_from_env,
    int_from_env,
    redis_task_settings,
    redis_url_from_env,
    replica_from_env,
)

# --- Core -------------------------------------------------------------------------------------

DEBUG = bool_from_env("DJANGO_DEBUG", default=False)
try:
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
except ValueError as exc:  # pragma: no cover - env.list only fails on exotic input
    raise ImproperlyConfigured(f"ALLOWED_HOSTS is malformed: {exc}") from exc
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
ROOT_URLCONF = "sellercenter.urls"
WSGI_APPLICATION = "sellercenter.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "axes",
    "csp",
    "django_celery_beat",
    "django_otp",
    "accounts.apps.RecoveryCodesConfig",  # django_otp's otp_static, named in words
    "accounts.apps.AuthenticatorAppsConfig",  # django_otp's otp_totp
    "django_filters",
    "django_htmx",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served as our own static files
    "guardian",
    "import_export",
    "rest_framework",
    "template_partials",
    "accounts",
    "orders",
    "tracking",
    "imports",
    "exports",
    "tiktok",
    "insights",
    "finance",
    "api",
    "webhooks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionRefreshMiddleware",  # inside SessionMiddleware: saved on exit
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "accounts.access.PermissionCacheMiddleware",
    "sellercenter.replica_middleware.ReplicaMiddleware",  # no-op without a replica
    "accounts.middleware.ActivityMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes requires
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.navigation",
            ],
            "libraries": {"jinja": "sellercenter.jinja"},  # {% jinja %}
        },
    },
    {
        # The hot loops only (sellercenter/jinja.py); Django templates are the default.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "NAME": "jinja2",
        "DIRS": [BASE_DIR / "templates" / "jinja2"],
        "APP_DIRS": False,
        "OPTIONS": {"environment": "sellercenter.jinja.environment"},
    },
]

# --- Data -------------------------------------------------------------------------------------

DATABASES = {"default": database_from_env(default_sqlite=VAR_DIR / "db.sqlite3")}
# A PostgreSQL read replica (streaming standby), optional: DATABASE_REPLICA_URL, parsed like
# DATABASE_URL. The order list, its counts, insights and export generation read order data
# there; writes, sessions, permissions and transactions stay on the primary, and a person's
# reads stay there for REPLICA_STICKY_SECONDS after any change they make (docs/scaling.md
# "Read replicas": sellercenter/db_router.py, orders/replica.py). Unset: one database.
if _replica := replica_from_env(DATABASES["default"]):
    DATABASES["replica"] = _replica
REPLICA_ALIAS = "replica" if _replica else None
DATABASE_ROUTERS = ["sellercenter.db_router.ReplicaRouter"]
REPLICA_STICKY_SECONDS = int_from_env("REPLICA_STICKY_SECONDS", default=15)
REPLICA_RETRY_SECONDS = int_from_env("REPLICA_RETRY_SECONDS", default=30)  # after a failed connect
REPLICA_READ_VIEWS = ("orders:list", "orders:counts", "insights:page", "insights:csv")
REDIS_URL = redis_url_from_env()

# --- Auth -------------------------------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses locked-out credentials
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sessions end after 8 hours of inactivity and when the browser closes.
SESSION_COOKIE_AGE = int_from_env("SESSION_COOKIE_AGE", default=8 * 3600)
# Idle sessions end after SESSION_COOKIE_AGE: accounts.middleware.SessionRefreshMiddleware
# moves the expiry on every five minutes of use, instead of a write on every request.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# django-guardian: no AnonymousUser row (each migrate would create one, and it skews user counts).
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# Lockout after repeated failed logins (django-axes: its backend first in
# AUTHENTICATION_BACKENDS, its middleware last in MIDDLEWARE).
# https://django-axes.readthedocs.io/en/latest/4_configuration.html
AXES_FAILURE_LIMIT = int_from_env("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=int_from_env("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]  # an office NAT is not locked out whole
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"  # one counter per address, any case
AXES_VERBOSE = False
# The client address comes from REMOTE_ADDR unless a trusted reverse proxy is configured:
# CLIENT_IP_HEADER (e.g. HTTP_X_FORWARDED_FOR) and TRUSTED_PROXY_COUNT (proxies in front).
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="REMOTE_ADDR")
AXES_IPWARE_META_PRECEDENCE_ORDER = [CLIENT_IP_HEADER]
AXES_IPWARE_PROXY_COUNT = int_from_env("TRUSTED_PROXY_COUNT", default=0) or None

# Two-factor (django-otp): TOTP apps plus single-use recovery codes.
OTP_TOTP_ISSUER = env.str("OTP_ISSUER", default="Seller Center")
OTP_TOTP_THROTTLE_FACTOR = 1

# Content Security Policy (django-csp): no inline script anywhere, nothing from other origins.
# The QR code of the two-factor set-up is an inline SVG image (data: URI).
# https://django-csp.readthedocs.io/en/latest/configuration.html
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- Internationalisation ---------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"  # stored and computed in UTC; each shop renders in its own zone
USE_I18N = True
USE_TZ = True

# --- Static and media files -------------------------------------------------------------------

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# https://docs.djangoproject.com/en/5.2/ref/settings/#storages — S3-compatible storage is
# selected with STORAGE_BACKEND=s3 and the AWS_* variables of django-storages.
STORAGE_BACKEND = env.str("STORAGE_BACKEND", default="local")
if STORAGE_BACKEND not in ("local", "s3"):
    raise ImproperlyConfigured(f"STORAGE_BACKEND must be 'local' or 's3'; got {STORAGE_BACKEND!r}")
STORAGES = {
    "default": {
        "BACKEND": "storages.backends.s3.S3Storage"
        if STORAGE_BACKEND == "s3"
        else "django.core.files.storage.FileSystemStorage",
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Email ------------------------------------------------------------------------------------

# EMAIL_URL such as smtp+tls://user:password@smtp.example.com:587; console otherwise.
if "EMAIL_URL" in env:
    try:
        vars().update(env.email_url("EMAIL_URL"))
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        raise ImproperlyConfigured(f"EMAIL_URL is malformed: {exc}") from exc
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Seller Center <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------------
# https://docs.celeryq.dev/en/stable/userguide/configuration.html

if REDIS_URL:  # broker, results and the cache (redis_task_settings)
    vars().update(redis_task_settings(REDIS_URL))
else:  # the embedded default: broker, results and cache as files under var/celery/
    vars().update(embedded_task_settings(VAR_DIR / "celery"))
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_ACKS_LATE = False  # opted into per idempotent task
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 55 * 60
CELERY_TASK_TIME_LIMIT = 60 * 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Where tasks without a route go; a benchmark's web server and worker share one of their own.
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")
CELERY_TASK_ROUTES = {
    "exports.tasks.*": {"queue": "exports"},
    "orders.tasks.tracking_*": {"queue": "tracking"},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "beat-heartbeat": {"task": "sellercenter.tasks.beat_heartbeat", "schedule": 60.0},
    "exports-schedules": {"task": "exports.tasks.export_schedules_run", "schedule": 300.0},
    "exports-recover": {"task": "exports.tasks.export_recover", "schedule": 60.0},
    "exports-expire": {"task": "exports.tasks.export_expire", "schedule": 3600.0},
    "tracking-dispatch": {"task": "orders.tasks.tracking_dispatch", "schedule": 300.0},
    "imports-recover": {"task": "orders.tasks.import_recover_task", "schedule": 60.0},
    "imports-expire": {"task": "orders.tasks.import_expire_task", "schedule": 3600.0},
    "tiktok-tokens-refresh": {"task": "tiktok.tasks.tiktok_tokens_refresh", "schedule": 3600.0},
    "tiktok-sync-due": {"task": "tiktok.tasks.tiktok_sync_due", "schedule": 60.0},
    "tiktok-actions-due": {"task": "tiktok.tasks.tiktok_actions_due", "schedule": 60.0},
    "tiktok-finance-due": {"task": "tiktok.tasks.tiktok_finance_due", "schedule": 900.0},
    "sales-rollups-sweep": {"task": "orders.tasks.sales_rollups_sweep", "schedule": 60.0},
    "webhooks-pass": {"task": "webhooks.tasks.webhooks_pass", "schedule": 5.0},
}
CELERY_TIMEZONE = "UTC"

# --- Carrier tracking (docs/tracking.md, tracking/carriers/) -------------------------------------

# Real providers are enabled by their keys. New packages are followed by the shop's provider
# (Shop.tracking_provider) or else by TRACKING_DEFAULT_PROVIDER; with neither, a tracking number
# is recorded but not followed. The simulated carrier exists only in the local and test settings
# (TRACKING_SIMULATOR_* there): production has no simulator provider and no simulator webhook.
TRACKING_SIMULATOR_ENABLED = False
TRACKING_DEFAULT_PROVIDER = env.str("TRACKING_DEFAULT_PROVIDER", default="")
TRACKING_17TRACK_URL = env.str("TRACKING_17TRACK_URL", default="https://api.17track.net/track/v2.2")
TRACKING_17TRACK_API_KEY = env.str("TRACKING_17TRACK_API_KEY", default="")
TRACKING_AFTERSHIP_API_KEY = env.str("TRACKING_AFTERSHIP_API_KEY", default="")
TRACKING_AFTERSHIP_WEBHOOK_SECRET = env.str("TRACKING_AFTERSHIP_WEBHOOK_SECRET", default="")
TRACKING_EXPIRE_DAYS = int_from_env("TRACKING_EXPIRE_DAYS", default=30)  # silent → EXPIRED

# --- Finance (finance/; docs/decisions.md "Finance: reconciliation") ----------------------------

# Reconciliation: a delivered order no statement names this many days after delivery is
# "never settled" (TikTok settles 3–15 days after delivery); amounts within the tolerance match;
# an order's fees beyond this share of its product revenue are "unexpected".
FINANCE_NEVER_SETTLED_DAYS = int_from_env("FINANCE_NEVER_SETTLED_DAYS", default=30)
FINANCE_AMOUNT_TOLERANCE = Decimal(env.str("FINANCE_AMOUNT_TOLERANCE", default="0.01"))
FINANCE_FEE_RATE_MAX = Decimal(env.str("FINANCE_FEE_RATE_MAX", default="0.25"))

# --- TikTok Shop (tiktok/; docs/decisions.md "TikTok client and tokens") ---------------------

# The app's credentials from Partner Center. The authorization link takes the service id (the
# app's "ID" under its name), not the app key. Without an app key the portal has no TikTok
# connection and says how to set one up; production then needs nothing else of this section.
TIKTOK_APP_KEY = env.str("TIKTOK_APP_KEY", default="")
TIKTOK_APP_SECRET = env.str("TIKTOK_APP_SECRET", default="")
TIKTOK_SERVICE_ID = env.str("TIKTOK_SERVICE_ID", default="")
# Open API calls (every market) and the token endpoints (/api/v2/token/get and /refresh).
TIKTOK_API_HOST = env.str("TIKTOK_API_HOST", default="https://open-api.tiktokglobalshop.com")
TIKTOK_AUTH_HOST = env.str("TIKTOK_AUTH_HOST", default="https://auth.tiktok-shops.com")
# The seller's authorization page. TikTok's own pages disagree on the US one (an older guide
# names services.us.tiktokshop.com, a newer one services.tiktokshops.us): a setting, not code.
TIKTOK_AUTHORIZE_URL = env.str(
    "TIKTOK_AUTHORIZE_URL", default="https://services.tiktokshop.com/open/authorize"
)
TIKTOK_AUTHORIZE_URL_US = env.str(
    "TIKTOK_AUTHORIZE_URL_US", default="https://services.us.tiktokshop.com/open/authorize"
)
# Access and refresh tokens are encrypted at rest with these Fernet keys (comma-separated):
# the first encrypts, every one decrypts. To rotate, put a new key first, run
# `manage.py tiktok_tokens_reencrypt`, then drop the old key. https://cryptography.io/en/latest/fernet/
TIKTOK_TOKEN_KEYS = fernet_keys_from_env("TIKTOK_TOKEN_KEYS")
# Every call has a timeout; 429, 5xx and TikTok's rate-limit and internal-error codes are
# retried up to TIKTOK_MAX_RETRIES times, waiting TIKTOK_BACKOFF_SECONDS × 2^attempt plus up to
# half of that again at random (TikTok's advice: 1 s base, 0–500 ms jitter, ~60 s cap, ~5 tries).
TIKTOK_TIMEOUT_SECONDS = int_from_env("TIKTOK_TIMEOUT_SECONDS", default=10)
TIKTOK_MAX_RETRIES = int_from_env("TIKTOK_MAX_RETRIES", default=5)
TIKTOK_BACKOFF_SECONDS = int_from_env("TIKTOK_BACKOFF_SECONDS", default=1)
TIKTOK_BACKOFF_CAP_SECONDS = int_from_env("TIKTOK_BACKOFF_CAP_SECONDS", default=60)
# Access tokens live 7 days; the hourly refresh task renews those with fewer hours left than
# this (a day is what integrators use; TikTok documents no margin).
TIKTOK_REFRESH_MARGIN_HOURS = int_from_env("TIKTOK_REFRESH_MARGIN_HOURS", default=24)
# Get Order Detail exists as 202309 and 202507; how they differ is not documented.
TIKTOK_ORDER_DETAIL_VERSION = env.str("TIKTOK_ORDER_DETAIL_VERSION", default="202309")
# A signed OAuth `state` is good for this long, and once (TikTok's code itself lives 30 min).
TIKTOK_OAUTH_STATE_MAX_AGE_SECONDS = int_from_env(
    "TIKTOK_OAUTH_STATE_MAX_AGE_SECONDS", default=15 * 60
)
# Incremental sync (docs/decisions.md "TikTok sync"): every minute the beat task queues a sync
# of each connected shop not synced for TIKTOK_SYNC_INTERVAL_SECONDS. A sync reads the orders
# updated since its cursor less TIKTOK_SYNC_OVERLAP_SECONDS (TikTok says an update may show up
# outside the window asked for), in windows that start TIKTOK_SYNC_WINDOW_HOURS long and are
# then sized to hold about TIKTOK_SYNC_WINDOW_ORDERS each; a window's orders are stored
# TIKTOK_SYNC_BATCH_ORDERS to a transaction, and the cursor moves once all are. A first
# connection back-fills the orders updated in the last TIKTOK_BACKFILL_DAYS. One sync per
# shop at a time: a cache lock held while it runs, given up after TIKTOK_SYNC_LOCK_SECONDS
# unused.
TIKTOK_SYNC_INTERVAL_SECONDS = int_from_env("TIKTOK_SYNC_INTERVAL_SECONDS", default=60)
TIKTOK_SYNC_OVERLAP_SECONDS = int_from_env("TIKTOK_SYNC_OVERLAP_SECONDS", default=10 * 60)
TIKTOK_SYNC_WINDOW_HOURS = int_from_env("TIKTOK_SYNC_WINDOW_HOURS", default=24)
TIKTOK_SYNC_WINDOW_ORDERS = int_from_env("TIKTOK_SYNC_WINDOW_ORDERS", default=2000)
TIKTOK_SYNC_BATCH_ORDERS = int_from_env("TIKTOK_SYNC_BATCH_ORDERS", default=500)
TIKTOK_BACKFILL_DAYS = int_from_env("TIKTOK_BACKFILL_DAYS", default=90)
TIKTOK_SYNC_LOCK_SECONDS = int_from_env("TIKTOK_SYNC_LOCK_SECONDS", default=15 * 60)
# Finance (docs/decisions.md "Finance: the pull"): every 15 minutes the beat task queues a
# pull of each connected shop's finance data not pulled for TIKTOK_FINANCE_INTERVAL_SECONDS:
# statements, payments and withdrawals since their watermark less TIKTOK_FINANCE_OVERLAP_DAYS
# (the first pull goes back TIKTOK_FINANCE_BACKFILL_DAYS), the transactions of each statement
# new or changed, the unsettled list whole, and the SKU rows of at most
# TIKTOK_FINANCE_ORDER_CALLS settled orders a pull (Get Transactions by Order is per order);
# lists are read TIKTOK_FINANCE_PAGE_SIZE to a page.
TIKTOK_FINANCE_INTERVAL_SECONDS = int_from_env("TIKTOK_FINANCE_INTERVAL_SECONDS", default=3600)
TIKTOK_FINANCE_OVERLAP_DAYS = int_from_env("TIKTOK_FINANCE_OVERLAP_DAYS", default=3)
TIKTOK_FINANCE_BACKFILL_DAYS = int_from_env("TIKTOK_FINANCE_BACKFILL_DAYS", default=90)
TIKTOK_FINANCE_ORDER_CALLS = int_from_env("TIKTOK_FINANCE_ORDER_CALLS", default=200)
TIKTOK_FINANCE_PAGE_SIZE = int_from_env("TIKTOK_FINANCE_PAGE_SIZE", default=100)  # 1–100
# The outbox (tiktok/services/outbox.py; docs/decisions.md "Actions reach TikTok: the outbox"):
# a send TikTok did not answer is tried again after TIKTOK_ACTION_BACKOFF_SECONDS × 2^(attempt-1)
# plus jitter, at most TIKTOK_ACTION_BACKOFF_CAP_SECONDS apart, TIKTOK_ACTION_MAX_ATTEMPTS times
# in all, then given up (the local change undone). A retry within TIKTOK_ACTION_REQUEUE_MAX_SECONDS
# is queued with a countdown; later ones wait for the beat pass. A row "sending" for longer than
# TIKTOK_ACTION_STUCK_SECONDS lost its worker and is taken again, TikTok's order re-read first.
TIKTOK_ACTION_BACKOFF_SECONDS = int_from_env("TIKTOK_ACTION_BACKOFF_SECONDS", default=30)
TIKTOK_ACTION_BACKOFF_CAP_SECONDS = int_from_env("TIKTOK_ACTION_BACKOFF_CAP_SECONDS", default=3600)
TIKTOK_ACTION_MAX_ATTEMPTS = int_from_env("TIKTOK_ACTION_MAX_ATTEMPTS", default=10)
TIKTOK_ACTION_REQUEUE_MAX_SECONDS = int_from_env("TIKTOK_ACTION_REQUEUE_MAX_SECONDS", default=300)
TIKTOK_ACTION_STUCK_SECONDS = int_from_env("TIKTOK_ACTION_STUCK_SECONDS", default=10 * 60)
TIKTOK_ACTION_QUEUE = env.str("TIKTOK_ACTION_QUEUE", default="celery")  # the worker's default
# TikTok's shipping providers of a delivery option change rarely: kept this long per option.
TIKTOK_PROVIDERS_CACHE_SECONDS = int_from_env("TIKTOK_PROVIDERS_CACHE_SECONDS", default=6 * 3600)
# TikTok's reasons to reject a buyer's request change with its stage: kept only briefly.
TIKTOK_REJECT_REASONS_CACHE_SECONDS = int_from_env(
    "TIKTOK_REJECT_REASONS_CACHE_SECONDS", default=300
)
# TikTok's own shipping (docs/decisions.md "TikTok ships it"): the pick-up slots offered for a
# package are cached for TIKTOK_HANDOVER_CACHE_SECONDS; a package's documents are fetched after
# its shipment is arranged, asked again TIKTOK_DOCUMENT_RETRY_SECONDS × attempt later while
# TikTok is still making them, TIKTOK_DOCUMENT_ATTEMPTS times in all; one bulk action takes at
# most TIKTOK_BULK_MAX_ORDERS orders.
TIKTOK_HANDOVER_CACHE_SECONDS = int_from_env("TIKTOK_HANDOVER_CACHE_SECONDS", default=120)
TIKTOK_DOCUMENT_RETRY_SECONDS = int_from_env("TIKTOK_DOCUMENT_RETRY_SECONDS", default=20)
TIKTOK_DOCUMENT_ATTEMPTS = int_from_env("TIKTOK_DOCUMENT_ATTEMPTS", default=5)
TIKTOK_BULK_MAX_ORDERS = int_from_env("TIKTOK_BULK_MAX_ORDERS", default=100)

# --- Read API (api/; docs/api.md, docs/decisions.md "Read API: Django REST Framework") --------

# Bearer tokens only (never the session: a browser's cookies cannot reach the API from another
# site), JSON only, errors as problem+json, requests counted per token in the cache.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.api_exception_handler",
    "UNAUTHENTICATED_USER": None,
}
API_RATE_LIMIT = env.str("API_RATE_LIMIT", default="600/minute")
# Requests without a valid token (none, unknown, expired, revoked) per client address; past it
# 429 before any token is looked up (api/throttling.py).
API_AUTH_FAILURE_LIMIT = env.str("API_AUTH_FAILURE_LIMIT", default="30/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "Seller Center API",
    "DESCRIPTION": "Read the orders you see in Seller Center from your own scripts (docs/api.md).",
    "VERSION": "1",
    "OAS_VERSION": "3.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,  # with `fields=` any field may be left out
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema_hooks.problem_responses",  # errors are application/problem+json
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrderStatus": "orders.statuses.OrderStatus",
        "LineStatus": "orders.statuses.LineStatus",
        "PackageStatus": "orders.statuses.PackageStatus",
        "TrackingStatus": "orders.statuses.TrackingStatus",
        "RefundStatus": "orders.statuses.RefundStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"validatorUrl": None, "persistAuthorization": False},
}

# --- django-import-export (Django admin only: it holds every row in memory) --------------------

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "export"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True  # our audit log records imports and exports
IMPORT_EXPORT_CHUNK_SIZE = 2000
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
IMPORT_EXPORT_IMPORT_IGNORE_BLANK_LINES = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False  # OrderResource neutralises every text cell

# --- Logging ----------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # The filesystem broker has no host; kombu warns about that on every connection.
    "loggers": {
        "kombu.connection": {"level": "ERROR"},
        "axes": {"level": "WARNING"},  # one INFO line per sign-in; lockouts still show
        # At DEBUG urllib3 logs every URL with its query, and TikTok's token endpoints take the
        # app secret and the codes and tokens in the query: never below INFO.
        "urllib3.connectionpool": {"level": "INFO"},
    },
}

# --- Product settings -------------------------------------------------------------------------

# The portal's public address, for links in emails and command output.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
HEALTHZ_WORKER_TIMEOUT = float(env.str("HEALTHZ_WORKER_TIMEOUT", default="3"))

# Exports (docs/exports.md). Finished files and their jobs are deleted after
# EXPORT_RETENTION_DAYS. A running job whose worker has not reported for
# EXPORT_HEARTBEAT_SECONDS (it beats every sixth of that) is requeued by `export_recover`
# (beat, every minute), at most EXPORT_MAX_ATTEMPTS runs in all (docs/operations.md). The hard
# time limit stays below the broker's visibility timeout (4 h), so Redis never hands a
# running export to a second worker.
EXPORT_RETENTION_DAYS = int_from_env("EXPORT_RETENTION_DAYS", default=30)
EXPORT_HEARTBEAT_SECONDS = int_from_env("EXPORT_HEARTBEAT_SECONDS", default=90)
EXPORT_MAX_ATTEMPTS = int_from_env("EXPORT_MAX_ATTEMPTS", default=3)
EXPORT_TIME_LIMIT_SECONDS = int_from_env("EXPORT_TIME_LIMIT_SECONDS", default=3 * 3600)
# Orders read per batch: rows formatted in Python are held one batch at a time; PostgreSQL
# COPY streams, so its batches are larger (fewer, larger range scans run nearer COPY's speed).
EXPORT_BATCH_ORDERS = int_from_env("EXPORT_BATCH_ORDERS", default=2000)
EXPORT_COPY_BATCH_ORDERS = int_from_env("EXPORT_COPY_BATCH_ORDERS", default=100_000)
EXPORT_WORK_MEM = env.str("EXPORT_WORK_MEM", default="64MB")  # PostgreSQL, per export query
EXPORT_TMP_DIR = Path(env.str("EXPORT_TMP_DIR", default=str(VAR_DIR / "tmp" / "exports")))

# Sales insights (docs/insights.md "Daily roll-ups"): the page reads the daily roll-ups when the
# filters allow (shop, state, country), else the orders directly; off, it always reads orders.
INSIGHTS_ROLLUPS = bool_from_env("INSIGHTS_ROLLUPS", default=True)

# TikTok file imports (docs/imports.md): orders planned and written per batch (memory stays flat);
# uploads up to IMPORT_INLINE_BYTES (a workbook: unpacked) are previewed and applied in the
# request, larger ones by a worker while the page shows its progress. A running import
# silent for IMPORT_HEARTBEAT_SECONDS is restarted by `import_recover` (beat, every minute),
# at most IMPORT_MAX_ATTEMPTS runs of a stage in all. A report lists the first
# IMPORT_REPORT_ERRORS_PER_KIND bad cells of each kind and counts the rest.
IMPORT_BATCH_ORDERS = int_from_env("IMPORT_BATCH_ORDERS", default=1000)
IMPORT_MAX_BYTES = int_from_env("IMPORT_MAX_BYTES", default=100 * 1024 * 1024)  # ~180k rows
IMPORT_INLINE_BYTES = int_from_env("IMPORT_INLINE_BYTES", default=1024 * 1024)
IMPORT_TIME_LIMIT_SECONDS = int_from_env("IMPORT_TIME_LIMIT_SECONDS", default=3600)
IMPORT_RETENTION_DAYS = int_from_env("IMPORT_RETENTION_DAYS", default=7)  # unapplied uploads
IMPORT_HEARTBEAT_SECONDS = int_from_env("IMPORT_HEARTBEAT_SECONDS", default=90)
IMPORT_MAX_ATTEMPTS = int_from_env("IMPORT_MAX_ATTEMPTS", default=3)
IMPORT_REPORT_ERRORS_PER_KIND = int_from_env("IMPORT_REPORT_ERRORS_PER_KIND", default=20)
# Reading bounds: an upload is refused at the first one it exceeds (docs/imports.md "Bounds";
# derived from a 100 MB TikTok workbook in docs/benchmarks.md "Reading XLSX").
IMPORT_MAX_ROWS = int_from_env("IMPORT_MAX_ROWS", default=1_048_576)  # Excel's own limit
IMPORT_MAX_COLUMNS = int_from_env("IMPORT_MAX_COLUMNS", default=16_384)  # Excel's
IMPORT_MAX_CELL_CHARS = int_from_env("IMPORT_MAX_CELL_CHARS", default=32_767)  # Excel's
IMPORT_MAX_ROW_BYTES = int_from_env("IMPORT_MAX_ROW_BYTES", default=2**20)  # TikTok's: ~3 KB
IMPORT_MAX_SHARED_STRINGS = int_from_env("IMPORT_MAX_SHARED_STRINGS", default=3_000_000)
IMPORT_MAX_SHARED_STRINGS_BYTES = int_from_env("IMPORT_MAX_SHARED_STRINGS_BYTES", default=2**28)
IMPORT_XLSX_MAX_MEMBERS = int_from_env("IMPORT_XLSX_MAX_MEMBERS", default=1000)  # TikTok's: ~10
IMPORT_XLSX_MAX_UNPACKED_BYTES = int_from_env("IMPORT_XLSX_MAX_UNPACKED_BYTES", default=2**31)
IMPORT_XLSX_MAX_RATIO = int_from_env("IMPORT_XLSX_MAX_RATIO", default=100)  # TikTok's: 6–12
# Address space an import task may add to its worker (MemoryError → the job fails, clearly).
IMPORT_MEMORY_BUDGET_BYTES = int_from_env("IMPORT_MEMORY_BUDGET_BYTES", default=2**30)

SECRET_KEY = ""  # each environment module sets it; production refuses to start without one

# --- Outbound webhooks (webhooks/; docs/webhooks.md) --------------------------------------------

# Every few seconds the beat pass reads the timeline past its watermark, and again
# WEBHOOKS_LOOKBACK_IDS ids below it (ids commit out of order), at most WEBHOOKS_READ_BATCH
# entries a pass; finished exports are read again WEBHOOKS_LOOKBACK_SECONDS back.
WEBHOOKS_LOOKBACK_IDS = int_from_env("WEBHOOKS_LOOKBACK_IDS", default=1000)
WEBHOOKS_LOOKBACK_SECONDS = int_from_env("WEBHOOKS_LOOKBACK_SECONDS", default=600)
WEBHOOKS_READ_BATCH = int_from_env("WEBHOOKS_READ_BATCH", default=5000)
WEBHOOKS_QUEUE_BATCH = int_from_env("WEBHOOKS_QUEUE_BATCH", default=5000)
# The webhook workers (webhooks/worker.py: `--pool threads`, their own queue) take a batch of
# up to WEBHOOKS_SEND_BATCH of an endpoint's deliveries per task, WEBHOOKS_ENDPOINT_TASKS
# batches of one endpoint at a time; a batch starts no POST after WEBHOOKS_BATCH_SECONDS
# (keep that plus WEBHOOKS_TOTAL_TIMEOUT_SECONDS well under WEBHOOKS_LEASE_SECONDS).
WEBHOOKS_QUEUE = env.str("WEBHOOKS_QUEUE", default="webhooks")
WEBHOOKS_SEND_BATCH = int_from_env("WEBHOOKS_SEND_BATCH", default=50)
WEBHOOKS_ENDPOINT_TASKS = int_from_env("WEBHOOKS_ENDPOINT_TASKS", default=4)
WEBHOOKS_BATCH_SECONDS = float(env.str("WEBHOOKS_BATCH_SECONDS", default="15"))
# Each POST: connect within WEBHOOKS_CONNECT_TIMEOUT_SECONDS, answer within
# WEBHOOKS_TOTAL_TIMEOUT_SECONDS; redirects are failures. A worker's claim on a delivery lasts
# WEBHOOKS_LEASE_SECONDS (longer than the task's time limit): after that the row is taken again.
WEBHOOKS_CONNECT_TIMEOUT_SECONDS = float(env.str("WEBHOOKS_CONNECT_TIMEOUT_SECONDS", default="3"))
WEBHOOKS_TOTAL_TIMEOUT_SECONDS = float(env.str("WEBHOOKS_TOTAL_TIMEOUT_SECONDS", default="10"))
WEBHOOKS_LEASE_SECONDS = int_from_env("WEBHOOKS_LEASE_SECONDS", default=60)
# A failed delivery is tried again after WEBHOOKS_BACKOFF_SECONDS × 2^(attempt-1), at most
# WEBHOOKS_BACKOFF_CAP_SECONDS apart (±10 %), for WEBHOOKS_RETRY_HOURS, then given up. An
# endpoint failing WEBHOOKS_DISABLE_AFTER_FAILURES times in a row, or for WEBHOOKS_RETRY_HOURS,
# is switched off and the shop's administrators are emailed.
WEBHOOKS_BACKOFF_SECONDS = int_from_env("WEBHOOKS_BACKOFF_SECONDS", default=60)
WEBHOOKS_BACKOFF_CAP_SECONDS = int_from_env("WEBHOOKS_BACKOFF_CAP_SECONDS", default=3600)
WEBHOOKS_RETRY_HOURS = int_from_env("WEBHOOKS_RETRY_HOURS", default=24)
WEBHOOKS_DISABLE_AFTER_FAILURES = int_from_env("WEBHOOKS_DISABLE_AFTER_FAILURES", default=20)
# Plain http to 127.0.0.1/localhost, for the demo's and the tests' receiver; never in production
# (webhooks/targets.py: only public https addresses otherwise).
WEBHOOKS_ALLOW_LOCAL_HTTP = False
