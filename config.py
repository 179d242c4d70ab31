"""Settings per environment, read from the process environment.

Production refuses to start without ``SECRET_KEY``; development and testing
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

    SECRET_KEY: str | None = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI: str | None = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
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
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"

    # Passwords: werkzeug's scrypt, a memory-hard KDF.
    PASSWORD_HASH_METHOD = "scrypt"

    # Rate limits (failed logins); Redis shares counts between workers.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = False
    LOGIN_FAILURE_LIMIT = os.environ.get("LOGIN_FAILURE_LIMIT", "5 per 5 minutes")

    # Domain settings
    CAP_WARNING_RATIO = _float("CAP_WARNING_RATIO", 0.9)
    SURGE_THRESHOLD_TPA = _int("SURGE_THRESHOLD_TPA", 2_000_000)
    RETURN_DUE_DAY = _int("RETURN_DUE_DAY", 10)
    UTILISATION_TARGET = _float("UTILISATION_TARGET", 0.8)

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh_CN")


class DevelopmentConfig(BaseConfig):
    """Local use on SQLite with the demo data; never for production."""

    DEBUG = False
    SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-not-secret"


class TestingConfig(BaseConfig):
    """The test suite: fast password hashing, no CSRF on the test client."""

    TESTING = True
    SECRET_KEY = "testing-only-not-secret"
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    WTF_CSRF_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"


class ProductionConfig(BaseConfig):
    """Gunicorn on PostgreSQL; SECRET_KEY and DATABASE_URL are required."""

    RATELIMIT_STORAGE_URI = os.environ.get(
        "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379"
    )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_for(name: str | None = None) -> type[BaseConfig]:
    """The settings class named by ``name`` or by ``REGISTRY_ENV``."""
    name = name or os.environ.get("REGISTRY_ENV", "development")
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(
            f"REGISTRY_ENV={name!r}; expected one of {', '.join(CONFIGS)}"
        ) from None
