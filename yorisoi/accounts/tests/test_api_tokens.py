"""API tokens: shown once, stored only as a hash, expiring, read-only unless issued for writing,
revocable, audited, and each user manages only theirs (issue 13, item 5)."""

import hashlib
import json
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yorisoi.accounts import services
from yorisoi.accounts.models import ApiToken
from yorisoi.audit.models import AuditEvent
from yorisoi.people.models import Person
from yorisoi.testing import client_for

from .test_mfa import _admin_client

API = "/api/v1"


def bearer(raw) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def api_get(raw, path="/api/v1/people"):
    return bearer(raw).get(path)


def api_post(raw, path, body=None):
    return bearer(raw).post(f"{API}{path}", body or {}, content_type="application/json")


def screen_issue(client, name="連携", scope="read", days=90):
    return client.post("/accounts/tokens/new", {"name": name, "scope": scope, "days": days})


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


# --- expiry ----------------------------------------------------------------------------------


def test_a_token_lives_the_longest_lifetime_unless_asked_for_less(hana, settings):
    before = timezone.now()
    token, _ = ApiToken.issue(user=hana, name="連携")
    assert before + timedelta(days=90) <= token.expires_at <= timezone.now() + timedelta(days=90)
    short, _ = ApiToken.issue(user=hana, name="短い連携", days=7)
    assert short.expires_at - short.created_at == timedelta(days=7)
    settings.YORISOI_API_TOKEN_DAYS = 30
    for days in (0, 31, -1):
        with pytest.raises(ValueError):
            ApiToken.issue(user=hana, name="長すぎる連携", days=days)
    with pytest.raises(ValueError):
        ApiToken.issue(user=hana, name="連携", scope="admin")


def test_an_expired_token_is_refused_401(hana):
    token, raw = ApiToken.issue(user=hana, name="連携", days=7)
    assert api_get(raw).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api_get(raw)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    token.refresh_from_db()
    assert token.status == ApiToken.Status.EXPIRED


def test_a_revoked_token_is_refused_401(hana):
    token, raw = ApiToken.issue(user=hana, name="連携")
    services.token_revoke(token=token, actor=hana)
    assert api_get(raw).status_code == 401
    token.refresh_from_db()
    assert token.status == ApiToken.Status.REVOKED


# --- scope -----------------------------------------------------------------------------------


def test_a_read_only_token_reads_but_never_writes(hana, ichiro):
    _, raw = ApiToken.issue(user=hana, name="集計連携", scope=ApiToken.Scope.READ)
    assert api_get(raw).status_code == 200
    # Searches are POSTed (criteria stay out of URLs) but only read.
    assert api_post(raw, "/people/search", {"query": "やまだ"}).status_code == 200
    person = {"family_name": "山田", "given_name": "太郎", "birth_date": "1970-03-02"}
    refused = [
        api_post(raw, "/people", person),
        bearer(raw).patch(f"{API}/people/00000000-0000-0000-0000-000000000000", {},
                          content_type="application/json"),
        api_post(raw, "/households", {}),
    ]  # fmt: skip
    _, coordinators = ApiToken.issue(user=ichiro, name="目標", scope=ApiToken.Scope.READ)
    refused.append(
        bearer(coordinators).put(
            f"{API}/evaluation/targets/consultations/2026", {"value": 1},
            content_type="application/json",
        )
    )  # fmt: skip
    for response in refused:
        assert response.status_code == 403
        assert response.json()["code"] == "read_only_token"
        assert "読み取り専用" in response.json()["message"]
    assert not Person.objects.exists()


def test_a_read_only_token_allows_only_safe_methods():
    token = ApiToken(scope=ApiToken.Scope.READ)
    assert [m for m in ("GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE")
            if token.allows(m)] == ["GET", "HEAD", "OPTIONS"]  # fmt: skip
    assert ApiToken(scope=ApiToken.Scope.WRITE).allows("DELETE")


def test_every_search_by_post_is_open_to_a_read_only_token():
    from yorisoi.api import READS_BY_POST, ROUTERS

    searches = {
        f"api:{operation.url_name}"
        for router in ROUTERS
        for path_view in router.path_operations.values()
        for operation in path_view.operations
        if "POST" in operation.methods and operation.url_name.endswith("_search")
    }
    assert searches == READS_BY_POST


