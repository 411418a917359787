"""Harbour's one settings file: every value comes from the environment, with a safe default.

The same code paths run on a laptop and in production; only values differ. A
value that cannot be parsed stops the process with a message naming it.
"""

from __future__ import annotations

import base64
import binascii
import os
from decimal import Decimal
from pathlib import Path

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
STATE_DIR = Path(os.environ.get("HARBOUR_STATE_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def secret_from_env_or_file(name: str) -> str:
    """A secret from NAME, or from the file named by NAME_FILE; never from the database."""
    value = os.environ.get(name)
    if value:
        return value.strip()
    path = os.environ.get(f"{name}_FILE")
    if path:
        try:
            return Path(path).read_text(encoding="ascii").strip()
        except OSError as error:
            raise ImproperlyConfigured(f"{name}_FILE: cannot read {path}: {error}") from None
    default_file = STATE_DIR / f"{name.removeprefix('HARBOUR_').lower().replace('_', '-')}"
    if default_file.exists():
        return default_file.read_text(encoding="ascii").strip()
    raise ImproperlyConfigured(f"Set {name} or {name}_FILE, or create {default_file} (`make run` creates it).")


def decode_master_key(name: str, raw: str) -> bytes:
    """A 32-byte key from its base64 text; `name` says where it came from if it is wrong."""
    try:
        key = base64.b64decode(raw, validate=True)
    except binascii.Error:
        raise ImproperlyConfigured(f"{name} must be base64") from None
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must decode to 32 bytes, not {len(key)}")
    return key


def old_master_keys(name: str) -> list[bytes]:
    """Retired master keys still accepted for unwrapping while `rotate_keys --rewrap` runs."""
    return [decode_master_key(name, raw) for raw in env_list(name, [])]


def master_key_file() -> Path | None:
    """The file the master key is read from, or None when it comes from the environment itself."""
    if os.environ.get("HARBOUR_MASTER_KEY"):
        return None
    named = os.environ.get("HARBOUR_MASTER_KEY_FILE")
    return Path(named) if named else STATE_DIR / "master-key"


def refuse_key_beside_data(key_file: Path | None, data_dirs: dict[str, Path]) -> None:
    """Stop when the master key lies in the same folder tree as the data it protects.

    A copy of a folder that holds both the database (or the backups, or the
    attachments) and the key decrypts everything; in production they must live
    apart, so that a stolen backup or disk image reads as noise.
    """
    if key_file is None:
        return
    key_dir = key_file.resolve().parent
    for what, folder in data_dirs.items():
        folder = folder.resolve()
        if folder.is_relative_to(key_dir) or key_dir.is_relative_to(folder):
            raise ImproperlyConfigured(
                f"The master key file {key_file} lies in the same folder tree as the {what} ({folder}). "
                "In production keep it apart (docs/deploy.md), or set HARBOUR_MASTER_KEY from a secrets manager."
            )


DEBUG = env_bool("HARBOUR_DEBUG", False)
# Production mode refuses configurations that are fine on a laptop but unsafe for real data.
HARBOUR_PRODUCTION = env_bool("HARBOUR_PRODUCTION", False)
SECRET_KEY = secret_from_env_or_file("HARBOUR_SECRET_KEY")
HARBOUR_MASTER_KEY = decode_master_key("HARBOUR_MASTER_KEY", secret_from_env_or_file("HARBOUR_MASTER_KEY"))
HARBOUR_OLD_MASTER_KEYS = old_master_keys("HARBOUR_OLD_MASTER_KEYS")
ALLOWED_HOSTS = env_list("HARBOUR_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("HARBOUR_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "harbour.core",
    "harbour.network",
    "harbour.cases",
    "harbour.directory",
    "harbour.screening",
    "harbour.rights",
    "harbour.respond",
    "harbour.stats",
    "harbour.operations",
    "harbour.reports",
    # Last: the demo and the build-time checks may import every app, and no app imports them.
    "harbour.demo",
    "harbour.checks",
]

MIDDLEWARE = [
    # First, so that nothing after it (including error reports) ever sees who asked.
    "harbour.core.middleware.forget_client_middleware",
    "django.middleware.security.SecurityMiddleware",
    "harbour.core.middleware.security_headers_middleware",
    "django.middleware.gzip.GZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "harbour.core.middleware.idle_timeout_middleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "harbour.core.access.AccessPolicyMiddleware",
    # Last, so that it sees a view's database errors before any other middleware answers them.
    "harbour.core.middleware.DatabaseUnavailableMiddleware",
]

ROOT_URLCONF = "harbour.urls"
WSGI_APPLICATION = "harbour.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "harbour.core.context_processors.harbour",
            ],
            "string_if_invalid": "",
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{STATE_DIR / 'harbour.sqlite3'}"),
        # Each web worker thread keeps its connection for a minute instead of opening one per
        # request (a new PostgreSQL connection costs more than most searches); checked before reuse.
        conn_max_age=env_int("HARBOUR_DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("HARBOUR_DB_JIT_OFF", True):
    # Harbour's queries are short: compiling one with LLVM (PostgreSQL's JIT, on by default) costs
    # more than running it, and its cost estimate triggers on every count over the directory. Added
    # to any options DATABASE_URL gave; a pooler that refuses startup options: HARBOUR_DB_JIT_OFF=false
    # and `ALTER DATABASE ... SET jit = off` (docs/scale.md).
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web workers read while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "network.Member"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
]
LOGIN_URL = "network:sign_in"
PASSWORD_RESET_TIMEOUT = env_int("HARBOUR_PASSWORD_RESET_SECONDS", 60 * 60)

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = env_int("HARBOUR_SESSION_HOURS", 12) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
# Gone when the browser closes, like the session: a year on a shared phone would say Harbour was used.
CSRF_COOKIE_AGE = None

# Behind a TLS-terminating proxy set HARBOUR_BEHIND_HTTPS_PROXY=true.
HARBOUR_HTTPS = env_bool("HARBOUR_BEHIND_HTTPS_PROXY", False)
if HARBOUR_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
SECURE_HSTS_SECONDS = 63072000  # sent only on HTTPS responses
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_CONTENT_TYPE_NOSNIFF = True
# Not "no-referrer": under it browsers send "Origin: null" with every form post, which
# Django's CSRF check rightly refuses. "same-origin" sends nothing to any other site.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "en"
# The public pages' languages: Canada's two official languages, then the languages
# the network's clients speak most (the seeds' "relevant languages").
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("tl", _("Tagalog")),
    ("zh-hans", _("Simplified Chinese")),
    ("pa", _("Punjabi")),
    ("ar", _("Arabic")),
    ("uk", _("Ukrainian")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
]
# Django knows no Tagalog, and names Punjabi in English; the switcher shows each
# language in its own script.
LANG_INFO.update(
    {
        "tl": {"bidi": False, "code": "tl", "name": "Tagalog", "name_local": "Tagalog"},
        "pa": {"bidi": False, "code": "pa", "name": "Punjabi", "name_local": "ਪੰਜਾਬੀ"},
    }
)
# Languages whose catalogues must be complete; the others are drafts, marked as such
# on every page, until a reviewer completes them.
HARBOUR_COMPLETE_LANGUAGES = ["en", "fr"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "America/Toronto"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploaded files (meeting reports, library items, report attachments) on the local disk by
# default, or in S3-compatible object storage (HARBOUR_STORAGE=s3, docs/deploy.md). Either way
# they are served only through access-checked views, never by URL.
HARBOUR_STORAGE = env_str("HARBOUR_STORAGE", "local")
if HARBOUR_STORAGE == "local":
    _default_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
elif HARBOUR_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("HARBOUR_S3_BUCKET", "harbour"),
            "endpoint_url": env_str("HARBOUR_S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("HARBOUR_S3_REGION", "") or None,
            # Credentials come from the usual AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the instance role.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "no-store"},
        },
    }
else:
    raise ImproperlyConfigured(f"HARBOUR_STORAGE must be local or s3, not {HARBOUR_STORAGE!r}")
STORAGES = {
    "default": _default_storage,
    # Public files, readable by a reverse proxy running as its own user (uploads stay 0o600, below).
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
        "OPTIONS": {"file_permissions_mode": 0o644, "directory_permissions_mode": 0o755},
    },
}
WHITENOISE_MAX_AGE = 3600

