"""The API throttles calls per user, whatever door or token they come through (issue 13, item 2):
past YORISOI_API_RATE the answer is 429 `too_many_requests` with Retry-After. The throttle
counts in Django's cache; testing.api_calls_uncounted empties it before every test."""

import pytest
from django.test import Client, RequestFactory

from yorisoi.accounts.models import ApiToken
from yorisoi.api import ApiThrottle, api
from yorisoi.testing import client_for

PEOPLE = "/api/v1/people"


def bearer(user, **kwargs) -> Client:
    _, raw = ApiToken.issue(user=user, name="連携", **kwargs)
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def three_a_minute(settings):
    settings.YORISOI_API_RATE = "3/m"


def test_the_fourth_call_in_a_minute_is_429_with_retry_after(hana, three_a_minute):
    client = bearer(hana)
    assert [client.get(PEOPLE).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(PEOPLE)
    assert response.status_code == 429
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = response.json()
    assert body["code"] == "too_many_requests"
    assert "しばらく待って" in body["message"]
    assert 1 <= int(response["Retry-After"]) <= 60


def test_a_second_token_buys_no_more_calls(hana, three_a_minute):
    first, second = bearer(hana), bearer(hana, scope=ApiToken.Scope.READ)
    for _ in range(3):
        assert first.get(PEOPLE).status_code == 200
    assert second.get(PEOPLE).status_code == 429
    # Nor does the browser: the user is counted, not the door.
    assert client_for(hana).get(PEOPLE).status_code == 429


def test_each_user_has_a_rate_of_their_own(hana, saki, three_a_minute):
    hanas = bearer(hana)
    for _ in range(4):
        hanas.get(PEOPLE)
    assert hanas.get(PEOPLE).status_code == 429
    assert bearer(saki).get(PEOPLE).status_code == 200


def test_writes_count_too(hana, three_a_minute):
    client = bearer(hana)
    for _ in range(3):
        client.post("/api/v1/people/search", {"query": "やま"}, content_type="application/json")
    assert client.get(PEOPLE).status_code == 429


def test_the_rate_is_read_from_settings_on_every_call(hana, settings):
    client = bearer(hana)
    settings.YORISOI_API_RATE = "1/m"
    assert client.get(PEOPLE).status_code == 200
    assert client.get(PEOPLE).status_code == 429
    settings.YORISOI_API_RATE = "5/m"
    assert client.get(PEOPLE).status_code == 200


def test_calls_without_a_working_token_are_401_and_count_for_nobody(hana, three_a_minute):
    # Without a working token there is nobody to count: 401, whatever the rate.
    stranger = Client(HTTP_AUTHORIZATION="Bearer ys_nonsense")
    assert [stranger.get(PEOPLE).status_code for _ in range(5)] == [401] * 5
    assert bearer(hana).get(PEOPLE).status_code == 200


def _anonymous(address, forwarded=None):
    request = RequestFactory().get(PEOPLE, REMOTE_ADDR=address)
    if forwarded:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request  # no request.auth: an operation open to anyone (auth=None)


def test_an_operation_open_to_anyone_is_throttled_per_client_address(settings):
    settings.YORISOI_API_ANON_RATE = "2/m"
    throttle = ApiThrottle()
    assert [throttle.allow_request(_anonymous("192.0.2.1")) for _ in range(3)] == [
        True,
        True,
        False,
    ]
    assert 0 < throttle.wait() <= 60
    assert throttle.allow_request(_anonymous("192.0.2.2"))


def test_behind_a_trusted_proxy_each_client_address_is_counted(settings):
    settings.YORISOI_API_ANON_RATE = "1/m"
    settings.YORISOI_TRUSTED_PROXIES = 1
    throttle = ApiThrottle()
    proxy = "10.0.0.1"
    assert throttle.allow_request(_anonymous(proxy, forwarded="192.0.2.1"))
    assert not throttle.allow_request(_anonymous(proxy, forwarded="192.0.2.1"))
    assert throttle.allow_request(_anonymous(proxy, forwarded="192.0.2.2"))
    # A client cannot dodge it by writing the header itself: the proxy appended the address.
    assert not throttle.allow_request(_anonymous(proxy, forwarded="203.0.113.9, 192.0.2.1"))


def test_every_operation_documents_its_429():
    schema = api.get_openapi_schema()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert 429 in operation["responses"], f"{method.upper()} {path}"