def test_a_write_token_writes(hana):
    _, raw = ApiToken.issue(user=hana, name="登録連携", scope=ApiToken.Scope.WRITE)
    person = {"family_name": "山田", "given_name": "太郎", "family_name_kana": "ヤマダ",
              "given_name_kana": "タロウ", "birth_date": "1970-03-02", "district": "tomida"}  # fmt: skip
    response = api_post(raw, "/people", person)
    assert response.status_code == 201, response.json()


def test_a_read_only_token_is_still_refused_routes_its_role_may_not_use(ken):
    _, raw = ApiToken.issue(user=ken, name="集計", scope=ApiToken.Scope.READ)
    assert api_get(raw).json()["code"] == "forbidden"
    assert api_post(raw, "/people", {}).json()["code"] == "forbidden"


# --- the user's state stops the tokens -------------------------------------------------------


def test_a_deactivated_users_token_is_refused_401(hana):
    _, raw = ApiToken.issue(user=hana, name="連携")
    hana.is_active = False
    hana.save()
    assert api_get(raw).status_code == 401


def test_a_user_told_to_replace_a_one_time_password_is_refused_401(hana):
    _, raw = ApiToken.issue(user=hana, name="連携")
    hana.must_change_password = True
    hana.save()
    assert api_get(raw).status_code == 401
    hana.must_change_password = False
    hana.save()
    assert api_get(raw).status_code == 200


def _fail_sign_in(username, times, address="192.0.2.10"):
    for _ in range(times):
        Client(REMOTE_ADDR=address).post(
            reverse("accounts:login"), {"username": username, "password": "wrong"}
        )


def test_a_locked_out_users_tokens_wait_for_the_cool_off(hana, saki, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _, raw = ApiToken.issue(user=hana, name="連携")
    _, sakis = ApiToken.issue(user=saki, name="さきの連携")
    _fail_sign_in("hana", 2)
    assert api_get(raw).status_code == 200  # below the limit
    _fail_sign_in("hana", 1, address="198.51.100.7")  # from any address: axes counts the user
    assert api_get(raw).status_code == 401
    assert api_get(sakis).status_code == 200  # only the locked user's tokens stop
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    )
    assert api_get(raw).status_code == 200


def test_a_locked_out_users_tokens_work_again_once_the_lock_is_reset(hana, settings):
    settings.AXES_FAILURE_LIMIT = 3
    _, raw = ApiToken.issue(user=hana, name="連携")
    _fail_sign_in("hana", 3)
    assert api_get(raw).status_code == 401
    axes_reset(username="hana")  # `manage.py axes_reset_username hana`
    assert api_get(raw).status_code == 200


# --- last use --------------------------------------------------------------------------------


def test_last_use_is_noted_at_most_once_a_minute(hana):
    token, raw = ApiToken.issue(user=hana, name="連携")
    assert api_get(raw).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and timezone.now() - first < timedelta(seconds=10)

    recent = timezone.now() - timedelta(seconds=30)
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=recent)
    assert api_get(raw).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == recent  # not rewritten within the minute

    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now() - timedelta(minutes=2))
    assert api_get(raw).status_code == 200
    token.refresh_from_db()
    assert timezone.now() - token.last_used_at < timedelta(seconds=10)


# --- the command line ------------------------------------------------------------------------


