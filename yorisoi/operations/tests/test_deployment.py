"""The production deployment (issue 13, item 6): settings.py under YORISOI_ENV=production, and
the files in deploy/ that run it. deploy/smoke.py drives the real thing (gunicorn, PostgreSQL)
in CI; these tests read the settings each environment gives, each in a process of its own
(settings.py reads the environment once, when imported).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PG = "postgres://yorisoi@db.example.jp:5432/yorisoi"
PRODUCTION = {
    "YORISOI_ENV": "production",
    "SECRET_KEY": "x" * 64 + "-production-like-secret-key-for-the-test-only",
    "ALLOWED_HOSTS": "yorisoi.example.jp",
}
READ = """
import json
from yorisoi import settings as s
db = s.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "conn_max_age": db["CONN_MAX_AGE"],
    "pool": db.get("OPTIONS", {}).get("pool"),
    "proxy_ssl_header": getattr(s, "SECURE_PROXY_SSL_HEADER", None),
    "default_storage": s.STORAGES["default"], "static": s.STORAGES["staticfiles"]["BACKEND"],
    "static_root": str(s.STATIC_ROOT),
    "cache": getattr(s, "CACHES", {}).get("default", {}).get("BACKEND", "(Django's locmem)"),
}))
"""


def _settings(**env):
    """settings.py as a process started with `env` (and nothing of this one's YORISOI_ or
    database settings) sees it, or the error it stops with."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("YORISOI_", "DATABASE_"))}
    result = subprocess.run(  # noqa: S603 (the arguments are this module's own)
        [sys.executable, "-c", READ],
        cwd=ROOT,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    if result.returncode:
        return result.stderr.strip().splitlines()[-1]
    return json.loads(result.stdout)


def test_the_development_server_keeps_no_connection_per_thread():
    # runserver serves each request on a thread of its own: a connection kept per thread piled
    # up until PostgreSQL refused new clients. Each request closes its connection instead.
    for env in ({}, {"DATABASE_URL": PG}):
        seen = _settings(**env)
        assert seen["conn_max_age"] == 0
        assert seen["pool"] is None


def test_production_on_postgresql_holds_a_small_pool_per_process():
    seen = _settings(**PRODUCTION, DATABASE_URL=PG)
    assert seen["engine"] == "django.db.backends.postgresql"
    assert seen["conn_max_age"] == 0  # Django refuses persistent connections beside a pool
    assert seen["pool"] == {"min_size": 1, "max_size": 2, "timeout": 10}
    sized = _settings(
        **PRODUCTION, DATABASE_URL=PG, YORISOI_DB_POOL_MIN="9", YORISOI_DB_POOL_MAX="4"
    )
    assert sized["pool"]["min_size"] == sized["pool"]["max_size"] == 4
    # Off, for a PgBouncer in front.
    assert _settings(**PRODUCTION, DATABASE_URL=PG, YORISOI_DB_POOL_MAX="0")["pool"] is None


def test_production_on_sqlite_has_no_pool():
    seen = _settings(**PRODUCTION)
    assert seen["engine"] == "django.db.backends.sqlite3"
    assert seen["pool"] is None


def test_the_forwarded_scheme_is_believed_only_behind_a_proxy_that_sets_it():
    assert _settings(**PRODUCTION)["proxy_ssl_header"] is None
    behind = _settings(**PRODUCTION, YORISOI_TLS_AT_PROXY="1")
    assert behind["proxy_ssl_header"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_static_files_get_hashed_names_in_production():
    seen = _settings(**PRODUCTION, YORISOI_STATIC_ROOT="/srv/yorisoi/static")
    assert seen["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert seen["static_root"] == "/srv/yorisoi/static"


def test_uploaded_files_go_to_local_disk_or_s3():
    assert _settings()["default_storage"]["BACKEND"].endswith("FileSystemStorage")
    s3 = _settings(
        YORISOI_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="yorisoi-files",
        AWS_S3_ENDPOINT_URL="https://s3.example.jp",
    )["default_storage"]
    assert s3["BACKEND"] == "storages.backends.s3.S3Storage"
    assert s3["OPTIONS"]["bucket_name"] == "yorisoi-files"
    assert s3["OPTIONS"]["endpoint_url"] == "https://s3.example.jp"
    assert s3["OPTIONS"]["default_acl"] is None  # the bucket stays private
    assert s3["OPTIONS"]["querystring_auth"] is True


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"YORISOI_STORAGE": "s3"}, "AWS_STORAGE_BUCKET_NAME must be set"),
        ({"YORISOI_STORAGE": "ftp"}, "YORISOI_STORAGE must be 'local' or 's3'"),
    ],
)
def test_a_misconfigured_storage_stops_the_start(env, message):
    seen = _settings(**PRODUCTION, **env)
    assert "ImproperlyConfigured" in seen and message in seen


# --- deploy/ ------------------------------------------------------------------------------


def _gunicorn_config(**env) -> dict:
    code = (
        "import json, runpy; c = runpy.run_path('deploy/gunicorn.conf.py'); "
        "print(json.dumps({k: v for k, v in c.items() if isinstance(v, (int, str, bool))}))"
    )
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return json.loads(result.stdout)


def test_gunicorn_forks_before_loading_the_app_so_each_worker_opens_its_own_pool():
    config = _gunicorn_config(YORISOI_WEB_WORKERS="3", YORISOI_BIND="127.0.0.1:8123")
    assert config["preload_app"] is False
    assert config["workers"] == 3 and config["bind"] == "127.0.0.1:8123"
    assert config["worker_class"] == "sync"
    # The access log carries no query string (search terms are names) and no client address.
    assert "%(q)s" not in config["access_log_format"] and "%(U)s" in config["access_log_format"]
    assert "%(h)s" not in config["access_log_format"]


def test_the_systemd_units_run_the_app_in_production_mode():
    web = (ROOT / "deploy" / "systemd" / "yorisoi-web.service").read_text(encoding="utf-8")
    worker = (ROOT / "deploy" / "systemd" / "yorisoi-worker.service").read_text(encoding="utf-8")
    for unit in (web, worker):
        assert "Environment=YORISOI_ENV=production" in unit
        assert "EnvironmentFile=/etc/yorisoi/env" in unit
        assert "NoNewPrivileges=true" in unit
    assert "gunicorn -c deploy/gunicorn.conf.py yorisoi.wsgi" in web
    assert "Environment=YORISOI_TLS_AT_PROXY=1" in web
    assert "Environment=YORISOI_TRUSTED_PROXIES=1" in web  # nginx's X-Forwarded-For
    assert "manage.py db_worker" in worker
    assert (ROOT / "deploy" / "gunicorn.conf.py").exists() and (
        ROOT / "yorisoi" / "wsgi.py"
    ).exists()


def test_the_proxy_overwrites_the_headers_the_app_believes():
    nginx = (ROOT / "deploy" / "nginx" / "yorisoi.conf").read_text(encoding="utf-8")
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "return 301 https://" in nginx
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in nginx
    # Past its own body limit, nginx answers the API's JSON under /api/ (and a page elsewhere).
    assert "error_page 413 @too_large_json;" in nginx and '"code": "request_too_large"' in nginx


def test_production_counts_api_calls_in_one_cache_for_every_worker():
    # A cache per process would let each gunicorn worker grant a user the whole rate again.
    assert _settings(**PRODUCTION, DATABASE_URL=PG)["cache"].endswith("db.DatabaseCache")
    assert _settings()["cache"] == "(Django's locmem)"  # development: nothing to set up
