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


def test_database_url_selects_postgresql():
    result = load_settings(DATABASE_URL="postgres://postgres@127.0.0.1:5432/stemportal")
    assert result.returncode == 0, result.stderr
    _debug, engine, name, _hosts = result.stdout.split()
    assert engine == "django.db.backends.postgresql"
    assert name == "stemportal"