def test_management_command_prints_a_working_token(hana):
    out = StringIO()
    call_command("create_api_token", "hana", "--name", "夜間バッチ", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("ys_")
    token = ApiToken.objects.get(user=hana)
    assert token.name == "夜間バッチ"
    assert token.scope == ApiToken.Scope.WRITE  # as before tokens had scopes
    assert api_get(raw).status_code == 200
    event = AuditEvent.objects.get(action="api_token.issued")
    assert (event.channel, event.target_id) == ("cli", str(token.pk))


def test_management_command_takes_a_scope_and_a_lifetime(hana):
    call_command("create_api_token", "hana", "--scope", "read", "--days", "7", stdout=StringIO())
    token = ApiToken.objects.get(user=hana)
    assert token.scope == ApiToken.Scope.READ
    assert token.expires_at - token.created_at == timedelta(days=7)
    with pytest.raises(CommandError):
        call_command("create_api_token", "hana", "--days", "91", stdout=StringIO())
    assert ApiToken.objects.count() == 1


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
    response = screen_issue(client, name="庁内システム連携")
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


def test_token_screen_issues_read_only_unless_asked_and_for_the_chosen_lifetime(hana):
    client = client_for(hana)
    form = client.get("/accounts/tokens/").context["form"]
    assert form["scope"].initial == ApiToken.Scope.READ
    assert form["days"].initial == 90
    screen_issue(client, name="読むだけ", scope="read", days=30)
    screen_issue(client, name="書く", scope="write", days=7)
    read, write = ApiToken.objects.get(name="読むだけ"), ApiToken.objects.get(name="書く")
    assert (read.scope, read.expires_at - read.created_at) == ("read", timedelta(days=30))
    assert (write.scope, write.expires_at - write.created_at) == ("write", timedelta(days=7))


@pytest.mark.parametrize(
    "longest, offered",
    [(90, [7, 30, 90]), (30, [7, 30]), (100, [7, 30, 90, 100]), (365, [7, 30, 90, 180, 365])],
)
def test_token_screen_offers_lifetimes_up_to_the_longest(hana, settings, longest, offered):
    settings.YORISOI_API_TOKEN_DAYS = longest
    page = client_for(hana).get("/accounts/tokens/")
    assert [days for days, _ in page.context["form"].fields["days"].choices] == offered
    assert f"最長{longest}日" in page.content.decode()


@pytest.mark.parametrize("days", [180, 0, "ずっと"])
def test_token_screen_refuses_a_longer_lifetime(hana, days):
    response = screen_issue(client_for(hana), days=days)
    assert response.status_code == 422
    assert "有効期間" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_token_screen_needs_a_name_and_a_known_scope(hana):
    assert screen_issue(client_for(hana), name="").status_code == 422
    assert screen_issue(client_for(hana), scope="admin").status_code == 422
    assert not ApiToken.objects.exists()


def test_token_screen_shows_scope_expiry_and_state(hana):
    active, _ = ApiToken.issue(user=hana, name="使用中", scope=ApiToken.Scope.READ)
    expired, _ = ApiToken.issue(user=hana, name="古い")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(days=1))
    revoked, _ = ApiToken.issue(user=hana, name="やめた")
    revoked.revoke()
    page = client_for(hana).get("/accounts/tokens/").content.decode()
    for text in ("読み取りのみ", "読み取りと書き込み", "有効", "期限切れ", "失効"):
        assert text in page
    assert reverse("accounts:token_revoke", args=[active.pk]) in page
    # Only a working token has a button: an expired or revoked one has nothing to stop.
    assert reverse("accounts:token_revoke", args=[expired.pk]) not in page
    assert reverse("accounts:token_revoke", args=[revoked.pk]) not in page


def test_token_screen_revokes_the_users_own_token(hana):
    token, raw = ApiToken.issue(user=hana, name="古い連携")
    response = client_for(hana).post(f"/accounts/tokens/{token.pk}/revoke")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert api_get(raw).status_code == 401
    # Revoked stays revoked: a second revoke finds nothing.
    assert client_for(hana).post(f"/accounts/tokens/{token.pk}/revoke").status_code == 404


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
    assert screen_issue(client).status_code == 200
    token = ApiToken.objects.get()
    assert token.user == personas[persona]
    assert client.post(f"/accounts/tokens/{token.pk}/revoke").status_code == 302


def test_token_screen_needs_sign_in(hana):
    token, _ = ApiToken.issue(user=hana, name="連携")
    assert Client().get("/accounts/tokens/").status_code == 302
    assert screen_issue(Client(), name="x").status_code == 302
    assert Client().post(f"/accounts/tokens/{token.pk}/revoke").status_code == 302
    assert ApiToken.objects.count() == 1
    token.refresh_from_db()
    assert token.revoked_at is None


# --- the API door (/api/v1/tokens) -----------------------------------------------------------


def test_the_api_lists_the_callers_own_tokens_without_their_value(hana, saki):
    mine, raw = ApiToken.issue(user=hana, name="連携", scope=ApiToken.Scope.READ, days=30)
    old, _ = ApiToken.issue(user=hana, name="古い連携")
    old.revoke()
    ApiToken.issue(user=saki, name="さきの連携")
    response = api_get(raw, f"{API}/tokens")
    assert response.status_code == 200
    listed = response.json()
    assert [t["name"] for t in listed] == ["古い連携", "連携"]  # newest first
    row = listed[1]
    assert row["id"] == mine.pk
    assert (row["scope"], row["status"], row["hint"]) == ("read", "active", mine.hint)
    assert row["last_used_at"] is not None  # this very call
    assert listed[0]["status"] == "revoked"
    assert raw not in response.content.decode()
    assert mine.key_hash not in response.content.decode()
    assert "key_hash" not in row


