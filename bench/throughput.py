"""Throughput under concurrent load (issue 16): gunicorn with production settings in front of a
generated city on PostgreSQL, 16 clients at once, each door beside a bare view measured in the
same run.

Run by hand: `.venv/bin/python bench/throughput.py --people 100000 --reuse`.

The city is bench/scale.py's (`<prefix>_<size>`, e.g. yorisoi_scale_100k, written by
`manage.py generate_city`; `--reuse` keeps one that is there). The server is started as
deploy/smoke.py starts it (deploy/gunicorn.conf.py, YORISOI_ENV=production, the connection pool,
static files collected, behind a proxy that says HTTPS), with `--workers` sync workers, and one
change: the URLconf adds a bare view (bench/throughput_urls.py), so that what the middleware
alone costs is measured by the same server. The API's rate limit is raised for the run
(YORISOI_API_RATE), or 16 clients of one user would be throttled after a few seconds.

The staff member and the coordinator of the city sign in for real: password, then the second
factor (an authenticator key set for the run). Then, door after door, `--connections` clients
send requests back to back for `--seconds`; printed per door: requests per second, its ratio to
the bare view's, p50/p95 latency and any answer that was not 200. The load average before and
after is printed too: the load generator shares the machine's cores with the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from common import PG_HOST, PG_PORT, PG_USER, ROOT, log
from scale import COORDINATOR, STAFF, label, prepare

sys.path.insert(0, str(ROOT / "deploy"))
import smoke  # deploy/ is not a package: its Browser, environment and waiting

PASSWORD = secrets.token_urlsafe(16)
TOTP_KEY = secrets.token_hex(20)

SIGN_IN_SETUP = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from yorisoi.accounts.models import ApiToken, User
for username in {usernames!r}:
    user = User.objects.get(username=username)
    user.set_password({password!r})
    user.save()
    TOTPDevice.objects.filter(user=user, name="bench").delete()
    TOTPDevice.objects.create(user=user, name="bench", key={key!r}, confirmed=True)
staff = User.objects.get(username={staff!r})
_, raw = ApiToken.issue(user=staff, name="bench-throughput", days=1)
from yorisoi.cases.models import Case
from yorisoi.people.models import Person
case = Case.objects.filter(lead_agency=staff.agency).order_by("id").first()
person = Person.objects.filter(agency=staff.agency).exclude(given_name="").order_by("id").first()
print("BENCH", raw, case.pk, person.family_name_kana, person.family_name + person.given_name)
"""
# What SIGN_IN_SETUP added goes again: the city stays as scale.py (force_login) expects it.
SIGN_IN_TEARDOWN = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from yorisoi.accounts.models import ApiToken
TOTPDevice.objects.filter(name="bench").delete()
ApiToken.objects.filter(name="bench-throughput").delete()
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="city size")
    parser.add_argument("--reuse", action="store_true", help="keep a database holding a city")
    parser.add_argument("--prefix", default="yorisoi_scale", help="database name prefix")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--connections", type=int, default=16, help="clients at once")
    parser.add_argument("--seconds", type=float, default=20.0, help="load per door")
    args = parser.parse_args()

    name = f"{args.prefix}_{label(args.people)}"
    url = f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    prepare(name, url, args.people, reuse=args.reuse)

    work = Path(tempfile.mkdtemp(prefix="yorisoi-throughput-"))
    port = smoke.free_port()
    env = server_environment(work, port, url, args.workers)
    smoke.manage(env, "createcachetable")
    smoke.manage(env, "collectstatic", "--noinput", "-v0")
    out = smoke.manage(
        env,
        "shell",
        "-c",
        SIGN_IN_SETUP.format(
            usernames=[STAFF, COORDINATOR], password=PASSWORD, key=TOTP_KEY, staff=STAFF
        ),
    )
    token, case_id, kana, kanji = next(
        line.split(" ", 4)[1:] for line in out.splitlines() if line.startswith("BENCH ")
    )
    server = subprocess.Popen(  # noqa: S603 (this script's own arguments)
        [str(smoke.BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "yorisoi.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        smoke.wait_until_serving(port, server)
        staff, coordinator = sign_in(port, STAFF), sign_in(port, COORDINATOR)
        api = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        search = json.dumps({"query": kana}).encode()
        form = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": staff.cookies.get("csrftoken", ""),
            "Origin": staff.origin,
            "Referer": f"{staff.origin}/people/",
        }
        # door: (browser, method, path, body, headers)
        doors = {
            "bare view": (staff, "GET", "/bench/bare", None, {}),
            "today (今日やること), staff": (staff, "GET", "/", None, {}),
            "today (今日やること), coordinator": (coordinator, "GET", "/", None, {}),
            "case page": (staff, "GET", f"/cases/{case_id}/", None, {}),
            "person list": (staff, "GET", "/people/", None, {}),
            "person search (kanji full name)": (
                staff,
                "POST",
                "/people/",
                urlencode({"q": kanji}).encode(),
                form,
            ),
            "API person search (kana)": (staff, "POST", "/api/v1/people/search", search, api),
            "API today": (staff, "GET", "/api/v1/today", None, api),
        }
        before = os.getloadavg()
        results = {door: hammer(doors[door], args.connections, args.seconds) for door in doors}
        after = os.getloadavg()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        smoke.manage(env, "shell", "-c", SIGN_IN_TEARDOWN)
        shutil.rmtree(work, ignore_errors=True)
    report(name, args, results, before, after)
    return 0


def server_environment(work: Path, port: int, url: str, workers: int) -> dict:
    env = smoke.environment(work, port)
    return env | {
        "DATABASE_URL": url,
        "YORISOI_WEB_WORKERS": str(workers),
        "YORISOI_DB_POOL_MAX": "2",
        "DJANGO_SETTINGS_MODULE": "throughput_settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "bench")]),
        "YORISOI_API_RATE": "1000000/m",
        "YORISOI_WEB_TIMEOUT": "120",
    }


def sign_in(port: int, username: str) -> smoke.Browser:
    """A session of `username`: password, then the second factor, as a person signs in."""
    from django_otp.oath import totp

    browser = smoke.Browser(port)
    response, _ = browser.post_form(
        "/accounts/login/", {"username": username, "password": PASSWORD}
    )
    smoke.check(response.status == 302, f"{username}: login answered {response.status}")
    code = totp(bytes.fromhex(TOTP_KEY))
    response, _ = browser.post_form("/accounts/mfa/", {"code": f"{code:06d}"})
    smoke.check(response.status == 302, f"{username}: second factor answered {response.status}")
    return browser


def hammer(door, connections: int, seconds: float) -> dict:
    """`connections` clients asking `door` back to back for `seconds`."""
    browser, method, path, body, headers = door
    deadline = time.monotonic() + seconds
    latencies, statuses, lock = [], {}, threading.Lock()

    def client():
        mine, seen = [], {}
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                response, _ = ask(browser, method, path, body, headers)
                status = response.status
            except (OSError, http.client.HTTPException):
                status = "connection error"
            mine.append((time.perf_counter() - started) * 1000)
            seen[status] = seen.get(status, 0) + 1
        with lock:
            latencies.extend(mine)
            for status, n in seen.items():
                statuses[status] = statuses.get(status, 0) + n

    started = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "per_second": statuses.get(200, 0) / elapsed,
        "p50": statistics.median(latencies),
        "p95": latencies[round(0.95 * (len(latencies) - 1))],
        "statuses": statuses,
    }


def ask(browser: smoke.Browser, method, path, body, headers):
    """browser.request without its cookie bookkeeping (threads share the session)."""
    conn = http.client.HTTPConnection("127.0.0.1", browser.port, timeout=120)
    sent = {
        "Host": f"127.0.0.1:{browser.port}",
        "X-Forwarded-Proto": "https",
        "Accept-Language": "ja",
        **headers,
    }
    if "Authorization" not in headers:
        sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    try:
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        return response, response.read()
    finally:
        conn.close()


def report(name, args, results, before, after) -> None:
    bare = results["bare view"]["per_second"]
    print(
        f"\n== {name}: gunicorn {args.workers} sync workers, production settings, "
        f"{args.connections} clients, {args.seconds:g} s a door; load average "
        f"{before[0]:.2f} {before[1]:.2f} {before[2]:.2f} before, "
        f"{after[0]:.2f} {after[1]:.2f} {after[2]:.2f} after"
    )
    print(f"   {'door':36s} {'req/s':>8s} {'× bare':>8s} {'p50 ms':>8s} {'p95 ms':>8s}  other")
    for door, r in results.items():
        other = {k: v for k, v in r["statuses"].items() if k != 200}
        print(
            f"   {door:36s} {r['per_second']:8.1f} {r['per_second'] / bare:8.2f} "
            f"{r['p50']:8.0f} {r['p95']:8.0f}  {other or ''}"
        )
    log("done")


if __name__ == "__main__":
    sys.exit(main())
