"""Smoke test of the production deployment: gunicorn with two workers, YORISOI_ENV=production,
PostgreSQL with the connection pool, whitenoise for static files. CI runs it after `make test`
on PostgreSQL (.ci/run); by hand: `.venv/bin/python deploy/smoke.py`.

It builds a fresh database (SMOKE_DATABASE_URL, default yorisoi_smoke on 127.0.0.1:5432,
dropped and created again), migrates it, loads the master data, collects the static files,
creates one staff member with an authenticator (TOTP), starts gunicorn as
deploy/systemd/yorisoi-web.service does (deploy/gunicorn.conf.py, behind a proxy that says
HTTPS: YORISOI_TLS_AT_PROXY=1 and X-Forwarded-Proto), and then, over HTTP:

1. signs in on the screen with CSRF, then the second factor (a code computed from the key);
2. writes: registers a person through the API's browser door (session + CSRF);
3. reads: that person's page on the screen and in the API;
4. fetches the stylesheet under its hashed name, with a year's caching;
5. sends a burst of requests and counts the database's connections (pg_stat_activity): never
   more than workers × YORISOI_DB_POOL_MAX;
6. stops gunicorn and sees every connection closed.

Exits 1 at the first failure, with what went wrong; prints each step's time.
"""

import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import psycopg
from django_otp.oath import totp

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get(
    "SMOKE_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yorisoi_smoke"
)
WORKERS = 2
POOL_MAX = 2
USERNAME = "smoke-staff"
PASSWORD = secrets.token_urlsafe(16)
TOTP_KEY = secrets.token_hex(20)
FAMILY_NAME = "煙試験"

started = time.monotonic()


class SmokeFailed(Exception):
    pass


def step(message):
    print(f"[{time.monotonic() - started:5.1f}s] {message}", flush=True)


def check(condition, message):
    if not condition:
        raise SmokeFailed(message)


# --- the database -----------------------------------------------------------------------------


def admin_connection():
    """A connection to the server's maintenance database, to create, drop and watch ours."""
    parts = urlsplit(DATABASE_URL)
    return psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True)


def database_name() -> str:
    return urlsplit(DATABASE_URL).path.lstrip("/")


def fresh_database():
    name = database_name()
    check(re.fullmatch(r"[a-z_][a-z0-9_]*", name), f"unexpected database name {name!r}")
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database():
    with admin_connection() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{database_name()}" WITH (FORCE)')


def connections_to_database() -> int:
    with admin_connection() as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [database_name()],
        ).fetchone()
    return row[0]


# --- the app --------------------------------------------------------------------------------


def environment(work: Path, port: int) -> dict:
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("YORISOI_", "DATABASE_"))},
        "YORISOI_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": DATABASE_URL,
        "YORISOI_TLS_AT_PROXY": "1",
        "YORISOI_DB_POOL_MAX": str(POOL_MAX),
        "YORISOI_WEB_WORKERS": str(WORKERS),
        "YORISOI_BIND": f"127.0.0.1:{port}",
        "YORISOI_STATIC_ROOT": str(work / "static"),
        "YORISOI_MEDIA_ROOT": str(work / "media"),
        "YORISOI_AUDIT_ANCHOR_DIR": str(work / "anchors"),
        "MPLCONFIGDIR": str(work / "matplotlib"),
        "PYTHONUNBUFFERED": "1",
    }


