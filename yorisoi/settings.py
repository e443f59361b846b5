"""yorisoi settings: one module, configured by the environment.

YORISOI_ENV   "production" turns on HTTPS-only cookies, HSTS and the SSL redirect and makes
              SECRET_KEY and ALLOWED_HOSTS mandatory; anything else is a local/dev run.
DATABASE_URL  defaults to the embedded SQLite file db.sqlite3 beside manage.py.
DEBUG         "1" for local debugging only.
YORISOI_MFA   "required" (default): every role that reads personal data, and administrators,
              sign in with a second factor (TOTP + recovery codes); "optional": only those who
              enrolled one (the demo of `make run`).
YORISOI_MFA_ALL_ROLES  "1" requires the second factor of the other roles too (analysts, 民生委員).
YORISOI_SESSION_MAX_HOURS  absolute session lifetime (default 12), besides the idle timeout.
YORISOI_DB_POOL_MIN/MAX, YORISOI_TLS_AT_PROXY, YORISOI_STATIC_ROOT, YORISOI_MEDIA_ROOT,
YORISOI_STORAGE  the production deployment (deploy/, README "Production").
YORISOI_API_TOKEN_DAYS  the longest lifetime of an API token, in days (default 90).
YORISOI_API_RATE  API calls a user may make (tokens and browser alike), e.g. "600/m" (default).
YORISOI_API_ANON_RATE  the same per client address, for an operation open to anyone ("60/m").
YORISOI_INTAKE_NEXT_ACTION_DAYS  the next-action date the intake form offers, in days from
              today (default 7).
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PRODUCTION = os.environ.get("YORISOI_ENV") == "production"
DEBUG = os.environ.get("DEBUG") == "1" and not PRODUCTION

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when YORISOI_ENV=production")
    SECRET_KEY = "dev-only-insecure-key-never-use-in-production-yorisoi-0123456789abcdef"  # noqa: S105

ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "").split(",") if h]
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "localhost", "testserver"]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "yorisoi.http.admin_site.YorisoiAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "csp",
    "ninja",
    "simple_history",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_tasks",
    "django_tasks_db",
    "yorisoi.accounts",
    "yorisoi.directory",
    "yorisoi.people",
    "yorisoi.people.identity",
    "yorisoi.operations",
    "yorisoi.intake",
    "yorisoi.cases",
    "yorisoi.outreach",
    "yorisoi.resources",
    "yorisoi.community",
    "yorisoi.participation",
    "yorisoi.notifications",
    "yorisoi.evaluation",
    "yorisoi.imports",
    "yorisoi.audit",
    "yorisoi.linkage",
    "yorisoi.work",
    "yorisoi.front",
    "yorisoi.demo",
]

MIDDLEWARE = [
    # Outermost, so that it sees every error answered under /api/ (also 404s, 405s and crashes
    # turned into responses by Django itself) and gives them the API's JSON shape.
    "yorisoi.http.errors.ApiErrorsAsJson",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Pushes the idle expiry forward at most once a minute (inside SessionMiddleware, so that
    # the session it marks is saved on the way out).
    "yorisoi.accounts.middleware.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads the body (CSRF reads a form), in the user's language: 413 over the
    # documented limits (http/limits.py).
    "yorisoi.http.request_size.RefuseLargeRequests",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Second factor, forced password change, absolute session lifetime (issue 13).
    "yorisoi.accounts.middleware.SignInStepsMiddleware",
    "yorisoi.front.middleware.RouteAccessMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "yorisoi.front.middleware.NoStoreMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # AxesMiddleware must be last (django-axes docs).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yorisoi.urls"
WSGI_APPLICATION = "yorisoi.wsgi.application"

# Request sizes (yorisoi/http/limits.py): a 5MB consent scan as Base64 JSON and a 10MB HSDS file
# fit; a larger request is answered 413 before it is read (http.request_size), so Django's own
# limit (a bare 400) is never the one that trips. Uploads stay in memory: a consent scan is
# personal data, never left behind in a temporary file.
from yorisoi.http.limits import MAX_REQUEST_BYTES  # noqa: E402

DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = MAX_REQUEST_BYTES

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "yorisoi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "yorisoi.front.context_processors.navigation",
            ],
        },
    },
]

# No persistent connections: kept per thread, they piled up under runserver's thread per request
# until PostgreSQL refused new clients (issue 13). In production each process holds a small pool
# instead (Django's own, psycopg_pool): at most YORISOI_DB_POOL_MAX connections per gunicorn
# worker or db_worker, so workers × max stays below max_connections (README "Production"). A
# sync gunicorn worker serves one request at a time: one connection, and one spare.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}", conn_max_age=0, conn_health_checks=True
    )
}
_DB_POOL_MAX = int(os.environ.get("YORISOI_DB_POOL_MAX", 2))
if PRODUCTION and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # YORISOI_DB_POOL_MAX=0 turns the pool off (e.g. when PgBouncer sits in front).
    if _DB_POOL_MAX > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(int(os.environ.get("YORISOI_DB_POOL_MIN", 1)), _DB_POOL_MAX),
            "max_size": _DB_POOL_MAX,
            "timeout": 10,  # seconds a request waits for a free connection before failing
        }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Planner settings for every connection (issue 16), unless YORISOI_PG_OPTIONS says otherwise.
    # jit=off: a person search is estimated dear (one EXISTS per way to see a person, costed
    # as if run for every row) and JIT compiling it took 200 ms–2 s for a query that runs in
    # 10 ms. random_page_cost=1.1: data on SSD or in memory; at the default 4 the planner reads
    # every consultation rather than look up 2,000 by key (access.consultations_about).
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = os.environ.get(
        "YORISOI_PG_OPTIONS", "-c jit=off -c random_page_cost=1.1"
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and background work share the file.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (reminders, digests): django-tasks with its database backend; run the worker
# with `manage.py db_worker` and put the daily jobs in the queue with `enqueue_daily_jobs`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Throttles failed logins (django-axes); must come first.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Flash messages can name a person: keep them server-side, never in a readable cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "front:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sessions end after inactivity: a request pushes the expiry forward, saving the session at
# most once a minute (accounts.middleware.IdleSessionMiddleware), so that a read is not also a
# session write (issue 16). The idle timeout is thus between 29 and 30 minutes.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = False
YORISOI_SESSION_REFRESH_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# ... and, however active, after this long from sign-in (accounts.middleware).
YORISOI_SESSION_MAX_AGE = timedelta(hours=float(os.environ.get("YORISOI_SESSION_MAX_HOURS", 12)))

# Multi-factor authentication (django-otp: TOTP and recovery codes; accounts/mfa.py).
YORISOI_MFA = os.environ.get("YORISOI_MFA", "required")
if YORISOI_MFA not in ("required", "optional"):
    raise ImproperlyConfigured("YORISOI_MFA must be 'required' or 'optional'")
YORISOI_MFA_ALL_ROLES = os.environ.get("YORISOI_MFA_ALL_ROLES") == "1"
OTP_TOTP_ISSUER = "yorisoi"

# The daily anchors of the audit chain (audit.chain): a file outside the database, best on
# other storage (another host, write-once); `manage.py audit_verify` checks the chain against it.
YORISOI_AUDIT_ANCHOR_DIR = Path(
    os.environ.get("YORISOI_AUDIT_ANCHOR_DIR", BASE_DIR / "var" / "audit-anchors")
)

# django-axes: after repeated failures, lock the account (from any address: guessing one
# user's password from many machines) and the address (for any account: password spraying).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# How many reverse proxies stand in front of the app (X-Forwarded-For is trusted that far and
# no further; 0 trusts none). Used for throttling and the audit trail (http/client_ip.py).
YORISOI_TRUSTED_PROXIES = int(os.environ.get("YORISOI_TRUSTED_PROXIES", 0))
AXES_CLIENT_IP_CALLABLE = "yorisoi.http.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # never log user names typed at the login form

# API tokens (accounts.models.ApiToken) and the API's throttling (api.ApiThrottle), read per
# request. The throttle counts in Django's cache: the local-memory cache of development counts
# in each process, so production shares one in the database (all workers and app servers count
# together; `manage.py createcachetable`, run by deploy/systemd/yorisoi-web.service).
if PRODUCTION:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "yorisoi_cache",
        }
    }
YORISOI_API_TOKEN_DAYS = int(os.environ.get("YORISOI_API_TOKEN_DAYS", 90))
YORISOI_API_RATE = os.environ.get("YORISOI_API_RATE", "600/m")
YORISOI_API_ANON_RATE = os.environ.get("YORISOI_API_ANON_RATE", "60/m")
YORISOI_INTAKE_NEXT_ACTION_DAYS = int(os.environ.get("YORISOI_INTAKE_NEXT_ACTION_DAYS", 7))

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", "日本語"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "yorisoi" / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "yorisoi" / "static"]
# `manage.py collectstatic` target in production, served by whitenoise from gunicorn with hashed
# names and far-future caching; locally whitenoise serves straight from the apps.
STATIC_ROOT = (
    Path(os.environ.get("YORISOI_STATIC_ROOT", BASE_DIR / "staticfiles")) if PRODUCTION else None
)
# Uploaded files. Today none are kept as files: consent scans and generated reports are stored
# in the database (BinaryField), so backups hold them. The storage is configured all the same:
# local disk by default, S3-compatible object storage with YORISOI_STORAGE=s3 (the optional
# extra `pip install '.[s3]'`). MEDIA_URL stays unset: personal files are never served as
# plain URLs, only through a view that checks access.
MEDIA_ROOT = Path(os.environ.get("YORISOI_MEDIA_ROOT", BASE_DIR / "var" / "media"))
YORISOI_STORAGE = os.environ.get("YORISOI_STORAGE", "local")
if YORISOI_STORAGE == "local":
    _DEFAULT_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif YORISOI_STORAGE == "s3":
    if not os.environ.get("AWS_STORAGE_BUCKET_NAME"):
        raise ImproperlyConfigured("AWS_STORAGE_BUCKET_NAME must be set when YORISOI_STORAGE=s3")
    # Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (or the instance role).
    _DEFAULT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            # No ACL per object: the bucket stays private (many buckets refuse ACLs anyway).
            "default_acl": None,
            "querystring_auth": True,  # links expire (AWS_QUERYSTRING_EXPIRE, 3600 s)
            "file_overwrite": False,
        },
    }
else:
    raise ImproperlyConfigured("YORISOI_STORAGE must be 'local' or 's3'")
STORAGES = {
    "default": _DEFAULT_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

# Security headers from day one. Strict CSP: no inline scripts or styles anywhere.
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
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_SAMESITE = "Lax"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
    # TLS ends at the reverse proxy (deploy/nginx/yorisoi.conf), which sets X-Forwarded-Proto
    # and overwrites any a client sent. Trust the header only when told so: anywhere else a
    # client could claim HTTPS over plain HTTP.
    if os.environ.get("YORISOI_TLS_AT_PROXY") == "1":
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when YORISOI_ENV=production")

# Logging never carries personal data: only request lines without query strings (no names or
# search terms are put in URLs anyway) and errors without local variables.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
