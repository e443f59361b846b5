"""API tokens: shown once, stored only as a hash, revocable, and each user manages only theirs."""

import hashlib
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from yorisoi.accounts.models import ApiToken
from yorisoi.testing import client_for


def api_get(raw, path="/api/v1/people"):
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get(path)


def test_issue_shows_the_raw_token_once_and_stores_only_its_hash(hana):
    token, raw = ApiToken.issue(user=hana, name="庁内システム連携")
    assert raw.startswith("ys_")
    assert len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.hint == raw[:9]
    assert raw not in {str(value) for value in vars(stored).values()}
    assert ApiToken.authenticate(raw) == hana


def test_two_tokens_are_never_the_same(hana):
    _, first = ApiToken.issue(user=hana, name="一つ目")
    _, second = ApiToken.issue(user=hana, name="二つ目")
    assert first != second


def test_authenticate_records_last_use_and_refuses_revoked_or_inactive(hana):
    token, raw = ApiToken.issue(user=hana, name="連携")
    assert token.last_used_at is None
    assert ApiToken.authenticate(raw) == hana
    token.refresh_from_db()
    assert token.last_used_at is not None

    assert ApiToken.authenticate(raw[:-1] + ("A" if raw[-1] != "A" else "B")) is None
    assert ApiToken.authenticate("") is None
    assert ApiToken.authenticate(token.key_hash) is None  # the hash is not a token

    hana.is_active = False
    hana.save()
    assert ApiToken.authenticate(raw) is None
    hana.is_active = True
    hana.save()
    token.revoke()
    assert ApiToken.authenticate(raw) is None


def test_management_command_prints_a_working_token(hana):
    out = StringIO()
    call_command("create_api_token", "hana", "--name", "夜間バッチ", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("ys_")
    assert ApiToken.objects.get(user=hana).name == "夜間バッチ"
    assert api_get(raw).status_code == 200


def test_management_command_refuses_unknown_or_inactive_users(hana):
    with pytest.raises(CommandError):
        call_command("create_api_token", "nobody", stdout=StringIO())
    hana.is_active = False
    hana.save()
    with pytest.raises(CommandError):
        call_command("create_api_token", "hana", stdout=StringIO())
    assert not ApiToken.objects.exists()


# --- the token screen (/accounts/tokens/) --------------------------------------------------


def test_token_screen_creates_a_token_shown_once(hana):
    client = client_for(hana)
    assert client.get("/accounts/tokens/").status_code == 200
    response = client.post("/accounts/tokens/new", {"name": "庁内システム連携"})
    assert response.status_code == 200
    token = ApiToken.objects.get(user=hana)
    raw = response.context["raw"]
    assert raw in response.content.decode()
    assert token.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert api_get(raw).status_code == 200
    # Never shown again: the list has only the hint.
    listing = client.get("/accounts/tokens/").content.decode()
    assert "庁内システム連携" in listing
    assert token.hint in listing
    assert raw not in listing


def test_token_screen_needs_a_name(hana):
    response = client_for(hana).post("/accounts/tokens/new", {"name": ""})
    assert response.status_code == 422
    assert not ApiToken.objects.exists()


def test_token_screen_revokes_the_users_own_token(hana):
    token, raw = ApiToken.issue(user=hana, name="古い連携")
    response = client_for(hana).post(f"/accounts/tokens/{token.pk}/revoke")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_get(raw).status_code == 401


def test_another_users_token_is_404_and_stays_active(hana, saki):
    sakis, raw = ApiToken.issue(user=saki, name="さきの連携")
    client = client_for(hana)
    assert "さきの連携" not in client.get("/accounts/tokens/").content.decode()
    assert client.post(f"/accounts/tokens/{sakis.pk}/revoke").status_code == 404
    sakis.refresh_from_db()
    assert sakis.revoked_at is None
    assert api_get(raw).status_code == 200


@pytest.mark.parametrize("persona", ["ichiro", "kazuko", "ken", "osamu"])
def test_every_role_manages_its_own_tokens(personas, persona):
    client = client_for(personas[persona])
    assert client.post("/accounts/tokens/new", {"name": "連携"}).status_code == 200
    assert ApiToken.objects.get().user == personas[persona]


def test_token_screen_needs_sign_in(hana):
    token, _ = ApiToken.issue(user=hana, name="連携")
    assert Client().get("/accounts/tokens/").status_code == 302
    assert Client().post("/accounts/tokens/new", {"name": "x"}).status_code == 302
    assert Client().post(f"/accounts/tokens/{token.pk}/revoke").status_code == 302
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None
