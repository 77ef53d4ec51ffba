"""`make bench`: build synthetic catalogues and measure the pages on them.

    python -m benchmarks.run                       # the full run (see PLAN)
    python -m benchmarks.run --plan postgresql:100000 --requests 50
    python -m benchmarks.run --rebuild             # rebuild cached catalogues

Each catalogue lives in its own database, never the project's: PostgreSQL
databases ``stemportal_bench_<size>`` (created and dropped here, on the server
of BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres) and
SQLite files ``benchmarks/bench_<size>.sqlite3`` (gitignored). A built
catalogue is kept and reused while its size and generator version match;
--rebuild builds it again. Each (database, size) runs in a fresh process with
production settings (DEBUG off).

Writes benchmarks/results.json (one row per database, size and page) and
benchmarks/run-info.json (load average, CSV export memory, the ratios of the
targets), and prints a table.
"""

import argparse
import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
PLAN = ["postgresql:1000", "postgresql:10000", "postgresql:100000", "sqlite:10000"]
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
META_TABLE = "bench_meta"


def database_url(database, size):
    if database == "sqlite":
        return f"sqlite:///{HERE / f'bench_{size}.sqlite3'}"
    server = urlsplit(os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER))
    return urlunsplit(server._replace(path=f"/stemportal_bench_{size}"))


def production_env(url):
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        DEBUG="0",
        SECRET_KEY=env.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="stemportal.settings",
        API_THROTTLE_ANON="off",
        LOG_LEVEL="WARNING",
    )
    return env


# --- The worker: one database, one size, in its own process -----------------


def prepare_postgresql(size, rebuild):
    """Create the benchmark database (dropping it first with --rebuild)."""
    import psycopg2

    server = os.environ.get("BENCH_POSTGRES_URL", DEFAULT_SERVER)
    name = f"stemportal_bench_{size}"
    connection = psycopg2.connect(server)
    connection.autocommit = True
    with connection.cursor() as cursor:
        if rebuild:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()


def signature(size):
    from .synthetic import GENERATOR_VERSION

    return f"size={size} generator={GENERATOR_VERSION}"


def built_signature(connection):
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {META_TABLE} (key VARCHAR(50) PRIMARY KEY, "
            "value VARCHAR(200))"
        )
        cursor.execute(f"SELECT value FROM {META_TABLE} WHERE key = 'signature'")
        row = cursor.fetchone()
    return row[0] if row else None


def worker(database, size, requests, rebuild, only, export, output):
    if database == "postgresql":
        prepare_postgresql(size, rebuild)
    elif rebuild:
        (HERE / f"bench_{size}.sqlite3").unlink(missing_ok=True)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from . import harness, synthetic

    settings.ROOT_URLCONF = "benchmarks.urls"
    call_command("migrate", verbosity=0)
    if built_signature(connection) != signature(size):
        # A partial or older build: start from empty tables.
        call_command("flush", interactive=False, verbosity=0)
        print(f"  building {size} synthetic initiatives ({database})", flush=True)
        started = time.perf_counter()
        synthetic.build(size)
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {META_TABLE}")
            cursor.execute(
                f"INSERT INTO {META_TABLE} VALUES ('signature', %s)", [signature(size)]
            )
        print(f"  built in {time.perf_counter() - started:.0f} s", flush=True)
    rows, facts = harness.run(database, size, requests, only=only, export=export)
    Path(output).write_text(json.dumps({"rows": rows, "facts": facts}))


# --- The orchestrator ----------------------------------------------------------


def table(rows):
    floors = {
        (row["database"], row["initiatives"]): row["p50_ms"]
        for row in rows
        if row["page"] == "floor"
    }
    lines = [
        f"{'database':10} {'size':>7} {'page':16} {'p50 ms':>8} {'p95 ms':>8} "
        f"{'queries':>7} {'x floor':>8}"
    ]
    for row in rows:
        floor = floors.get((row["database"], row["initiatives"]))
        ratio = f"{row['p50_ms'] / floor:8.1f}" if floor else ""
        lines.append(
            f"{row['database']:10} {row['initiatives']:>7} {row['page']:16} "
            f"{row['p50_ms']:8.1f} {row['p95_ms']:8.1f} {row['queries']:7d} {ratio}"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--plan",
        nargs="+",
        default=PLAN,
        help="database:size pairs (default: %(default)s)",
    )
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--only", nargs="*", help="measure only these pages")
    parser.add_argument("--no-export", action="store_true")
    parser.add_argument(
        "--output",
        default=str(HERE / "results.json"),
        help="where the rows go (default: %(default)s)",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-output", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        database, size = args.worker.split(":")
        worker(
            database,
            int(size),
            args.requests,
            args.rebuild,
            args.only,
            not args.no_export,
            args.worker_output,
        )
        return

    rows, facts = [], []
    started = time.perf_counter()
    # Production settings serve hashed, compressed static files: collect them.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        check=True,
        env=production_env(database_url("sqlite", 0)),
        cwd=HERE.parent,
    )
    for item in args.plan:
        database, size = item.split(":")
        print(f"{database} at {size} initiatives", flush=True)
        partial = HERE / f".partial-{database}-{size}.json"
        command = [
            sys.executable,
            "-m",
            "benchmarks.run",
            "--worker",
            item,
            "--worker-output",
            str(partial),
            "--requests",
            str(args.requests),
        ]
        if args.rebuild:
            command.append("--rebuild")
        if args.no_export:
            command.append("--no-export")
        if args.only:
            command += ["--only", *args.only]
        subprocess.run(
            command,
            check=True,
            env=production_env(database_url(database, int(size))),
            cwd=HERE.parent,
        )
        result = json.loads(partial.read_text())
        partial.unlink()
        rows += result["rows"]
        facts.append(result["facts"])
    print()
    print(table(rows))
    Path(args.output).write_text(json.dumps(rows, indent=2) + "\n")
    info = Path(args.output).with_name(Path(args.output).stem + "-info.json")
    info.write_text(
        json.dumps(
            {"runs": facts, "seconds": round(time.perf_counter() - started)},
            indent=2,
        )
        + "\n"
    )
    print(f"\nWrote {args.output} and {info} in {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
