"""Settings for unionwork. Every value comes from the environment, with a safe default.

DATABASE_URL   sqlite:///path (default: db.sqlite3 in the project) or postgres://user@host/db
UNIONWORK_PG_JIT  1 leaves PostgreSQL's JIT on (default: off for the platform's connections, see DATABASES)
UNIONWORK_GC_THRESHOLD  allocations between garbage-collector runs in the web processes (default 50000; 0: Python's; core/runtime.py)
SECRET_KEY     required when DEBUG is off
DEBUG          1 for development (default 1 when SECRET_KEY is not set)
ALLOWED_HOSTS  comma-separated
UNIONWORK_PII_KEY  key for personal data (see docs/keys.md)
UNIONWORK_IMPORT_FILE_DAYS  days import files (uploads, marked error files) are kept (default 7)
UNIONWORK_EXPORT_INLINE_ROWS  larger list exports are written by the worker (default 5000)
UNIONWORK_EXPORT_FILE_DAYS  days the worker's export files are kept (default 7)
UNIONWORK_EXPORT_STALE_MINUTES  a running export without progress this long is marked failed (default 15)
UNIONWORK_IMPORT_MAX_*  bounds of an upload (rows, columns, cells, bytes, zip members/ratio; see below)
UNIONWORK_AUDIT_KEY  key of the audit chain (see docs/keys.md; required when DEBUG is off)
UNIONWORK_AUDIT_ANCHOR_FILE  append-only file of the audit chain's anchors (default var/audit-anchors.jsonl)
UNIONWORK_AUDIT_LINK_MINUTES  audit_verify --no-link: an event unlinked this long is a finding (default 10)
UNIONWORK_SECURITY_EVENT_DAYS  days security events are kept (default 180, never fewer)
UNIONWORK_SECURITY_LOG_FILE  JSON-lines file of security events (default var/security-events.jsonl)
UNIONWORK_CLIENT_IP_HEADER  behind a reverse proxy, the META key holding the client address (e.g. HTTP_X_FORWARDED_FOR)
UNIONWORK_MAX_REQUEST_BYTES  a request above this (uploads included) is refused with 413 (default 110 MB)
SESSION_IDLE_SECONDS / SESSION_ABSOLUTE_SECONDS  idle timeout (30 min) / absolute lifetime (12 h)
SECURE_COOKIES, HOST_COOKIES  Secure and "__Host-" cookies (default: on when DEBUG is off)
SECURE_SSL_REDIRECT, SECURE_HSTS_SECONDS, BEHIND_TLS_PROXY  HTTPS (on in settings_production)
LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES_PER_ADDRESS, LOGIN_LOCKOUT_MINUTES  login lockout (5, 20, 15)
UNIONWORK_REQUIRE_ADMIN_2FA  administrators must use a second factor (default: on when DEBUG is off)
UNIONWORK_API_TOKEN_DAYS, UNIONWORK_API_TOKEN_MAX_DAYS  API token lifetime (90, at most 365 days)
TASKS_BACKEND  immediate | database (default database: `manage.py db_worker` runs the jobs)
UNIONWORK_MONTH_CLOSES_ON_DAY  a month's figures close on this day of the next month (default 10)
UNIONWORK_URLCONF  another root URL module (development: serve a subset of the modules)
STATIC_ROOT, MEDIA_ROOT  collected static files (default var/static) / uploaded files (default var/media)
Every variable with its meaning for a production server: deploy/environment.example.
"""

