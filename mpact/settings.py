"""Settings for M-Pact, read from the environment.

With nothing set, the site runs on the embedded default: a SQLite file under var/, a local-memory
cache, Celery over kombu's filesystem transport and e-mail printed to the console. Set
DATABASE_URL, REDIS_URL and EMAIL_URL for production (see README.md and docker-compose.yml).
"""

from pathlib import Path

from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from mpact.env import (
    env_bool,
    env_int,
    env_list,
    env_str,
    parse_database_url,
    parse_email_url,
    parse_redis_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("MPACT_VAR_DIR", str(BASE_DIR / "var")))

# --- Core -----------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string, for example the output of "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))', or set DEBUG=true "
            "for local development."
        )
    SECRET_KEY = "django-insecure-development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "mpact.apps.MpactAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "django_filters",
    "phonenumber_field",
    "mpact.core",
    "mpact.users",
    "mpact.notifications",
    "mpact.health",
    "mpact.apps.MpactConfig",
    "initiatives",
    "volunteers",
    "matching",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, which answers static files itself: those are no documents.
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "mpact.urls"
WSGI_APPLICATION = "mpact.wsgi.application"
SITE_ID = 1

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "mpact.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------

DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": parse_database_url("DATABASE_URL", DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Short web queries: PostgreSQL's JIT compiled the activity list on every request
        # (23 of its 89 ms in bench/), for nothing.
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
        # Form choice lists iterate their querysets; a server-side cursor costs each of them
        # extra round trips (9 per opportunity list), and breaks behind a transaction pooler.
        DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            # Several processes (web, worker, beat) share the file: wait for locks rather than
            # failing, and begin write transactions immediately so they queue up cleanly.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE"},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Redis ------------------------------------------------------------------------

REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    parse_redis_url("REDIS_URL", REDIS_URL)
    CACHES = {
        "default": {
            # Redis accelerates the web process but never breaks it: when it is down, the
            # cache misses, pages are served uncached and rate limits fail open (logged).
            "BACKEND": "mpact.cache_backends.FailSoftRedisCache",
            # Another Redis database than the broker's can be named, so that clearing the
            # cache never touches queued tasks (see docker-compose.yml).
            "LOCATION": parse_redis_url("CACHE_URL", env_str("CACHE_URL", REDIS_URL)),
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "mpact"),
            # A Redis that hangs costs a page at most this long, once (then the backend
            # serves without it for a few seconds before trying again).
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth and allauth -----------------------------------------------------------------------

AUTH_USER_MODEL = "users.User"
# Django's and allauth's, each loading the user with their unread notifications count.
AUTHENTICATION_BACKENDS = [
    "mpact.users.backends.ModelBackend",
    "mpact.users.backends.AuthenticationBackend",
]
# One-to-one rows loaded with the request's user in the same query (mpact/users/backends.py):
# the volunteer profile, which the volunteer's pages and the opportunity pages read.
USER_LOADED_WITH = ["volunteer_profile"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_ADAPTER = "mpact.users.adapters.AccountAdapter"
# allauth's forms with the input layer every form of the site has (mpact/forms.py).
ACCOUNT_FORMS = {
    name: f"mpact.users.forms.{form}"
    for name, form in {
        "login": "LoginForm",
        "signup": "SignupForm",
        "add_email": "AddEmailForm",
        "change_password": "ChangePasswordForm",
        "set_password": "SetPasswordForm",
        "reset_password": "ResetPasswordForm",
        "reset_password_from_key": "ResetPasswordKeyForm",
        "reauthenticate": "ReauthenticateForm",
    }.items()
}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[M-Pact] "
ACCOUNT_RATE_LIMITS = {
    # allauth's defaults, written out so they are visible and can be tuned in one place.
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
ADMIN_URL = env_str("ADMIN_URL", "admin/")

# --- Internationalisation -------------------------------------------------------------------

LANGUAGE_CODE = "nl"
# Dutch first; English; Arabic (right to left) and Ukrainian for the newcomers who read those
# best. Every language here has a complete catalogue in locale/ (tests/test_translations.py).
LANGUAGES = [("nl", _("Dutch")), ("en", _("English")), ("ar", _("Arabic")), ("uk", _("Ukrainian"))]
# English dates as written in Europe (mpact/formats/en/formats.py), not as in the US.
FORMAT_MODULE_PATH = ["mpact.formats"]
# locale_overrides/ first: its Dutch for allauth's and Django's own strings ("je", "inloggen")
# wins over the libraries' catalogues; locale/ holds the project's own strings.
LOCALE_PATHS = [BASE_DIR / "locale_overrides", BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Without collectstatic (development), whitenoise serves from the app folders.
WHITENOISE_USE_FINDERS = DEBUG
# Files browsers ask for at the site's root (favicon.ico), served by whitenoise as they are.
WHITENOISE_ROOT = BASE_DIR / "static" / "root"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- E-mail ---------------------------------------------------------------------------------

EMAIL_URL = env_str("EMAIL_URL", "console://")
globals().update(parse_email_url("EMAIL_URL", EMAIL_URL))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "M-Pact <noreply@m-pact.localhost>")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# Seconds the SMTP backend waits on any one socket operation (connect, each command's reply)
# before giving up with a timeout, which is retried. Without it a silent server holds a worker
# until Celery's time limit. Keep it well under CELERY_TASK_SOFT_TIME_LIMIT (see
# NOTIFICATION_CLAIM_TIMEOUT_SECONDS below).
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)

# --- Security -------------------------------------------------------------------------------
# Secure by default when DEBUG is off; a deployment behind a TLS-terminating proxy sets
# SECURE_PROXY_SSL_HEADER=true so Django trusts X-Forwarded-Proto.

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
if env_bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Container healthchecks probe /health/ and /health/ready/ over plain HTTP from inside the
# network, where no proxy sets X-Forwarded-Proto: redirected to HTTPS they would fail. These
# pages carry nothing private.
SECURE_REDIRECT_EXEMPT = [r"^health/"]

# --- Content Security Policy -----------------------------------------------------------------
# Enforced (not report-only) on every page by django-csp's middleware: the browser runs only
# scripts and styles served from this site, so injected markup (a stored-XSS slip in a
# description, a malicious form value echoed back) cannot run or send data elsewhere. Our
# templates, the Django admin and allauth's pages have no inline <script>, event handler,
# style="" or <style> (tests/browser fail on any violation), so neither script-src nor style-src
# needs 'unsafe-inline'. No nonces: the public-page cache (mpact/cache.py) would replay one
# nonce to every visitor, so the policy is the same static header on every response.
# Violations are reported to /csp-report/ (mpact.views.csp_report, logged as "mpact.csp").
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # data: URIs as images cannot run script; allowed so that a small icon can be inlined in
        # a stylesheet without touching the policy (nothing needs it today).
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
        "report-uri": reverse_lazy("csp_report"),
    },
}

# --- Celery ---------------------------------------------------------------------------------

if REDIS_URL:
    CELERY_BROKER_URL = parse_redis_url(
        "CELERY_BROKER_URL", env_str("CELERY_BROKER_URL", REDIS_URL)
    )
    # kombu's Redis transport ignores CELERY_BROKER_CONNECTION_TIMEOUT and by default waits
    # for ever, to connect and for every reply: a Redis that hangs instead of refusing (stopped,
    # overloaded, its host gone from the network) would hold every request that sends a task.
    # With these a publish to a Redis that does not answer gives up after a few such waits (6 s
    # with the retry below, in tests/test_redis_outage.py, which freezes Redis) and the sweep
    # delivers later. Longer than the 1 s the worker's BRPOP waits for a healthy Redis.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 2}