def manage(env, *args):
    result = subprocess.run(  # noqa: S603 (this script's own arguments)
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    check(result.returncode == 0, f"manage.py {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


CREATE_USER = """
from django_otp.plugins.otp_totp.models import TOTPDevice
from yorisoi.accounts.models import Role, User
from yorisoi.directory.models import Agency
user = User(username={username!r}, display_name="スモーク試験", role=Role.STAFF,
            agency=Agency.objects.get(code="zaitaku-kaigo-01"))
user.set_password({password!r})
user.full_clean()
user.save()
TOTPDevice.objects.create(user=user, name="authenticator", key={key!r}, confirmed=True)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- a browser, as far as the smoke needs one ---------------------------------------------------


class Browser:
    """Cookies (Secure ones too: the proxy in front says HTTPS), CSRF, no redirects followed."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}
        self.origin = f"https://127.0.0.1:{port}"

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",  # as nginx sets it (deploy/nginx/yorisoi.conf)
            "Accept-Language": "ja",
            **(headers or {}),
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method != "GET":
            sent["Origin"] = self.origin
            sent["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response, content

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        page, content = self.get(path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', content)
        check(token is not None, f"no CSRF token in the form of {path} ({page.status})")
        body = urlencode({"csrfmiddlewaretoken": token.group(1).decode(), **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.origin}
        return self.request("POST", path, body, headers)

    def post_json(self, path, data):
        headers = {"Content-Type": "application/json", "Referer": self.origin}
        return self.request("POST", path, json.dumps(data).encode(), headers)


def wait_until_serving(port, server, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        check(server.poll() is None, f"gunicorn exited with {server.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SmokeFailed(f"gunicorn did not listen on port {port} within {seconds}s")


def drive(port):
    browser = Browser(port)

    step("sign in (password, then the second factor)")
    response, _ = browser.post_form(
        "/accounts/login/", {"username": USERNAME, "password": PASSWORD}
    )
    check(response.status == 302, f"login answered {response.status}, not a redirect")
    page, _ = browser.get("/")
    check(
        page.status == 302 and "/accounts/mfa/" in page.headers["Location"],
        f"the home page did not ask for the second factor ({page.status})",
    )
    code = totp(bytes.fromhex(TOTP_KEY))
    response, _ = browser.post_form("/accounts/mfa/", {"code": f"{code:06d}"})
    check(response.status == 302, f"the second factor answered {response.status}")
    home, _ = browser.get("/")
    check(home.status == 200, f"the home page answered {home.status} after signing in")

    step("write: register a person through the API (browser session, CSRF)")
    response, content = browser.post_json(
        "/api/v1/people",
        {"family_name": FAMILY_NAME, "given_name": "花子", "family_name_kana": "ケムリシケン",
         "given_name_kana": "ハナコ", "birth_date": "1980-04-01", "sex": "female"},
    )  # fmt: skip
    check(response.status == 201, f"POST /api/v1/people answered {response.status}: {content!r}")
    person_id = json.loads(content)["id"]

    step("read: the person's page and the API's record")
    page, content = browser.get(f"/people/{person_id}/")
    check(page.status == 200, f"the person's page answered {page.status}")
    check(FAMILY_NAME in content.decode(), "the person's page does not show the name")
    check(page.headers.get("Cache-Control") == "no-store", "a personal page may be cached")
    check("Strict-Transport-Security" in page.headers, "no HSTS header in production")
    response, content = browser.get(f"/api/v1/people/{person_id}")
    check(response.status == 200, f"GET /api/v1/people/… answered {response.status}")
    check(json.loads(content)["family_name"] == FAMILY_NAME, "the API returned another person")

    step("static: the stylesheet under its hashed name")
    _page, content = Browser(port).get("/accounts/login/")
    css = re.search(rb'href="(/static/[^"]+\.[0-9a-f]{12}\.css)"', content)
    check(css is not None, "the login page links no stylesheet with a hashed name")
    response, body = browser.get(css.group(1).decode())
    check(response.status == 200 and body, f"{css.group(1)!r} answered {response.status}")
    check(
        "max-age=315360000" in response.headers.get("Cache-Control", ""),
        f"hashed static files are not cached for long: {response.headers.get('Cache-Control')}",
    )

    step("no connection pile-up: a burst of 40 requests from 8 clients")
    pages = [f"/people/{person_id}/", "/", f"/api/v1/people/{person_id}", "/people/"]
    peak = 0

    def one(n):
        return browser.get(pages[n % len(pages)])[0].status

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = []
        for batch in range(5):
            statuses += list(pool.map(one, range(batch * 8, batch * 8 + 8)))
            peak = max(peak, connections_to_database())
    check(all(s == 200 for s in statuses), f"the burst answered {sorted(set(statuses))}")
    peak = max(peak, connections_to_database())
    limit = WORKERS * POOL_MAX
    check(peak <= limit, f"{peak} connections to the database, more than {limit}")
    return peak


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="yorisoi-smoke-"))
    port = free_port()
    env = environment(work, port)
    server = None
    try:
        step(f"fresh database {database_name()}: migrate")
        fresh_database()
        manage(env, "migrate", "--noinput")
        manage(env, "createcachetable")
        step("master data, collectstatic, a staff member with an authenticator")
        manage(env, "load_master")
        manage(env, "collectstatic", "--noinput")
        user = CREATE_USER.format(username=USERNAME, password=PASSWORD, key=TOTP_KEY)
        manage(env, "shell", "--no-imports", "-c", user)

        step(f"gunicorn: {WORKERS} workers on 127.0.0.1:{port}, YORISOI_ENV=production")
        log = (work / "gunicorn.log").open("w")
        server = subprocess.Popen(  # noqa: S603
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "yorisoi.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_until_serving(port, server)
        peak = drive(port)
        step(f"{connections_to_database()} connections open after the burst (peak {peak})")

        step("stop gunicorn (SIGTERM) and see the pools closed")
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=40)
        check(server.returncode == 0, f"gunicorn stopped with {server.returncode}")
        deadline = time.monotonic() + 10
        while (left := connections_to_database()) and time.monotonic() < deadline:
            time.sleep(0.2)
        check(left == 0, f"{left} connections still open after gunicorn stopped")
        step(
            f"smoke passed: at most {peak} database connections seen "
            f"(limit {WORKERS} workers × pool {POOL_MAX})"
        )
        return 0
    except (SmokeFailed, OSError, subprocess.SubprocessError, psycopg.Error) as failure:
        print(f"SMOKE FAILED: {failure}", file=sys.stderr)
        log_file = work / "gunicorn.log"
        if log_file.exists():
            print("--- gunicorn's log (last lines) ---", file=sys.stderr)
            print("\n".join(log_file.read_text().splitlines()[-40:]), file=sys.stderr)
        return 1
    finally:
        if server is not None and server.poll() is None:
            server.kill()
            server.wait()
        try:
            drop_database()
        except psycopg.Error as error:
            print(f"(could not drop {database_name()}: {error})", file=sys.stderr)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