import os
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = env_bool("DEBUG", default=not SECRET_KEY)
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = [h.strip() for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_filters",
    "django_htmx",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "unionwork.core",
    "unionwork.accounts",
    "unionwork.orgs",
    "unionwork.founding",
    "unionwork.members",
    "unionwork.stability",
    "unionwork.bargaining",
    "unionwork.stations",
    "unionwork.documents",
    "unionwork.visits",
    "unionwork.building",
    "unionwork.culture",
    "unionwork.assessment",  # scores every module's kept figures: after them
    "unionwork.dashboard",
    "unionwork.demo",
    "unionwork.operations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "unionwork.core.bad_input.BadInputMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "unionwork.core.security.SecurityEventMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "unionwork.accounts.middleware.SessionLifetimeMiddleware",
    "unionwork.core.middleware.AuditActorMiddleware",
    "unionwork.core.middleware.BadgeFreshnessMiddleware",
    "unionwork.core.middleware.LoginRequiredMiddleware",
    "unionwork.accounts.middleware.SecondFactorMiddleware",
]

ROOT_URLCONF = os.environ.get("UNIONWORK_URLCONF", "unionwork.urls")
WSGI_APPLICATION = "unionwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "unionwork.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"), conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets the web server read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"].endswith("postgresql") and not env_bool("UNIONWORK_PG_JIT", False):
    # No JIT compilation: a page's queries read a few rows by index, but the planner's estimate of
    # a subtree's join can pass jit_above_cost, and compiling then costs 50-100 ms per query
    # (measured at city scale) for nothing. UNIONWORK_PG_JIT=1 leaves PostgreSQL's setting.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["unionwork.accounts.backends.LockoutModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    # ASVS 2.1.1: at least 12 characters; no user name (or name, phone) inside; not a common password.
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "phone", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "unionwork.accounts.validators.CharacterKindsValidator", "OPTIONS": {"kinds": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_MAX_FAILURES = int(os.environ.get("LOGIN_MAX_FAILURES", "5"))
LOGIN_LOCKOUT_MINUTES = int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15"))
# Failed logins from one client address (over all user names) before that address is locked.
LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "20"))

# Second factor (TOTP): administrators must use it when this is on (default: on when DEBUG is off,
# always on in settings_production; demo and development may switch it off). Any account may
# enable it on 我的账号, and then it is asked at every login whatever this says.
UNIONWORK_REQUIRE_ADMIN_2FA = env_bool("UNIONWORK_REQUIRE_ADMIN_2FA", not DEBUG)
OTP_TOTP_ISSUER = "unionwork"

