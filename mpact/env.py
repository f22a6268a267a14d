"""Reading settings from the environment.

A malformed value stops start-up with a message that names the variable and says what it
expects, instead of a confusing error much later (see healthchecks' hc/settings.py).
"""

import os
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of: true, false, 1, 0, yes, no, on, off."
    )


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def parse_database_url(name: str, raw: str) -> dict:
    import dj_database_url

    scheme = urlsplit(raw).scheme
    if scheme not in {"postgres", "postgresql", "pgsql", "sqlite"}:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: use postgres://user:password@host:port/name or sqlite:///path."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as exc:  # dj_database_url raises several kinds
        raise ImproperlyConfigured(f"{name}={raw!r} could not be read: {exc}") from None
    if config["ENGINE"] == "django.db.backends.postgresql" and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name}={raw!r} names no database (…/name at the end).")
    return config


def parse_redis_url(name: str, raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in {"redis", "rediss"} or not parts.hostname:
        raise ImproperlyConfigured(f"{name}={raw!r}: use redis://host:port/db.")
    try:
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} has a malformed port.") from None
    return raw


EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "submission": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}


def parse_email_url(name: str, raw: str) -> dict:
    """smtp://user:password@host:587?tls=1, smtps://… (implicit TLS), console://, file:///path,
    memory://, dummy://."""
    parts = urlsplit(raw)
    if parts.scheme not in EMAIL_BACKENDS:
        raise ImproperlyConfigured(
            f"{name}={raw!r}: use one of "
            + ", ".join(f"{scheme}://" for scheme in EMAIL_BACKENDS)
            + "."
        )
    config = {"EMAIL_BACKEND": EMAIL_BACKENDS[parts.scheme]}
    if parts.scheme == "file":
        if not parts.path:
            raise ImproperlyConfigured(f"{name}={raw!r}: file:///path needs a folder.")
        config["EMAIL_FILE_PATH"] = parts.path
    if parts.scheme in {"smtp", "smtps", "submission"}:
        if not parts.hostname:
            raise ImproperlyConfigured(f"{name}={raw!r} names no host.")
        try:
            port = parts.port
        except ValueError:
            raise ImproperlyConfigured(f"{name}={raw!r} has a malformed port.") from None
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        config.update(
            EMAIL_HOST=parts.hostname,
            EMAIL_PORT=port or {"smtps": 465, "submission": 587}.get(parts.scheme, 25),
            EMAIL_HOST_USER=unquote(parts.username or ""),
            EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
            EMAIL_USE_SSL=parts.scheme == "smtps",
            EMAIL_USE_TLS=parts.scheme == "submission"
            or query.get("tls", "").lower() in TRUE_WORDS,
        )
    return config