def test_the_api_revokes_the_callers_own_token(hana):
    _, raw = ApiToken.issue(user=hana, name="連携")
    other, other_raw = ApiToken.issue(user=hana, name="古い連携")
    response = api_post(raw, f"/tokens/{other.pk}/revoke")
    assert response.status_code == 200
    assert response.json()["status"] == "revoked"
    assert api_get(other_raw).status_code == 401
    assert api_post(raw, f"/tokens/{other.pk}/revoke").status_code == 404  # already revoked
    assert api_get(raw).status_code == 200


def test_a_read_only_token_cannot_revoke_through_the_api(hana):
    _, raw = ApiToken.issue(user=hana, name="連携", scope=ApiToken.Scope.READ)
    other, _ = ApiToken.issue(user=hana, name="古い連携")
    response = api_post(raw, f"/tokens/{other.pk}/revoke")
    assert (response.status_code, response.json()["code"]) == (403, "read_only_token")
    other.refresh_from_db()
    assert other.revoked_at is None


def test_the_browser_session_revokes_through_the_api(hana):
    token, _ = ApiToken.issue(user=hana, name="連携")
    client = client_for(hana)
    assert client.get(f"{API}/tokens").json()[0]["id"] == token.pk
    assert client.post(f"{API}/tokens/{token.pk}/revoke").status_code == 200
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_is_404_through_the_api(hana, saki):
    sakis, sakis_raw = ApiToken.issue(user=saki, name="さきの連携")
    _, raw = ApiToken.issue(user=hana, name="連携")
    response = api_post(raw, f"/tokens/{sakis.pk}/revoke")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert api_post(raw, "/tokens/999999/revoke").json() == response.json()  # same as missing
    assert api_get(sakis_raw).status_code == 200


# --- the administrator -----------------------------------------------------------------------


def test_the_administrator_lists_and_revokes_anyones_tokens(hana, saki, osamu):
    hanas, hanas_raw = ApiToken.issue(user=hana, name="はなの連携", scope=ApiToken.Scope.READ)
    _, sakis_raw = ApiToken.issue(user=saki, name="さきの連携")
    admin = _admin_client(osamu)
    listing = admin.get("/admin/accounts/apitoken/")
    assert listing.status_code == 200
    page = listing.content.decode()
    assert "はなの連携" in page and "さきの連携" in page and "読み取りのみ" in page
    assert hanas.key_hash not in page
    response = admin.post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [hanas.pk]}
    )
    assert response.status_code == 302
    assert api_get(hanas_raw).status_code == 401
    assert api_get(sakis_raw).status_code == 200
    event = AuditEvent.objects.get(action="api_token.revoked")
    assert (event.actor, event.target_id) == (osamu, str(hanas.pk))
    # Nothing to add or change: a token is issued by its owner, who sees it once.
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403


def test_only_an_administrator_opens_the_token_admin(hana):
    assert client_for(hana).get("/admin/accounts/apitoken/").status_code in (302, 403)


# --- the audit trail -------------------------------------------------------------------------


def test_issue_and_revoke_are_audited_with_scope_and_expiry_never_the_token(hana):
    client = client_for(hana)
    raw = screen_issue(client, name="庁内システム連携", scope="write", days=30).context["raw"]
    token = ApiToken.objects.get(user=hana)
    issued = AuditEvent.objects.get(action="api_token.issued")
    assert (issued.actor, issued.target_type, issued.target_id, issued.channel) == (
        hana, "apitoken", str(token.pk), "web"
    )  # fmt: skip
    expected = {"scope": "write", "expires_at": token.expires_at.isoformat()}
    assert issued.data == expected

    _, other_raw = ApiToken.issue(user=hana, name="別の連携")
    assert api_post(other_raw, f"/tokens/{token.pk}/revoke").status_code == 200
    revoked = AuditEvent.objects.get(action="api_token.revoked")
    assert (revoked.actor, revoked.target_id, revoked.channel) == (hana, str(token.pk), "api")
    assert revoked.data == expected

    for event in (issued, revoked):
        written = json.dumps(event.data) + event.target_id
        assert raw not in written and token.key_hash not in written and token.hint not in written
