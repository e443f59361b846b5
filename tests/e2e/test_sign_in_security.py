"""Journey (issue 13): a caseworker enrols an authenticator app at the first sign-in, signs in
again with a code, then with a recovery code when the phone is not at hand; later an
administrator issues a one-time password, which the caseworker must replace."""

import re
import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from yorisoi.accounts.admin import one_time_password

pytestmark = pytest.mark.browser

PASSWORD = "correct-horse-battery-staple"


def code(device) -> str:
    """What the authenticator app shows for the next sign-in: a code is accepted once, so each
    sign-in takes the first time step after the last one used (as time passes, or within the
    one step of clock drift django-otp tolerates)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    while device.last_t + 1 - totp.t() > device.tolerance:  # three sign-ins in one step: wait
        time.sleep(device.step - (totp.time - device.t0) % device.step + 0.1)
        totp.time = time.time()
    ahead = max(0, device.last_t + 1 - totp.t())
    totp.time += ahead * device.step
    return f"{totp.token():0{device.digits}d}"  # an int: keep the leading zeros


def sign_in(page, password=PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("利用者ID").fill("hana")
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def sign_out(page):
    page.get_by_role("button", name="利用者メニュー").click()  # ログアウト is in the user menu
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()


def test_enrol_sign_in_with_a_code_and_a_recovery_code_then_replace_a_one_time_password(
    page, settings, hana, screen, csp_violations
):
    settings.YORISOI_MFA = "required"  # the production default

    # First sign-in: no factor yet, so every page leads to the enrolment.
    sign_in(page)
    expect(page.get_by_role("heading", level=1, name="2要素認証の設定")).to_be_visible()
    qr = page.get_by_role("img", name="認証アプリに登録するQRコード")
    expect(qr).to_be_visible()
    # The SVG loaded under the CSP: its width once it has loaded (or failed: 0). Visible is not
    # yet loaded on a busy machine, so wait for the one or the other.
    width = qr.evaluate(
        """img => img.complete ? img.naturalWidth : new Promise(done => {
            img.addEventListener("load", () => done(img.naturalWidth));
            img.addEventListener("error", () => done(0));
        })"""
    )
    assert width > 0
    screen("mfa_setup", phone=True)
    device = TOTPDevice.objects.get(user=hana, confirmed=False)
    page.get_by_label("確認コード").fill(code(device))
    page.get_by_role("button", name="設定する").click()
    expect(page.get_by_role("heading", level=1, name="回復コード")).to_be_visible()
    codes = page.get_by_role("list", name="回復コード").locator("li").all_inner_texts()
    assert len(codes) == 10
    screen("mfa_recovery_codes")
    page.get_by_role("link", name="控えました。続ける").click()
    expect(page.get_by_role("heading", level=1, name="今日やること")).to_be_visible()
    sign_out(page)

    # Again: password, then the code the app shows now.
    sign_in(page)
    expect(page.get_by_role("heading", level=1, name="2要素認証")).to_be_visible()
    screen("mfa_verify")
    page.get_by_label("確認コード").fill(code(device))
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", level=1, name="今日やること")).to_be_visible()
    sign_out(page)

    # The phone is at home: a recovery code, once.
    sign_in(page)
    page.get_by_label("確認コード").fill(codes[0])
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", level=1, name="今日やること")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("回復コードを使いました（残り 9 個）")
    sign_out(page)

    # An administrator issued a one-time password (admin: 一時パスワードを発行する).
    temporary = one_time_password()
    hana.set_password(temporary)
    hana.must_change_password = True
    hana.save()
    sign_in(page, temporary)
    page.get_by_label("確認コード").fill(code(device))
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", level=1, name="パスワードの変更")).to_be_visible()
    expect(page.locator("main")).to_contain_text("一時的なパスワードでログインしました")
    screen("password_change_forced")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="本人").click()
    expect(page.get_by_role("heading", level=1, name="パスワードの変更")).to_be_visible()
    page.get_by_label(re.compile("^元のパスワード")).fill(temporary)
    page.get_by_label(re.compile("^新しいパスワード(（必須）)?$")).fill("my-own-long-pass-42")
    page.get_by_label(re.compile("^新しいパスワード\\(確認用\\)")).fill("my-own-long-pass-42")
    page.get_by_role("button", name="変更する").click()
    expect(page.get_by_role("heading", level=1, name="ログインの設定")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("パスワードを変更しました。")
    screen("security_settings")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="本人").click()
    expect(page.get_by_role("heading", level=1, name="本人")).to_be_visible()

    assert csp_violations == []
