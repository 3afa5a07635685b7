"""Settings from the environment (twelve-factor): DATABASE_URL, SECRET_KEY, DEBUG, ALLOWED_HOSTS…

SQLite in the working directory is the embedded default; PostgreSQL when DATABASE_URL says so.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

PACKAGE_DIR = Path(__file__).resolve().parent
WORK_DIR = Path(os.environ.get("GREENLIST_HOME", Path.cwd()))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"环境变量 {name} 须为整数（字节数或个数），而不是“{value}”。") from None


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
PRODUCTION = env_bool("GREENLIST_PRODUCTION", False)
if PRODUCTION and DEBUG:
    # The debug pages show settings, SQL and local variables to whoever triggers an error.
    raise ImproperlyConfigured(
        "生产环境（GREENLIST_PRODUCTION=1）不得开启调试模式：调试页面会向访问者泄露配置和数据。"
        "请删除环境变量 DEBUG 或将其设为 0。"
    )

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("生产环境必须通过环境变量 SECRET_KEY 设置密钥。")
    # Development and tests only; production refuses to start without SECRET_KEY (above).
    SECRET_KEY = "greenlist-insecure-development-key-not-for-production-use-000000"

if PRODUCTION and not env_list("ALLOWED_HOSTS", ""):
    raise ImproperlyConfigured(
        "生产环境（GREENLIST_PRODUCTION=1）必须通过环境变量 ALLOWED_HOSTS 列出本站的域名"
        "（多个用逗号分隔，如 greenlist.gxt.hebei.gov.cn）。"
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "greenlist.accounts",
    "greenlist.registry",
    "greenlist.campaign",
    "greenlist.screening",
    "greenlist.dynamic",
    "greenlist.audit",
    "greenlist.selection",
    "greenlist.web",
    "greenlist.ops",
    "greenlist.commands",
    "greenlist.admin_site.GreenlistAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django_htmx",
    "django_tasks",
    "greenlist.admin_site.TasksDbConfig",
    "ninja",
    "greenlist.admin_site.AxesConfig",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    # First: refuses an oversized body by its Content-Length before anything reads it.
    "greenlist.web.middleware.RequestSizeMiddleware",
    # First: the scheme from X-Forwarded-Proto, believed only from GREENLIST_TRUSTED_PROXIES.
    "greenlist.accounts.proxies.TrustedProxyMiddleware",
    # Every log line of the request carries its id (and the response echoes it).
    "greenlist.ops.logs.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON compressed here, after WhiteNoise (static files come precompressed). Django's
    # GZipMiddleware pads each response randomly (Heal The Breach) and CSRF tokens are masked per
    # response, which is what keeps compression from leaking secrets (BREACH); see docs/deploy.md.
    "django.middleware.gzip.GZipMiddleware",
    "greenlist.web.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "greenlist.web.middleware.NoStoreWhenSignedInMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "greenlist.accounts.middleware.ScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "greenlist.urls"
WSGI_APPLICATION = "greenlist.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "greenlist.web.context.campaign",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{WORK_DIR / 'greenlist.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a command writes; a busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    # Tests that run the real worker process share the test database with it, so it is a file
    # (an in-memory database is invisible to another process).
    # GREENLIST_TEST_SQLITE names another file, so two test runs can share a working folder.
    DATABASES["default"]["TEST"] = {
        "NAME": os.environ.get("GREENLIST_TEST_SQLITE", str(WORK_DIR / "test-greenlist.sqlite3"))
    }
# Import progress is committed on a second connection to the same database, outside the
# import's own transaction, so the page's progress bar moves (greenlist.exchange.progress).
DATABASES["progress"] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling: refuses before checking the password
    "django.contrib.auth.backends.ModelBackend",
]
# The reverse proxies in front of the app servers (IPs or CIDRs, comma-separated). Only from
# these are X-Forwarded-For (the client's address) and X-Forwarded-Proto (the scheme) believed.
GREENLIST_TRUSTED_PROXIES = env_list("GREENLIST_TRUSTED_PROXIES", "")
for _proxy in GREENLIST_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as _exc:
        raise ImproperlyConfigured(
            f"GREENLIST_TRUSTED_PROXIES 中的“{_proxy}”不是有效的 IP 地址或网段（如 10.0.0.5 或 10.0.0.0/24）。"
        ) from _exc

# Login throttling (greenlist.accounts.lockout): a lock holds one (username, client address) pair,
# never the account as a whole, and grows with repeated rounds of failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = "greenlist.accounts.lockout.cool_off"
AXES_USE_ATTEMPT_EXPIRATION = True  # each lock expires on its own, not with the next user's cool-off
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # the memory that makes the next lock longer
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "greenlist.accounts.proxies.client_address"
AXES_LOCKOUT_CALLABLE = "greenlist.accounts.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
# Texts Django and django-axes ship untranslated (admin table headers, axes models).
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", WORK_DIR / "staticfiles"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
# Charts: Apache ECharts from static/vendor/echarts (no CDN: many government networks are offline).
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Outside production, serve static files straight from the package (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", WORK_DIR / "media"))
MEDIA_URL = "media/"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Which province's data set (units, batch files) this installation runs; another province is
# another data directory, never a fork of the code.
GREENLIST_PROVINCE = os.environ.get("GREENLIST_PROVINCE", "hebei")
GREENLIST_DATA_DIR = Path(os.environ.get("GREENLIST_DATA_DIR", PACKAGE_DIR / "data"))
GREENLIST_DEFAULT_BATCH = os.environ.get("GREENLIST_BATCH", "2024")
# Readers bring stale screening verdicts up to date themselves (tests, one-process tools);
# otherwise the worker does and pages say 正在更新 meanwhile.
GREENLIST_SCREENING_ON_READ = env_bool("GREENLIST_SCREENING_ON_READ", False)
# `greenlist restore` refuses a backup whose members (uncompressed) exceed these, before extracting.
GREENLIST_RESTORE_MAX_MEMBER_BYTES = int(os.environ.get("GREENLIST_RESTORE_MAX_MEMBER_BYTES", 8 * 1024**3))
GREENLIST_RESTORE_MAX_TOTAL_BYTES = int(os.environ.get("GREENLIST_RESTORE_MAX_TOTAL_BYTES", 64 * 1024**3))

# Background work (imports, e-mail notices) runs in `greenlist worker` processes: Django's task
# API (the django-tasks backport) with the database backend, so no extra server is needed.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["imports", "screening", "email"],
    }
}
# Where a running import's progress and heartbeat go: "database" (the "progress" connection;
# PostgreSQL) or "file" (beside the upload; SQLite, whose single writer is the import itself).
GREENLIST_PROGRESS_STORE = os.environ.get(
    "GREENLIST_PROGRESS_STORE",
    "file" if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "database",
)
# A running job whose heartbeat is older than this is taken as dead (its worker was killed).
GREENLIST_WORKER_HEARTBEAT = float(os.environ.get("GREENLIST_WORKER_HEARTBEAT", "5"))
GREENLIST_WORKER_STALE_AFTER = float(os.environ.get("GREENLIST_WORKER_STALE_AFTER", "60"))

# Uploads (docs/uploads.md). Files over FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file
# instead of memory; a request whose Content-Length is over its view's limit is refused with 413
# before its body is read (greenlist.web.middleware.RequestSizeMiddleware).
MiB = 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * MiB)
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * MiB)  # form fields, not files
DATA_UPLOAD_MAX_NUMBER_FIELDS = env_int("DATA_UPLOAD_MAX_NUMBER_FIELDS", 1000)
DATA_UPLOAD_MAX_NUMBER_FILES = env_int("DATA_UPLOAD_MAX_NUMBER_FILES", 30)  # pictures of three highlights
# What an uploaded file may hold, checked by greenlist.documents.uploads before anything parses it;
# GREENLIST_UPLOAD_<NAME> (e.g. GREENLIST_UPLOAD_MAX_SHEET_ROWS) overrides each default.
GREENLIST_UPLOAD_LIMITS = {
    name: env_int(f"GREENLIST_UPLOAD_{name.upper()}", default)
    for name, default in (
        ("max_members", 1000),
        ("max_member_compressed", 100 * MiB),
        ("max_member_bytes", 100 * MiB),
        ("max_total_bytes", 200 * MiB),
        ("max_ratio", 100),
        ("max_document_xml", 10 * MiB),
        ("max_shared_strings", 1_000_000),
        ("max_shared_strings_bytes", 64 * MiB),
        ("max_sheet_rows", 1_048_576),
        ("max_workbook_bytes", 200 * MiB),
    )
}
# Request bodies: any request, and the views that take larger files (by URL name). The margin
# is the multipart framing and the form's other fields.
GREENLIST_REQUEST_MAX_BYTES = env_int("GREENLIST_REQUEST_MAX_BYTES", 51 * MiB)
GREENLIST_REQUEST_MAX_BYTES_BY_VIEW = {
    "report_check": 21 * MiB,  # one report (20 MB)
    "import": GREENLIST_UPLOAD_LIMITS["max_workbook_bytes"] + MiB,
    "api:upload_workbook": GREENLIST_UPLOAD_LIMITS["max_workbook_bytes"] + MiB,
}

# Mail: Django's standard settings, from the environment. With EMAIL_HOST set, notices go to that
# SMTP server; without it they are printed (development). A server that refuses or is down only
# delays a notice (greenlist.campaign.notices retries with backoff); it never loses one.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS（STARTTLS，通常端口 587）与 EMAIL_USE_SSL（隐式 TLS，通常端口 465）只能开启一个。"
    )
EMAIL_TIMEOUT = float(os.environ.get("EMAIL_TIMEOUT", "30"))
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "greenlist@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# A notice whose sending failed is tried again after 1, 2, 4 … minutes, at most this many.
GREENLIST_MAIL_RETRY_MAX_MINUTES = int(os.environ.get("GREENLIST_MAIL_RETRY_MAX_MINUTES", "60"))
# /readyz: a worker heartbeat older than this many seconds means no worker is processing queues.
GREENLIST_READY_WORKER_AGE = float(os.environ.get("GREENLIST_READY_WORKER_AGE", "120"))

# A strict Content-Security-Policy: scripts only from our own static files (no inline script);
# inline style attributes stay allowed for gauges and chart layouts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 3600  # one working day
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Load balancers probe the app servers over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    # No SECURE_PROXY_SSL_HEADER: it would believe X-Forwarded-Proto from any client;
    # TrustedProxyMiddleware sets the scheme from trusted proxies only.

# One JSON object per line on stderr (LOG_FORMAT=text: plain lines for a terminal), each with the
# request id, user, role and unit of the request it belongs to (greenlist.ops.logs).
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "greenlist.ops.logs.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,
        },
        "text": {
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s %(user)s] %(message)s",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request"],
            "formatter": "text" if LOG_FORMAT == "text" else "json",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