# Emails carry invitation and reset links: print them only on a demo or debug
# machine, never into a production log.
EMAIL_BACKEND = env_str(
    "HARBOUR_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG or env_bool("HARBOUR_DEMO", False)
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("HARBOUR_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("HARBOUR_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("HARBOUR_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("HARBOUR_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("HARBOUR_EMAIL_TLS", False)
# A mail server that hangs must not hang the page that sent the email (tasks run in process by default).
EMAIL_TIMEOUT = env_int("HARBOUR_EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("HARBOUR_FROM_EMAIL", "Harbour <no-reply@harbour.invalid>")
HARBOUR_SITE_URL = env_str("HARBOUR_SITE_URL", "http://127.0.0.1:8000")

# Deferred work: in-process by default; see docs/scale.md for a real queue.
# Deferred work: in-process by default; at scale a queue with its own workers (docs/deploy.md):
# django_tasks_db.DatabaseBackend (`manage.py db_worker`) or django_tasks_rq.RQBackend on Redis
# (`manage.py rqworker`). Queued emails travel sealed (harbour/core/mail.py).
TASKS = {
    "default": {
        "BACKEND": env_str("HARBOUR_TASK_BACKEND", "django_tasks.backends.immediate.ImmediateBackend"),
    }
}
RQ_QUEUES = {"default": {"URL": env_str("HARBOUR_REDIS_URL", "redis://127.0.0.1:6379/0"), "DEFAULT_TIMEOUT": 300}}

# Never mail error reports: they would carry request data.
ADMINS: list[tuple[str, str]] = []
DEFAULT_EXCEPTION_REPORTER_FILTER = "harbour.core.middleware.ForgetfulExceptionReporterFilter"
# HARBOUR_LOG_FORMAT=json writes one JSON object a line (time, level, logger, message) for a log
# collector; the message is the same, and carries no personal data either way.
HARBOUR_LOG_FORMAT = env_str("HARBOUR_LOG_FORMAT", "plain")
if HARBOUR_LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured(f"HARBOUR_LOG_FORMAT must be plain or json, not {HARBOUR_LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "{asctime} {levelname} {name} {message}", "style": "{"},
        "json": {"()": "harbour.logformat.JsonFormatter"},
    },
    # No token, credential, request header value or forged line reaches the log (harbour/core/logs.py).
    "filters": {"forgetful": {"()": "harbour.core.logs.ForgetfulLogFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": HARBOUR_LOG_FORMAT, "filters": ["forgetful"]}
    },
    "root": {"handlers": ["console"], "level": env_str("HARBOUR_LOG_LEVEL", "WARNING")},
}

# Harbour's own knobs.
HARBOUR_DEMO = env_bool("HARBOUR_DEMO", False)
HARBOUR_IDLE_TIMEOUT_MINUTES = env_int("HARBOUR_IDLE_TIMEOUT_MINUTES", 15)
# The idle timeout's clock is kept to this many seconds, so a member's pages do not each rewrite the session row.
HARBOUR_LAST_SEEN_RESOLUTION_SECONDS = 60
HARBOUR_INVITATION_DAYS = env_int("HARBOUR_INVITATION_DAYS", 7)
HARBOUR_SIGN_IN_MAX_FAILURES = env_int("HARBOUR_SIGN_IN_MAX_FAILURES", 5)
HARBOUR_SIGN_IN_LOCK_MINUTES = env_int("HARBOUR_SIGN_IN_LOCK_MINUTES", 15)
# How long key rotation waits for in-flight writes before destroying an old key.
HARBOUR_KEY_ROTATION_GRACE_SECONDS = env_int("HARBOUR_KEY_ROTATION_GRACE_SECONDS", 5)
HARBOUR_QUICK_EXIT_URL = env_str("HARBOUR_QUICK_EXIT_URL", "https://www.theweathernetwork.com/ca")
CSRF_FAILURE_VIEW = "harbour.core.views.csrf_failure"

# --- network: meeting reports and reminders ---
# Meeting reports are stored here and served only through an access-checked view (never by URL).
MEDIA_ROOT = Path(env_str("HARBOUR_MEDIA_ROOT", str(STATE_DIR / "media")))
HARBOUR_MEETING_REMINDER_HOURS = env_int("HARBOUR_MEETING_REMINDER_HOURS", 24)
# SQLite's page caches (MB) during a directory import: the database's, and the temporary tables' of the
# records seen. Bounded, so an import's memory stops growing with the file (docs/scale.md).
HARBOUR_IMPORT_CACHE_MB = env_int("HARBOUR_IMPORT_CACHE_MB", 128)
HARBOUR_IMPORT_SEEN_CACHE_MB = env_int("HARBOUR_IMPORT_SEEN_CACHE_MB", 64)
HARBOUR_MEETING_REPORT_MAX_MB = env_int("HARBOUR_MEETING_REPORT_MAX_MB", 10)

# --- rights ---------------------------------------------------------------
# Library uploads share MEDIA_ROOT (above); they are never served by URL either:
# harbour.rights.views.library hands them out after checking who may see them.
# Uploaded files are readable by the server's user only.
FILE_UPLOAD_PERMISSIONS = 0o600

# --- respond (docs/respond.md) ---
# A response plan not reviewed for this many days is stale, and its owner is reminded.
HARBOUR_PLAN_REVIEW_DAYS = env_int("HARBOUR_PLAN_REVIEW_DAYS", 180)
# A hotline call stays in the call log (and its counts) this long, then run_retention deletes it.
HARBOUR_CALL_LOG_DAYS = env_int("HARBOUR_CALL_LOG_DAYS", 730)

# --- reports (docs/reports.md) ---
# Argon2id cost for receipts, member passwords and recovery keys: libsodium's "moderate"
# memory by default (256 MiB would be too much for 20 reporters at once on a small server).
HARBOUR_REPORT_ARGON2_OPSLIMIT = env_int("HARBOUR_REPORT_ARGON2_OPSLIMIT", 3)
HARBOUR_REPORT_ARGON2_MEMLIMIT = env_int("HARBOUR_REPORT_ARGON2_MEMLIMIT", 64 * 1024 * 1024)
HARBOUR_REPORT_MAX_FILE_BYTES = env_int("HARBOUR_REPORT_MAX_FILE_MB", 10) * 1_000_000
HARBOUR_REPORT_MAX_FILES = env_int("HARBOUR_REPORT_MAX_FILES", 5)
# Failed receipt guesses: per first group of digits in 15 minutes, and for the whole site per minute.
HARBOUR_REPORT_GUESSES_PER_GROUP = env_int("HARBOUR_REPORT_GUESSES_PER_GROUP", 10)
HARBOUR_REPORT_GUESSES_PER_MINUTE = env_int("HARBOUR_REPORT_GUESSES_PER_MINUTE", 120)

# --- operations: backups and where the key may live (docs/deploy.md) ---
# The largest request body the reverse proxy lets through (docs/deploy.md); forms keep their own, smaller limits.
HARBOUR_UPLOAD_MAX_MB = env_int("HARBOUR_UPLOAD_MAX_MB", 25)
HARBOUR_BACKUP_DIR = Path(env_str("HARBOUR_BACKUP_DIR", str(STATE_DIR / "backups")))
if HARBOUR_PRODUCTION:
    if DEBUG or HARBOUR_DEMO:
        raise ImproperlyConfigured("HARBOUR_PRODUCTION cannot be combined with HARBOUR_DEBUG or HARBOUR_DEMO.")
    _data_dirs = {"attachments and uploads": MEDIA_ROOT, "backups": HARBOUR_BACKUP_DIR}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        _data_dirs["database"] = Path(str(DATABASES["default"]["NAME"])).parent
    refuse_key_beside_data(master_key_file(), _data_dirs)
# The rights pages' offline worker is a static file whose scope is /<language>/rights/.
from harbour.rights.offline import add_service_worker_scope  # noqa: E402 - a settings block of its own

WHITENOISE_ADD_HEADERS_FUNCTION = add_service_worker_scope

# Statistics (docs/statistics.md): the privacy budget (epsilon) of each year of data, fixed when a
# release first draws on that year, and the default threshold below which noisy counts are suppressed.
HARBOUR_STATS_YEARLY_EPSILON = Decimal(env_str("HARBOUR_STATS_YEARLY_EPSILON", "1.0"))
HARBOUR_STATS_THRESHOLD = env_int("HARBOUR_STATS_THRESHOLD", 10)
