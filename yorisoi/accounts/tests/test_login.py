"""Japanese login, logout, inactivity expiry, Argon2, and throttling by django-axes."""

import importlib

import pytest
from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse

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


def test_session_expires_after_inactivity():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST is True  # each request restarts the idle clock


def test_session_cookie_max_age_is_refreshed_on_each_request(hana):
    client = Client()
    client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    response = client.get(reverse("front:home"))
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] in ("", 1800)


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


def test_each_request_pushes_the_expiry_forward(hana):
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.post(reverse("accounts:login"), {"username": "hana", "password": PASSWORD})
    Session.objects.update(expire_date=timezone.now() + timezone.timedelta(seconds=60))
    client.get(reverse("front:home"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timezone.timedelta(minutes=29)
