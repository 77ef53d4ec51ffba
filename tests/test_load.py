"""Under load: public reads and admin saves at once, against gunicorn.

For LOAD_SECONDS (60 by default) several threads read public pages, feeds,
exports and the API while editor threads log into the admin and save
initiatives through the real change form (CSRF token, every inline, the
version field once there is one). Afterwards: not one error, and every save is
in the database with its history.

The site runs as in production (gunicorn, DEBUG off, collected static files)
on a loopback port, against a database this test prepares: an SQLite file in a
temporary folder, or, when the suite runs on PostgreSQL, a database of its own
next to the test database (pytest-django's test database is not reachable from
another process).
"""

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import dj_database_url
import pytest
import requests
from django.conf import settings

from tests.admin_forms import form_values

PROJECT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DURATION = float(os.environ.get("LOAD_SECONDS", "60"))
READERS = 4
EDITORS = 3
PASSWORD = "a-long-load-test-password"

PUBLIC_PATHS = [
    "/",
    "/initiatives/",
    "/initiatives/?country=be&education_level=vet",
    "/initiatives/?q=stem&sort=relevance",
    "/initiatives/?kind=programme&sort=-year_start&page=1",
    "/initiatives/stem-agenda-2030/",
    "/countries/",
    "/countries/be/",
    "/organisations/",
    "/organisations/vdab/",
    "/initiatives/feed/",
    "/countries/be/feed/atom/",
    "/initiatives/export.csv",
    "/initiatives/export.json?country=be",
    "/api/initiatives/",
    "/api/initiatives/?country=be",
    "/api/countries/be/",
    "/sitemap.xml",
]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_database_url(tmp_path):
    """A database of the test's own, on the engine the suite runs on."""
    default = settings.DATABASES["default"]
    if default["ENGINE"] != "django.db.backends.postgresql":
        return f"sqlite:///{tmp_path / 'load.sqlite3'}"
    import psycopg2

    name = f"{default['TEST'].get('NAME') or 'test_' + default['NAME']}_load"
    params = {
        "dbname": "postgres",
        "user": default["USER"],
        "password": default["PASSWORD"],
        "host": default["HOST"],
        "port": default["PORT"] or 5432,
    }
    admin = psycopg2.connect(**{k: v for k, v in params.items() if v})
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    parsed = dj_database_url.parse(os.environ["DATABASE_URL"])
    return (
        f"postgres://{parsed['USER']}"
        + (f":{parsed['PASSWORD']}" if parsed["PASSWORD"] else "")
        + f"@{parsed['HOST'] or '127.0.0.1'}:{parsed['PORT'] or 5432}/{name}"
    )


@pytest.fixture
def site(tmp_path):
    """gunicorn serving StemPortal on a prepared database: (url, env)."""
    env = {
        **os.environ,
        "DATABASE_URL": load_database_url(tmp_path),
        "CACHE_DIR": str(tmp_path / "cache"),
        "DEBUG": "0",
        "HTTPS": "0",  # plain HTTP on the loopback interface
        "SECRET_KEY": "load-test-secret-key-" + "x" * 40,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "API_THROTTLE_ANON": "off",
        "LOG_LEVEL": "WARNING",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    manage("migrate", "--noinput", "-v0")
    manage("load_catalogue", "-v0")
    manage("collectstatic", "--noinput", "-v0")
    manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User\n"
        f"for n in range({EDITORS}):\n"
        f"    User.objects.create_superuser(f'editor{{n}}', '', '{PASSWORD}')",
    )
    port = free_port()
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "stemportal.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--timeout",
            "60",
            "--error-logfile",
            str(tmp_path / "gunicorn.log"),
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                requests.get(url + "/robots.txt", timeout=10)
                break
            except requests.RequestException:
                time.sleep(0.2)
        yield url, manage, tmp_path / "gunicorn.log"
    finally:
        server.terminate()
        server.wait(timeout=30)


class Run:
    """What the threads did: counts and every error, thread-safely."""

    def __init__(self):
        self.lock = threading.Lock()
        self.reads = Counter()
        self.errors = []
        self.saves = {}  # slug -> summaries saved, in order

    def error(self, message):
        with self.lock:
            self.errors.append(message)