else:
    # Embedded default: no broker server. Messages are files under var/celery that the worker
    # started by bin/run picks up.
    CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
    _celery_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_celery_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        # Broadcast (worker control) messages; kombu's default is ./control in the cwd.
        "control_folder": str(_celery_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request that enqueues a task must not hang when the broker is down: the notification row
# is already committed and the periodic sweep delivers it later. (For Redis the transport
# options above bound it; this one is for other transports.)
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Celery's default scheduler plus beat's heartbeat for /health/ready/ (mpact/health/beat.py).
CELERY_BEAT_SCHEDULER = "mpact.health.beat:HeartbeatScheduler"
CELERY_BEAT_SCHEDULE = {
    "deliver-undelivered-notifications": {
        "task": "mpact.notifications.tasks.sweep_undelivered",
        "schedule": env_int("NOTIFICATION_SWEEP_SECONDS", 60),
    },
    "refresh-next-sessions": {
        "task": "initiatives.tasks.refresh_next_sessions",
        "schedule": 60,
    },
    "send-session-reminders": {
        "task": "initiatives.tasks.send_session_reminders",
        "schedule": crontab(minute="*/15"),
    },
    "run-matching": {
        "task": "matching.tasks.run_matching",
        "schedule": crontab(hour=env_int("MATCH_RUN_HOUR", 2), minute=0),
    },
    "expire-match-offers": {
        "task": "matching.tasks.expire_suggestions",
        "schedule": crontab(minute=30),
    },
    "opportunities-for-you-email": {
        "task": "matching.tasks.send_opportunity_digests",
        "schedule": crontab(day_of_week=env_int("OPPORTUNITY_EMAIL_WEEKDAY", 1), hour=9, minute=0),
    },
    "remind-stale-help-requests": {
        "task": "matching.tasks.remind_stale_requests",
        "schedule": crontab(hour=8, minute=0),
    },
    "forget-old-form-submissions": {
        "task": "mpact.tasks.forget_old_submissions",
        "schedule": crontab(hour=4, minute=10),
    },
    "remind-referral-follow-ups": {
        "task": "matching.tasks.remind_referral_follow_ups",
        "schedule": crontab(hour=8, minute=5),
    },
    "suggest-support": {
        "task": "matching.tasks.suggest_support",
        "schedule": crontab(minute=20),
    },
    "remind-trajectory-check-ins": {
        "task": "matching.tasks.remind_check_ins",
        "schedule": crontab(hour=8, minute=10),
    },
}

# Public pages (activity and opportunity lists and pages) are kept this long for visitors who
# are not logged in; a sign-up refreshes them at once. 0 turns it off.
PUBLIC_PAGE_CACHE_SECONDS = env_int("PUBLIC_PAGE_CACHE_SECONDS", 30)
# Pages each process also keeps in its own memory (mpact/cache.py; 0: none).
PUBLIC_PAGE_LOCAL_ENTRIES = env_int("PUBLIC_PAGE_LOCAL_ENTRIES", 200)

# How long a claimed notification may stay unsent before the sweep tries it again (a worker
# that died mid-send), and how often delivery is attempted before it is given up.
# The claim timeout must be longer than the longest a send can take, or a slow send that is
# still running gets sent a second time by another worker. A send waits at most EMAIL_TIMEOUT
# (30 s) per socket operation, and the whole task is interrupted by CELERY_TASK_SOFT_TIME_LIMIT
# (60 s, prefork pool), which counts as a temporary failure; 180 s is three times that. Short,
# because it is also how long a notification waits after its worker was killed mid-send.
# (Only if the soft limit cannot interrupt a send does the hard limit, CELERY_TASK_TIME_LIMIT,
# end it later than the claim: a duplicate is then possible.)
NOTIFICATION_CLAIM_TIMEOUT_SECONDS = env_int("NOTIFICATION_CLAIM_TIMEOUT_SECONDS", 180)
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 8)

# /health/ready/ reports the worker or beat as stale when its last heartbeat is older than this
# (they record one every 30 s while they run; mpact/health/heartbeats.py).
HEALTH_HEARTBEAT_STALE_SECONDS = env_int("HEALTH_HEARTBEAT_STALE_SECONDS", 180)

