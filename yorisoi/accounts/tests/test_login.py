"""Japanese login, logout, inactivity expiry, Argon2, and throttling by django-axes."""

import importlib
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from yorisoi.accounts.middleware import REFRESHED_AT
from yorisoi.accounts.models import Role, User
from yorisoi.directory.models import Agency

PASSWORD = "correct-horse-battery-staple"


def test_login_page_is_japanese_and_public(db):
    response = Client().get(reverse("accounts:login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ja">' in body
    assert "ログイン" in body and "利用者ID" in body and "パスワード" in body


def test_pages_require_login(db):
    response = Client().get(reverse("people:person_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_and_logout(hana):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("front:home")).status_code == 200
    client.post(reverse("accounts:logout"))
    assert client.get(reverse("front:home")).status_code == 302


def test_wrong_password_gives_a_japanese_message(hana):
    response = Client().post(reverse("accounts:login"), {"username": "hana", "password": "x"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_account_even_with_the_right_password(hana):
    client = Client()
    for _ in range(3):
        client.post(reverse("accounts:login"), {"username": "hana", "password": "wrong"})
    response = client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    assert response.status_code == 429
    assert "ログインを一時停止しています" in response.content.decode()
    assert client.get(reverse("front:home")).status_code == 302


def _sign_in(username, password, address, forwarded=None):
    headers = {"REMOTE_ADDR": address}
    if forwarded:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return Client().post(
        reverse("accounts:login"), {"username": username, "password": password}, **headers
    )


@override_settings(AXES_FAILURE_LIMIT=3)
def test_guessing_one_users_password_from_many_addresses_locks_the_account(hana):
    for n in range(3):
        _sign_in("hana", "wrong", f"10.0.0.{n + 1}")
    assert _sign_in("hana", PASSWORD, "10.0.0.99").status_code == 429


@override_settings(AXES_FAILURE_LIMIT=3)
def test_password_spraying_from_one_address_locks_the_address(hana, saki):
    for username in ("tanaka", "suzuki", "saki"):
        _sign_in(username, "Winter2026!", "10.0.0.66")
    assert _sign_in("hana", PASSWORD, "10.0.0.66").status_code == 429
    assert _sign_in("hana", PASSWORD, "10.0.0.67").status_code == 302  # others sign in


@override_settings(AXES_FAILURE_LIMIT=3, YORISOI_TRUSTED_PROXIES=1)
def test_behind_the_proxy_each_client_is_throttled_by_its_own_address(hana, saki):
    for username in ("tanaka", "suzuki", "saki"):
        _sign_in(username, "x", "10.1.1.1", forwarded="192.0.2.10")
    assert _sign_in("hana", PASSWORD, "10.1.1.1", forwarded="192.0.2.10").status_code == 429
    assert _sign_in("hana", PASSWORD, "10.1.1.1", forwarded="192.0.2.11").status_code == 302


@override_settings(AXES_FAILURE_LIMIT=3)
def test_a_forged_forwarded_header_does_not_dodge_the_lock_without_a_trusted_proxy(hana):
    for n in range(3):
        _sign_in(f"user{n}", "x", "10.0.0.5", forwarded=f"198.51.100.{n}")
    assert _sign_in("hana", PASSWORD, "10.0.0.5", forwarded="198.51.100.77").status_code == 429


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_a_read_within_a_minute_does_not_write_the_session(hana):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    client.get(reverse("front:home"))
    expiry = _expiry(client)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("front:home")).status_code == 200
    assert not [q for q in queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert _expiry(client) == expiry


def test_a_read_after_a_minute_pushes_the_idle_expiry_forward(hana):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    session = client.session
    session[REFRESHED_AT] = int(time.time()) - settings.YORISOI_SESSION_REFRESH_SECONDS - 1
    session.save()
    Session.objects.filter(session_key=session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=5)
    )
    assert client.get(reverse("front:home")).status_code == 200
    assert _expiry(client) > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_session_ends_after_thirty_idle_minutes(hana):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("front:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_an_anonymous_visit_creates_no_session(db):
    client = Client()
    client.get(reverse("accounts:login"))
    assert Session.objects.count() == 0


def test_passwords_are_hashed_with_argon2():
    # tests swap in a fast hasher; the real configuration is read from the settings module
    real = importlib.import_module("yorisoi.settings")
    assert real.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    encoded = Argon2PasswordHasher().encode(PASSWORD, Argon2PasswordHasher().salt())
    assert encoded.startswith("argon2$argon2id$")


@pytest.mark.parametrize(
    "role, agency_code, error_field",
    [
        (Role.COORDINATOR, "zaitaku-kaigo-01", "role"),  # coordinator outside 福祉総務課
        (Role.VOLUNTEER, "zaitaku-kaigo-01", "role"),  # 民生委員 outside a council
        (Role.STAFF, "minsei-iin-tomisuhara", "role"),  # staff inside a council
        (Role.STAFF, None, "agency"),  # everyone but the administrator belongs to an agency
    ],
)
def test_role_must_fit_the_agency(master, role, agency_code, error_field):
    agency = Agency.objects.get(code=agency_code) if agency_code else None
    user = User(username="x", role=role, agency=agency)
    user.set_unusable_password()
    with pytest.raises(ValidationError) as exc:
        user.full_clean()
    assert error_field in exc.value.message_dict


def test_createsuperuser_makes_an_administrator(db):
    user = User.objects.create_superuser("root", password=PASSWORD)
    assert user.role == Role.ADMIN
    assert not user.reads_personal_records


def test_an_expired_session_sends_the_user_back_to_the_login_page(hana):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    assert client.get(reverse("people:person_list")).status_code == 200
    Session.objects.update(expire_date=timezone.now() - timezone.timedelta(seconds=1))
    response = client.get(reverse("people:person_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
