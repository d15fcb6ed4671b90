"""Production settings: the environment's settings with HTTPS, secure cookies and HSTS forced on.

DJANGO_SETTINGS_MODULE=unionwork.settings_production. SECRET_KEY, ALLOWED_HOSTS, UNIONWORK_PII_KEY
and UNIONWORK_AUDIT_KEY must be set (see docs/keys.md). Behind a reverse proxy that terminates TLS
set BEHIND_TLS_PROXY=1. `manage.py check --deploy` is clean with these settings (a test runs it).
"""

import os

os.environ.setdefault("DEBUG", "0")

from unionwork.settings import *  # noqa: E402,F403
from unionwork.settings import env_bool  # noqa: E402

if DEBUG:  # noqa: F405
    raise RuntimeError("settings_production is never run with DEBUG on")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Administrators always use a second factor in production.
UNIONWORK_REQUIRE_ADMIN_2FA = True