# --- Logging --------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# The version of the privacy statement (templates/privacy.html) that people consent to. Raise
# it when the statement changes: volunteers are then asked to consent again.
PRIVACY_STATEMENT_VERSION = "2026-11"

# Django 6 will assume https:// for URLs typed without a scheme; opt in now.
FORMS_URLFIELD_ASSUME_HTTPS = True

# A waiting help request nobody touched for this many days is flagged, and its coordinator
# reminded (once per such period).
HELP_REQUEST_STALE_DAYS = env_int("HELP_REQUEST_STALE_DAYS", 7)

# Matching: how many of the best volunteers per request the engine keeps as candidates, and
# after how long a run that never finished (a crashed worker) no longer holds the lock.
MATCH_TOP_K = env_int("MATCH_TOP_K", 10)
MATCH_RUN_TIMEOUT_MINUTES = env_int("MATCH_RUN_TIMEOUT_MINUTES", 30)
# Help for a person under MATCH_VOG_UNDER_AGE, or of these kinds (one to one, with someone
# vulnerable), goes only to a volunteer whose certificate of conduct (VOG) is at most
# MATCH_VOG_VALID_YEARS old: in the Netherlands that is what working with minors asks.
MATCH_VOG_UNDER_AGE = env_int("MATCH_VOG_UNDER_AGE", 18)
MATCH_VOG_KINDS = env_list("MATCH_VOG_KINDS", ["buddy", "youth", "informal_care", "social"])
MATCH_VOG_VALID_YEARS = env_int("MATCH_VOG_VALID_YEARS", 3)
# A volunteer has this many days to answer an offered match before it expires.
MATCH_ANSWER_DAYS = env_int("MATCH_ANSWER_DAYS", 5)
# Trajectories (issue 14): their default length, how often the guide and the participant have a
# check-in, and how many days after its planned day a check-in counts as overdue (the guide is
# reminded on the day and once more then).
TRAJECTORY_MONTHS = env_int("TRAJECTORY_MONTHS", 6)
TRAJECTORY_CHECKIN_WEEKS = env_int("TRAJECTORY_CHECKIN_WEEKS", 4)
TRAJECTORY_CHECKIN_OVERDUE_DAYS = env_int("TRAJECTORY_CHECKIN_OVERDUE_DAYS", 7)
# An opportunity suggested to a volunteer stays on their page this many days, or until they
# respond or say 'not for me', or the opportunity closes.
MATCH_OPPORTUNITY_DAYS = env_int("MATCH_OPPORTUNITY_DAYS", 28)

# The input layer (mpact/forms.py) refuses dates outside these years in every form and list
# filter: the database cannot read back a date BC, and nothing M-Pact records is older or
# further away.
INPUT_EARLIEST_YEAR = env_int("INPUT_EARLIEST_YEAR", 1900)
INPUT_LATEST_YEAR = env_int("INPUT_LATEST_YEAR", 2100)

# --- Text messages (issue 13; mpact/notifications/sms.py, README "Text messages") ------------

# The backend that sends text messages: console (prints them; the embedded default), locmem
# (the tests') or twilio (mpact.notifications.sms_backends.twilio.SmsBackend, with the three
# TWILIO_ settings below).
SMS_BACKEND = env_str("SMS_BACKEND", "mpact.notifications.sms_backends.console.SmsBackend")
TWILIO_ACCOUNT_SID = env_str("TWILIO_ACCOUNT_SID", "")
TWILIO_AUTH_TOKEN = env_str("TWILIO_AUTH_TOKEN", "")
# The sending number (E.164) or a Messaging Service SID (MG…).
TWILIO_FROM = env_str("TWILIO_FROM", "")
# How long the short links in text messages (/k/<code>) keep working.
SHORT_LINK_DAYS = env_int("SHORT_LINK_DAYS", 60)
# Phone numbers typed without a country code are Dutch.
PHONENUMBER_DEFAULT_REGION = "NL"
PHONENUMBER_DEFAULT_FORMAT = "E164"
