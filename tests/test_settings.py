"""Settings come from the environment and refuse unsafe production setups."""

import os
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def load_settings(**env):
    """Import the settings in a fresh interpreter with only these variables."""
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    clean_env.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "from stemportal import settings as s; "
            "print(s.DEBUG, s.DATABASES['default']['ENGINE'], "
            "s.DATABASES['default']['NAME'], ','.join(s.ALLOWED_HOSTS))",
        ],
        cwd=PROJECT,
        env=clean_env,
        capture_output=True,
        text=True,
    )


def test_debug_off_without_secret_key_refuses_to_start():
    result = load_settings(DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_off_with_secret_key_starts():
    result = load_settings(DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="stem.example")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == "False"
    assert result.stdout.split()[-1] == "stem.example"


def test_nothing_set_runs_in_debug_on_sqlite_in_the_project_folder():
    result = load_settings()
    assert result.returncode == 0, result.stderr
    debug, engine, name, _hosts = result.stdout.split()
    assert debug == "True"
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == PROJECT / "db.sqlite3"


def test_an_empty_database_url_means_the_default_sqlite_file():
    result = load_settings(DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    _debug, engine, name, _hosts = result.stdout.split()
    assert engine == "django.db.backends.sqlite3"
    assert Path(name) == PROJECT / "db.sqlite3"


def test_database_url_selects_postgresql():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/stemportal")
    assert result.returncode == 0, result.stderr
    _debug, engine, name, _hosts = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert name == "stemportal"


PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "a-long-random-production-key-" + "k7Q2x9Lm" * 6,
    "ALLOWED_HOSTS": "stem.example",
}


def run_manage(*args, **env):
    clean_env = {
        key: value
        for key, value in os.environ.items()
        # DJANGO_ALLOW_ASYNC_UNSAFE is set by the browser tests' conftest for the
        # test process only; check --deploy rightly refuses it (async.E001).
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "HTTPS",
            "ADMIN_URL",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    clean_env.update(env)
    # `shell -c` prints what it imported first: answers are on the last line.
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=clean_env,
        capture_output=True,
        text=True,
    )


def test_check_deploy_reports_nothing_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_check_deploy_warns_when_https_is_turned_off():
    """The clean result above comes from the HTTPS settings, not from silence."""
    result = run_manage("check", "--deploy", **PRODUCTION, HTTPS="0")
    assert "security.W008" in result.stderr  # no SSL redirect
    assert "security.W012" in result.stderr  # session cookie not secure


def test_production_turns_on_https_hsts_and_secure_cookies():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
        "s.SECURE_PROXY_SSL_HEADER)",
        **PRODUCTION,
        SECURE_HSTS_PRELOAD="0",
        SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "True True True True True 31536000 True False "
        "('HTTP_X_FORWARDED_PROTO', 'https')"
    )


def test_debug_default_serves_plain_http_for_local_development():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings as s; "
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER)",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False 0 None"


def test_admin_path_comes_from_the_environment():
    result = run_manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        ADMIN_URL="/editors-7f3a/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "/editors-7f3a/"


def test_a_save_in_one_server_process_reaches_the_facet_cache_of_another(tmp_path):
    """Cached facet counts are dropped for every process, not only the saver."""
    env = {
        "CACHE_DIR": str(tmp_path / "cache"),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'catalogue.sqlite3'}",
    }
    read = (
        "from initiatives.facets import catalogue_version; print(catalogue_version())"
    )
    first = run_manage("shell", "-c", read, **env)
    assert first.returncode == 0, first.stderr
    again = run_manage("shell", "-c", read, **env)
    assert again.stdout.split()[-1] == first.stdout.split()[-1]

    saved = run_manage(
        "shell",
        "-c",
        "from initiatives.facets import catalogue_changed; catalogue_changed()",
        **env,
    )
    assert saved.returncode == 0, saved.stderr
    after = run_manage("shell", "-c", read, **env)
    assert after.stdout.split()[-1] != first.stdout.split()[-1]

    # Another database never shares the cache's entries.
    other = run_manage(
        "shell",
        "-c",
        read,
        **{**env, "DATABASE_URL": f"sqlite:///{tmp_path / 'other.sqlite3'}"},
    )
    assert other.stdout.split()[-1] != after.stdout.split()[-1]