def reader(url, run, stop, offset):
    session = requests.Session()
    n = offset
    while not stop.is_set():
        path = PUBLIC_PATHS[n % len(PUBLIC_PATHS)]
        n += 1
        try:
            response = session.get(url + path, timeout=30)
        except requests.RequestException as error:
            run.error(f"GET {path}: {error}")
            continue
        if response.status_code != 200:
            run.error(f"GET {path}: {response.status_code}")
        with run.lock:
            run.reads[path] += 1


def editor(url, run, stop, number, slugs, pks):
    session = requests.Session()
    admin = f"{url}/{settings.ADMIN_URL}"
    login = session.get(admin + "login/", timeout=30)
    response = session.post(
        admin + "login/",
        data={
            "username": f"editor{number}",
            "password": PASSWORD,
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": admin,
        },
        timeout=30,
    )
    if login.status_code != 200 or "sessionid" not in session.cookies:
        run.error(f"editor{number} could not log in: {response.status_code}")
        return
    n = 0
    while not stop.is_set():
        slug = slugs[n % len(slugs)]
        n += 1
        change = f"{admin}initiatives/initiative/{pks[slug]}/change/"
        try:
            form = session.get(change, timeout=30)
            data = form_values(form.text)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            summary = f"Edited under load by editor{number}, save {n}."
            data.update(
                summary=summary, csrfmiddlewaretoken=csrf.group(1), _save="Save"
            )
            saved = session.post(
                change, data=data, headers={"Referer": change}, timeout=30
            )
        except (requests.RequestException, AttributeError) as error:
            run.error(f"editor{number} saving {slug}: {error}")
            continue
        if saved.status_code != 200 or saved.url == change:
            # A refused form comes back (200 on the same page) with errors.
            errors = re.findall(r'class="errorlist[^"]*">(.*?)</ul>', saved.text)
            run.error(f"editor{number} saving {slug}: {saved.status_code} {errors}")
            continue
        with run.lock:
            run.saves.setdefault(slug, []).append(summary)


READ_BACK = """
import json
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from initiatives.models import Initiative

state = {}
for initiative in Initiative.objects.all():
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Initiative),
        object_id=str(initiative.pk),
        action_flag=CHANGE,
    ).count()
    versions = None
    if apps.is_installed("reversion"):
        from reversion.models import Version

        versions = Version.objects.get_for_object(initiative).count()
    state[initiative.slug] = {
        "pk": initiative.pk,
        "summary": initiative.summary,
        "log_entries": entries,
        "versions": versions,
    }
print("STATE" + json.dumps(state))
"""


def read_state(manage):
    output = manage("shell", "-c", READ_BACK)
    return json.loads(output.split("STATE", 1)[1])


def test_reads_and_admin_saves_under_load_lose_nothing(site):
    url, manage, log = site
    before = read_state(manage)
    slugs = sorted(before)
    pks = {slug: before[slug]["pk"] for slug in slugs}
    run = Run()
    stop = threading.Event()
    threads = [
        threading.Thread(target=reader, args=(url, run, stop, n * 5))
        for n in range(READERS)
    ] + [
        # Each editor has initiatives of their own: no two edit the same one.
        threading.Thread(
            target=editor, args=(url, run, stop, n, slugs[n::EDITORS], pks)
        )
        for n in range(EDITORS)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    time.sleep(DURATION)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    elapsed = time.monotonic() - started

    reads = sum(run.reads.values())
    saves = sum(len(saved) for saved in run.saves.values())
    print(
        f"\n{elapsed:.0f} s: {reads} reads ({reads / elapsed:.1f}/s), "
        f"{saves} admin saves ({saves / elapsed:.1f}/s), {len(run.errors)} errors"
    )
    assert not run.errors, run.errors[:20]
    # Every path was read and every editor saved (rates depend on the machine).
    assert set(run.reads) == set(PUBLIC_PATHS)
    editors_who_saved = {
        summary.split()[4] for s in run.saves.values() for summary in s
    }
    assert len(editors_who_saved) == EDITORS

    after = read_state(manage)
    for slug, summaries in run.saves.items():
        # The last save is what the initiative says now...
        assert after[slug]["summary"] == summaries[-1], slug
        # ...and every save is in its history.
        added = after[slug]["log_entries"] - before[slug]["log_entries"]
        assert added == len(summaries), slug
        if after[slug]["versions"] is not None:
            added = after[slug]["versions"] - (before[slug]["versions"] or 0)
            assert added == len(summaries), slug
    server_log = log.read_text()
    assert "Traceback" not in server_log, server_log[-3000:]
