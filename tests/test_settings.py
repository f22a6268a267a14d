"""Settings come from the environment; a malformed value stops start-up with a clear message;
with DEBUG off the deployment checks pass."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from mpact import env

ROOT = Path(__file__).resolve().parent.parent
# What the test run itself sets (the services it talks to, the browser tests' async opt-out)
# must not reach the `manage.py` started here.
NOT_PASSED_ON = {
    "DJANGO_SETTINGS_MODULE",  # the tests' own (mpact.test_settings); manage.py uses production's
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "CELERY_BROKER_URL",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def clean_environment():
    return {key: val for key, val in os.environ.items() if key not in NOT_PASSED_ON}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "is not a boolean"),
        ("SECURE_HSTS_SECONDS", "a year", "is not a whole number"),
        ("DATABASE_URL", "mysql://localhost/x", "use postgres://"),
        ("DATABASE_URL", "postgres://localhost:5432", "names no database"),
        ("REDIS_URL", "localhost:6379", "use redis://"),
        ("REDIS_URL", "redis://localhost:port/0", "malformed port"),
        ("EMAIL_URL", "smtp//mail.example.org", "use one of"),
        ("EMAIL_URL", "smtp://", "names no host"),
        ("SECRET_KEY", "", "SECRET_KEY is not set"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_a_clear_message(name, value, message):
    environment = clean_environment()
    environment.update({"SECRET_KEY": "x" * 60, "DEBUG": "false", name: value})
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
    assert name in result.stderr


def production_environment(static_root):
    environment = clean_environment()
    environment.update(
        {
            "DEBUG": "false",
            "SECRET_KEY": "k7#Qz9!vR2@pL5$wX8^mN3&bT6*yH1(jF4)gD0-sA_eC+uK=iO",
            "ALLOWED_HOSTS": "m-pact.example.org",
            "STATIC_ROOT": str(static_root),
        }
    )
    return environment


def run(command, environment):
    return subprocess.run(
        [sys.executable, *command],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_deploy_checks_pass_with_debug_off(tmp_path):
    environment = production_environment(tmp_path / "static")
    collected = run(["manage.py", "collectstatic", "--no-input", "-v0"], environment)
    assert collected.returncode == 0, collected.stderr
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], environment)
    assert result.returncode == 0, result.stdout + result.stderr
    # And the web process starts.
    started = run(["-c", "import mpact.wsgi"], environment)
    assert started.returncode == 0, started.stderr


def test_development_needs_no_collected_static_files(tmp_path):
    """bin/run (DEBUG on) starts without collectstatic."""
    environment = {**production_environment(tmp_path / "nothing-collected"), "DEBUG": "true"}
    result = run(["manage.py", "check"], environment)
    assert result.returncode == 0, result.stderr


def test_without_collected_static_files_start_up_says_what_to_run(tmp_path):
    """Not a 500 on the first page: the checks (runserver, migrate) and the web process name
    the command to run first."""
    environment = production_environment(tmp_path / "nothing-collected")
    for command in (["manage.py", "check"], ["manage.py", "migrate", "--plan"]):
        result = run(command, environment)
        assert result.returncode != 0, command
        assert "collectstatic" in result.stderr, (command, result.stderr)
    started = run(["-c", "import mpact.wsgi"], environment)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and "collectstatic" in started.stderr


def test_email_url_forms():
    smtp = env.parse_email_url("EMAIL_URL", "submission://user%40x.nl:p%3Ass@mail.x.nl")
    assert smtp["EMAIL_HOST"] == "mail.x.nl"
    assert smtp["EMAIL_PORT"] == 587
    assert smtp["EMAIL_USE_TLS"] is True
    assert (smtp["EMAIL_HOST_USER"], smtp["EMAIL_HOST_PASSWORD"]) == ("user@x.nl", "p:ss")
    assert env.parse_email_url("EMAIL_URL", "smtps://mail.x.nl")["EMAIL_USE_SSL"] is True
    assert env.parse_email_url("EMAIL_URL", "console://")["EMAIL_BACKEND"].endswith(
        "console.EmailBackend"
    )
    with pytest.raises(ImproperlyConfigured):
        env.parse_email_url("EMAIL_URL", "smtp://mail.x.nl:abc")


def test_booleans_and_lists(monkeypatch):
    monkeypatch.setenv("X_FLAG", "Yes")
    assert env.env_bool("X_FLAG") is True
    monkeypatch.setenv("X_LIST", "a.nl, b.nl,,")
    assert env.env_list("X_LIST", []) == ["a.nl", "b.nl"]
    monkeypatch.delenv("X_FLAG")
    assert env.env_bool("X_FLAG", default=True) is True


def test_production_settings_do_not_change_when_a_test_runner_is_imported(tmp_path):
    """Tests have their own module (mpact/test_settings.py); production's has no test switch."""
    code = (
        "import json, sys\n"
        "if sys.argv[1] == 'with': import pytest  # noqa\n"
        "from django.conf import settings\n"
        "import django; django.setup()\n"
        "print(json.dumps([settings.PUBLIC_PAGE_CACHE_SECONDS, settings.SECURE_SSL_REDIRECT,"
        " settings.STORAGES['staticfiles']['BACKEND'], settings.PASSWORD_HASHERS[0]]))\n"
    )
    environment = {
        **production_environment(tmp_path / "static"),
        "DJANGO_SETTINGS_MODULE": "mpact.settings",
    }
    seen = [run(["-c", code, flag], environment) for flag in ("with", "without")]
    assert all(result.returncode == 0 for result in seen), [r.stderr for r in seen]
    assert seen[0].stdout == seen[1].stdout
    assert '30, true, "whitenoise.storage.CompressedManifestStaticFilesStorage"' in seen[0].stdout