# Sessions end after 30 idle minutes: every request renews the cookie's age.
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# And after SESSION_ABSOLUTE_SECONDS (12 h) from the login however active the user was
# (accounts.middleware.SessionLifetimeMiddleware).
SESSION_ABSOLUTE_SECONDS = int(os.environ.get("SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# "__Host-" cookies are bound to this host over HTTPS (no Domain, path /): only with secure cookies.
if env_bool("HOST_COOKIES", SESSION_COOKIE_SECURE):
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
# HTTPS: redirect plain HTTP and send HSTS (settings_production turns both on).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", SECURE_HSTS_SECONDS > 0)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", SECURE_HSTS_SECONDS > 0)
if env_bool("BEHIND_TLS_PROXY", False):
    # The reverse proxy terminates TLS and says so in this header (it must overwrite it).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "zh-hans"
# The interface's own strings are written in Chinese (the msgids) and no other catalog exists
# yet: a browser asking for English got Django's and django-filter's words in English among
# Chinese ones ("username", "Unknown"). A language is offered once its catalog is complete
# (unionwork/locale/<lang>/); until then every request is served in Chinese.
LANGUAGES = [("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "unionwork" / "locale"]
# A list filter's choice left unset reads 全部 (django-filter's default is "---------").
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("全部")
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# collectstatic writes here; WhiteNoise serves it (compressed, hashed names) in production.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "var" / "static"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

TASKS = {
    "default": {
        "BACKEND": "django.tasks.backends.immediate.ImmediateBackend"
        if os.environ.get("TASKS_BACKEND", "database") == "immediate"
        else "django_tasks_db.DatabaseBackend"
    }
}

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 50 * 1024 * 1024
# A whole request (uploads included) above this is refused with 413 before it is read.
UNIONWORK_MAX_REQUEST_BYTES = int(os.environ.get("UNIONWORK_MAX_REQUEST_BYTES", str(110 * 1024 * 1024)))
UNIONWORK_PII_KEY = os.environ.get("UNIONWORK_PII_KEY", "")
# A month's kept figures close on this day of the next month (DHIS2's expiry days): after it,
# only an audited correction by the level above changes them (core.indicators.correct_closed_month).
UNIONWORK_MONTH_CLOSES_ON_DAY = int(os.environ.get("UNIONWORK_MONTH_CLOSES_ON_DAY", "10"))
# Days an import's uploaded file and marked error file are kept (they hold personal data); the
# task/command imports_purge_files deletes older ones. A later successful import of the same kind
# by the same user deletes them at once.
UNIONWORK_IMPORT_FILE_DAYS = int(os.environ.get("UNIONWORK_IMPORT_FILE_DAYS", "7"))
# A list's export of up to this many rows is written inside the request; a larger one by the
# worker, with its progress on a page of its own (core/export_jobs.py). Its file is kept
# UNIONWORK_EXPORT_FILE_DAYS days (task purge_export_files).
UNIONWORK_EXPORT_INLINE_ROWS = int(os.environ.get("UNIONWORK_EXPORT_INLINE_ROWS", "5000"))
UNIONWORK_EXPORT_FILE_DAYS = int(os.environ.get("UNIONWORK_EXPORT_FILE_DAYS", "7"))
# A running export without progress this long lost its worker: marked failed (task recover_exports).
UNIONWORK_EXPORT_STALE_MINUTES = int(os.environ.get("UNIONWORK_EXPORT_STALE_MINUTES", "15"))
# Bounds an upload must keep before it is read (core/imports/limits.py): a hostile spreadsheet
# (a far cell, a zip bomb) is refused with a message instead of taking the worker down.
# A district's roster fits; a larger one is split, or the limit raised (bench/ raises it).
UNIONWORK_IMPORT_MAX_ROWS = int(os.environ.get("UNIONWORK_IMPORT_MAX_ROWS", "500000"))
UNIONWORK_IMPORT_MAX_COLUMNS = int(os.environ.get("UNIONWORK_IMPORT_MAX_COLUMNS", "200"))
UNIONWORK_IMPORT_MAX_CELLS = int(os.environ.get("UNIONWORK_IMPORT_MAX_CELLS", "10000000"))
UNIONWORK_IMPORT_MAX_FILE_BYTES = int(
    os.environ.get("UNIONWORK_IMPORT_MAX_FILE_BYTES", str(100 * 1024 * 1024))
)
UNIONWORK_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("UNIONWORK_IMPORT_MAX_UNCOMPRESSED_BYTES", str(512 * 1024 * 1024))
)
UNIONWORK_IMPORT_MAX_ZIP_MEMBERS = int(os.environ.get("UNIONWORK_IMPORT_MAX_ZIP_MEMBERS", "2000"))
UNIONWORK_IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("UNIONWORK_IMPORT_MAX_COMPRESSION_RATIO", "200"))
UNIONWORK_IMPORT_MAX_LINE_BYTES = int(os.environ.get("UNIONWORK_IMPORT_MAX_LINE_BYTES", str(1024 * 1024)))
# An import runs in a child process (so that a crash ends only the job, marked failed) whose
# address space is capped at this many MB above the worker's (0: no cap).
UNIONWORK_IMPORT_ISOLATE = os.environ.get("UNIONWORK_IMPORT_ISOLATE", "1") == "1"
UNIONWORK_IMPORT_MAX_MEMORY_MB = int(os.environ.get("UNIONWORK_IMPORT_MAX_MEMORY_MB", "2048"))
# A checking or writing job whose heartbeat is older than this is recovered as failed.
UNIONWORK_IMPORT_STALE_MINUTES = int(os.environ.get("UNIONWORK_IMPORT_STALE_MINUTES", "15"))
# A member released by one union (转出) and accepted by none within this many days is handed to
# the street union above their last union as a floating member (members.actions.hand_over_floating).
UNIONWORK_TRANSIT_HANDOVER_DAYS = int(os.environ.get("UNIONWORK_TRANSIT_HANDOVER_DAYS", "90"))
# Pacing (core/pacing.py): a target warns when its share done lags the share of time gone by more
# than this many percentage points (时间过半、任务过半).
UNIONWORK_PACING_TOLERANCE = float(os.environ.get("UNIONWORK_PACING_TOLERANCE", "10"))
# The 待办 badge of the top bar: a session keeps its count this many seconds (0: count on every
# page); the user's own change and the notifications page count afresh (core/notifications.py).
UNIONWORK_BADGE_FRESH_SECONDS = int(os.environ.get("UNIONWORK_BADGE_FRESH_SECONDS", "60"))
UNIONWORK_AUDIT_KEY = os.environ.get("UNIONWORK_AUDIT_KEY", "")
UNIONWORK_AUDIT_ANCHOR_FILE = os.environ.get(
    "UNIONWORK_AUDIT_ANCHOR_FILE", str(BASE_DIR / "var" / "audit-anchors.jsonl")
)
# `audit_verify --no-link` reports a committed event still unlinked this long after it was written.
UNIONWORK_AUDIT_LINK_MINUTES = int(os.environ.get("UNIONWORK_AUDIT_LINK_MINUTES", "10"))
# API tokens expire: the default and the longest lifetime a user may choose, in days.
UNIONWORK_API_TOKEN_DAYS = int(os.environ.get("UNIONWORK_API_TOKEN_DAYS", "90"))
UNIONWORK_API_TOKEN_MAX_DAYS = int(os.environ.get("UNIONWORK_API_TOKEN_MAX_DAYS", "365"))
UNIONWORK_PAGE_SIZE = 50
UNIONWORK_HOME = "dashboard:home"  # where "/" leads after login

# Content-Security-Policy (issue 10, point 2), with Django's own CSP support (django.middleware.csp,
# new in Django 6.0 and written by django-csp's maintainers; django-csp 4.0 declares Django up to 5.2).
# Scripts only from our own static files: no inline script, no inline event handler (pages pass data
# in json_script / data- attributes; core/static/core/behaviours.js does autosubmit, confirm, the tree
# toggle). Styles allow 'unsafe-inline': Bootstrap's and our templates' style="" attributes, htmx's
# indicator <style> and the swagger page need it; inline style cannot run code. Nothing external.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],  # Bootstrap's form controls draw with data: SVGs
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Security events (core/security.py): kept in the SecurityEvent table at least 180 days, and one
# JSON line each on the "unionwork.security" logger, to a file under var/ and the console, which the
# operator ships off the machine (e.g. a log shipper tailing the file; WatchedFileHandler reopens it
# after logrotate moves it).
UNIONWORK_SECURITY_EVENT_DAYS = max(180, int(os.environ.get("UNIONWORK_SECURITY_EVENT_DAYS", "180")))
UNIONWORK_SECURITY_LOG_FILE = os.environ.get(
    "UNIONWORK_SECURITY_LOG_FILE", str(BASE_DIR / "var" / "security-events.jsonl")
)
UNIONWORK_CLIENT_IP_HEADER = os.environ.get("UNIONWORK_CLIENT_IP_HEADER", "")
Path(UNIONWORK_SECURITY_LOG_FILE).parent.mkdir(parents=True, exist_ok=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"jsonline": {"()": "unionwork.core.logjson.JsonLineFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        "security_file": {
            "class": "logging.handlers.WatchedFileHandler",
            "filename": UNIONWORK_SECURITY_LOG_FILE,
            "formatter": "jsonline",
            "encoding": "utf-8",
            "delay": True,
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
    # Audit anchors and security events are kept: the operator ships this stream off the machine.
    "loggers": {
        "unionwork.audit": {"level": "INFO"},
        # The file gets one JSON line per record; the console (root) shows the same JSON message.
        "unionwork.security": {"level": "INFO", "handlers": ["security_file"]},
    },
}
