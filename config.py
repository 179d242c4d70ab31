"""Settings per environment, read from the process environment when the app is created.

``config_for(name)`` builds the settings object then, not at import, so a
test or a second app sees the environment as it is now. Production refuses
to start without ``SECRET_KEY`` and ``DATABASE_URL``; development and testing
fall back to throwaway values so a new user can start with nothing set.
"""

from __future__ import annotations

import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


class BaseConfig:
    """Settings shared by every environment."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}  # noqa: RUF012  (read once by Flask)
    JSON_SORT_KEYS = False

    # flask-smorest / OpenAPI
    API_TITLE = "Capacity Registry API"
    API_VERSION = "v1"
    OPENAPI_VERSION = "3.0.3"
    OPENAPI_URL_PREFIX = "/api/v1"
    OPENAPI_JSON_PATH = "openapi.json"
    OPENAPI_SWAGGER_UI_PATH = "docs"
    OPENAPI_SWAGGER_UI_URL = "/api/v1/docs/assets/"

    # Sessions and cookies
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Passwords: werkzeug's scrypt, a memory-hard KDF.
    PASSWORD_HASH_METHOD = "scrypt"  # noqa: S105  (a method name, not a password)

    RATELIMIT_HEADERS_ENABLED = False
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh_CN")

    def __init__(self) -> None:
        env = os.environ
        self.SECRET_KEY: str | None = env.get("SECRET_KEY")
        self.SQLALCHEMY_DATABASE_URI: str | None = env.get("DATABASE_URL")
        self.SESSION_COOKIE_SECURE = env.get("SESSION_COOKIE_SECURE", "0") == "1"
        # Rate limits (failed logins); Redis shares counts between workers.
        self.RATELIMIT_STORAGE_URI = env.get("RATELIMIT_STORAGE_URI", "memory://")
        # Largest request body in bytes (2 MB); a bigger one is a 413 before it is read.
        self.MAX_CONTENT_LENGTH = _int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
        # Longest URL (path and query) and largest sum of request headers, in characters: beyond, 414 and 431.
        self.MAX_URL_LENGTH = _int("MAX_URL_LENGTH", 2048)
        self.MAX_HEADER_BYTES = _int("MAX_HEADER_BYTES", 16 * 1024)
        # Failed sign-ins, counted per account (the e-mail typed, existing or not) and per address: a
        # clerk's typos lock only that account; an office behind one router shares the wider address limit.
        self.LOGIN_FAILURE_LIMIT = env.get("LOGIN_FAILURE_LIMIT", "5 per 5 minutes")
        self.LOGIN_ADDRESS_FAILURE_LIMIT = env.get("LOGIN_ADDRESS_FAILURE_LIMIT", "50 per 5 minutes")
        # Redis down: count in this worker's memory meanwhile rather than fail the sign-in page.
        self.RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
        # Reverse proxies in front of the app whose X-Forwarded-For/-Proto to trust (0: none).
        self.PROXY_FIX_HOPS = _int("PROXY_FIX_HOPS", 0)
        # The public figures (no login) per client address; a cache in front answers most requests.
        self.PUBLIC_RATE_LIMIT = env.get("PUBLIC_RATE_LIMIT", "600 per minute")
        # Domain settings
        self.CAP_WARNING_RATIO = _float("CAP_WARNING_RATIO", 0.9)
        self.SURGE_THRESHOLD_TPA = _int("SURGE_THRESHOLD_TPA", 2_000_000)
        self.RETURN_DUE_DAY = _int("RETURN_DUE_DAY", 10)
        self.UTILISATION_TARGET = _float("UTILISATION_TARGET", 0.8)
        # Four eyes: a filing of at least this many t/a needs the approvals of two different reviewers.
        self.FOUR_EYES_THRESHOLD_TPA = _int("FOUR_EYES_THRESHOLD_TPA", 500_000)
        # Imports (XLSX/CSV uploads): data rows and bytes per file; the import endpoints alone allow the bytes.
        self.IMPORT_MAX_ROWS = _int("IMPORT_MAX_ROWS", 5000)
        self.IMPORT_MAX_BYTES = _int("IMPORT_MAX_BYTES", 5 * 1024 * 1024)
        # The registry's today, YYYY-MM-DD (unset: today in Beijing): demos and rehearsals set it.
        self.REGISTRY_TODAY = env.get("REGISTRY_TODAY") or None
        # E-mail (``flask --app wsgi notify``): the SMTP server, one connection per message.
        self.MAIL_BACKEND = "smtp"  # Flask-Mailman would keep mail in memory under TESTING; tests use a server
        self.MAIL_SERVER = env.get("MAIL_SERVER", "localhost")
        self.MAIL_PORT = _int("MAIL_PORT", 25)
        self.MAIL_USE_TLS = env.get("MAIL_USE_TLS", "0") == "1"  # STARTTLS on the plain port (587)
        self.MAIL_USE_SSL = env.get("MAIL_USE_SSL", "0") == "1"  # TLS from the first byte (465)
        self.MAIL_USERNAME = env.get("MAIL_USERNAME") or None  # unset: no SMTP login
        self.MAIL_PASSWORD = env.get("MAIL_PASSWORD") or None
        self.MAIL_DEFAULT_SENDER = env.get("MAIL_DEFAULT_SENDER", "registry@localhost")
        self.MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 30)  # seconds: a hung server fails the message, not cron
        # A reminder goes out this many days before a return's due date (and again once it is overdue).
        self.REMINDER_DAYS_BEFORE = _int("REMINDER_DAYS_BEFORE", 3)
        # Decisions older than this are never mailed: the first run does not send the whole history.
        self.DECISION_MAIL_WINDOW_DAYS = _int("DECISION_MAIL_WINDOW_DAYS", 7)
        # The address users open the registry at, for links in e-mails (a command has no request).
        self.REGISTRY_BASE_URL = env.get("REGISTRY_BASE_URL", "http://localhost:5000").rstrip("/")


class DevelopmentConfig(BaseConfig):
    """Local use on SQLite with the demo data; never for production."""

    DEBUG = False

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = self.SECRET_KEY or "dev-only-not-secret"


class TestingConfig(BaseConfig):
    """The test suite: fast password hashing, no CSRF on the test client."""

    TESTING = True
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"  # noqa: S105
    WTF_CSRF_ENABLED = False

    def __init__(self) -> None:
        super().__init__()
        self.SECRET_KEY = "testing-only-not-secret"  # noqa: S105  (tests only)
        self.RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(BaseConfig):
    """Gunicorn on PostgreSQL; SECRET_KEY and DATABASE_URL are required."""

    REQUIRE_DATABASE_URL = True  # no SQLite file by accident (registry.create_app checks)

    def __init__(self) -> None:
        super().__init__()
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> BaseConfig:
    """The settings named by ``name`` or by ``REGISTRY_ENV``, read from the environment now."""
    name = name or os.environ.get("REGISTRY_ENV", "development")
    try:
        return CONFIGS[name]()
    except KeyError:
        raise RuntimeError(
            f"REGISTRY_ENV={name!r}; expected one of {', '.join(CONFIGS)}"
        ) from None
