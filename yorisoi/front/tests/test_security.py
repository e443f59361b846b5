"""Security from day one: CSP, headers, no caching of personal pages, `check --deploy` clean."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from yorisoi.testing import client_for

ROOT = Path(__file__).resolve().parents[3]


def test_strict_content_security_policy(db, client):
    csp = client.get(reverse("accounts:login"))["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp


def test_no_inline_scripts_or_styles_in_templates():
    templates = list((ROOT / "yorisoi" / "templates").rglob("*.html"))
    assert templates
    for path in templates:
        text = path.read_text(encoding="utf-8")
        assert "<style" not in text, path
        assert " style=" not in text, path
        assert not re.search(r"<script(?![^>]*\ssrc=)", text), path  # only external scripts
        assert not re.search(r"\s(on[a-z]+|hx-on[:-][\w:-]*)=", text), path  # no inline handlers


def test_security_headers(db, client):
    response = client.get(reverse("accounts:login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_with_personal_data_are_never_cached(hana):
    response = client_for(hana).get(reverse("people:person_list"))
    assert response["Cache-Control"] == "no-store"


def _manage(*args, env):
    """manage.py in a process of its own, with `env` for its environment."""
    return subprocess.run(  # noqa: S603 (the arguments are this module's own)
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize(
    "database",
    [
        # As deploy/systemd/yorisoi-web.service runs it: PostgreSQL with the pool, behind nginx.
        # (check --deploy never connects: the database need not exist.)
        {
            "DATABASE_URL": "postgres://yorisoi@db.example.jp:5432/yorisoi",
            "YORISOI_TLS_AT_PROXY": "1",
        },
        {"DATABASE_URL": "sqlite:///db.sqlite3"},
    ],
    ids=["postgresql-behind-proxy", "sqlite"],
)
def test_check_deploy_is_clean_under_production_settings(database):
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("YORISOI_", "DATABASE_"))},
        "YORISOI_ENV": "production",
        "SECRET_KEY": "x" * 64 + "-production-like-secret-key-for-the-check-only",
        "ALLOWED_HOSTS": "yorisoi.example.jp",
        "DJANGO_SETTINGS_MODULE": "yorisoi.settings",
        **database,
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests, never in production
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "YORISOI_ENV": "production", "ALLOWED_HOSTS": "x.example.jp"}
    env.pop("SECRET_KEY", None)
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
