"""`make loadtest`: gunicorn under a bounded load, on the 100k catalogue.

    python -m benchmarks.loadtest [--size 100000] [--seconds 60] [--clients 50]

Serves the benchmark's PostgreSQL catalogue (built by `make bench`) with
gunicorn, production settings and WhiteNoise on 127.0.0.1, then runs wrk
(Debian package `wrk`) three times: the floor view alone, the catalogue list
alone, and the mixed traffic of the issue (list, filters, search and detail
pages) for `--seconds` with `--clients` concurrent connections, after one
timed first visit of each page (which fills the caches). Prints and writes
benchmarks/loadtest.json: requests a second, p50/p95 latency and errors
(socket errors and non-2xx answers) of each, and the first visits' times.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .run import HERE, database_url, production_env

PORT = 8099


def mixed_paths(env):
    """The mixed traffic: pages picked from the catalogue itself."""
    code = (
        "import django; django.setup()\n"
        "from benchmarks.harness import pages\n"
        "for name, urls in pages():\n"
        "    if name in {'list', 'list_filtered', 'search', 'search_filtered',"
        " 'detail'}:\n"
        "        print(name, *urls)\n"
    )
    output = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=HERE.parent,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    paths = {}
    for line in output.splitlines():
        name, *urls = line.split()
        paths[name] = urls
    # As many detail views as list views, the rest a page each in turn.
    mixed = []
    for index, detail in enumerate(paths["detail"][:20]):
        mixed.append(detail)
        mixed.append(
            paths[["list", "list_filtered", "search", "search_filtered"][index % 4]][0]
        )
    return mixed


def wrk(path_list, seconds, clients, threads=2):
    env = dict(os.environ, PATHS="\n".join(path_list))
    output = subprocess.run(
        [
            "wrk",
            f"--threads={threads}",
            f"--connections={clients}",
            f"--duration={seconds}s",
            "--timeout=10s",
            "--latency",
            f"--script={HERE / 'mixed.lua'}",
            f"http://127.0.0.1:{PORT}",
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    percentiles = {
        key: round(int(value) / 1000, 1)
        for key, value in re.findall(r"^(p50|p95)_us (\d+)$", output, re.M)
    }
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    socket_errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output)
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "requests": requests,
        "requests_per_second": float(
            re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)
        ),
        "p50_ms": percentiles.get("p50"),
        "p95_ms": percentiles.get("p95"),
        "errors": socket_errors + (int(non_2xx.group(1)) if non_2xx else 0),
        "output": output,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args(argv)

    env = production_env(database_url("postgresql", args.size))
    env["HTTPS"] = "0"  # wrk speaks plain HTTP to gunicorn on loopback
    paths = mixed_paths(env)
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "benchmarks.wsgi:application",
            f"--bind=127.0.0.1:{PORT}",
            f"--workers={args.workers}",
            "--access-logfile=-"
            if os.environ.get("ACCESS_LOG")
            else "--log-level=warning",
        ],
        env=env,
        cwd=HERE.parent,
    )
    try:
        for _ in range(60):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{PORT}/bench/floor/")
                break
            except OSError:
                time.sleep(0.5)
        # One visit of each page first, timed: the facets and counts of a
        # query are computed on its first visit after a change to the
        # catalogue, then cached. The runs below measure the steady state.
        warm_up_ms = {}
        for path in dict.fromkeys(["/initiatives/", *paths]):
            started = time.perf_counter()
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}{path}").read()
            warm_up_ms[path] = round((time.perf_counter() - started) * 1000, 1)
        short = max(10, args.seconds // 3)
        results = {
            "first_visit_ms": warm_up_ms,
            "size": args.size,
            "workers": args.workers,
            "clients": args.clients,
            "loadavg_before": os.getloadavg(),
            "floor": wrk(["/bench/floor/"], short, args.clients),
            "list": wrk(["/initiatives/"], short, args.clients),
            "mixed": wrk(paths, args.seconds, args.clients),
            "loadavg_after": os.getloadavg(),
            "mixed_paths": paths,
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    for name in ("floor", "list", "mixed"):
        result = results[name]
        print(
            f"{name:6} {result['requests_per_second']:8.1f} req/s  "
            f"p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  "
            f"{result['errors']} errors  ({result['requests']} requests)"
        )
    ratio = (
        results["list"]["requests_per_second"] / results["floor"]["requests_per_second"]
    )
    print(f"list throughput / floor throughput: 1/{1 / ratio:.1f}")
    results["list_to_floor_throughput"] = round(ratio, 4)
    (HERE / "loadtest.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
