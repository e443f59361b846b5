"""Journey: the coordinator's morning on 今日やること (issue 14, item 2).

福祉総務課 (ichiro) signs in and finds, on one list, an escalation to take on, a declined
referral to acknowledge (R2) and a referral between two other agencies that has waited past
its limit — of which the list tells agencies and days only, never the person (R6). They open
the escalation, acknowledge the decline, and the counts go down. Screenshots of the page at
1366 px and 390 px, the coordinator's and a caseworker's, land in test-artifacts/screens/.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.intake import services
from yorisoi.intake.models import Referral
from yorisoi.testing import PersonFactory
from yorisoi.work.refresh import refresh_consultation

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}


def consult(actor, summary, **fields):
    return services.consultation_create(
        actor=actor, channel="phone", consulter_type="neighbour", summary=summary, **fields
    )


def line(page, label):
    """The lines of the list of one kind."""
    return page.locator(".today-item").filter(
        has=page.locator(".today-what", has_text=re.compile(rf"^{re.escape(label)}"))
    )


def tab(page, label):
    return page.get_by_role("navigation", name="絞り込み").get_by_role(
        "link", name=re.compile(rf"^{re.escape(label)} \d+$")
    )


def badge(page):
    menu = page.get_by_role("navigation", name="メインメニュー")
    return menu.get_by_role("link", name=re.compile("^ホーム")).locator(".nav-badge")


@pytest.fixture
def morning(hana, saki, tomoko, ichiro):
    escalated = consult(
        hana, "ひとり暮らしの高齢男性、食事がとれていない", subject_note="北町三丁目の平屋"
    )
    services.consultation_escalate(actor=hana, consultation=escalated, version=escalated.version)
    declined = consult(hana, "子育てに疲れている母親からの電話", subject_note="南町の団地二階")
    services.referral_decline(
        actor=saki,
        referral=services.referral_send(
            actor=hana, consultation=declined, to_agency=saki.agency, kind="referral",
            reason="障害福祉サービスの相談", told_to_person="連絡が来ます",
        ),
        reason="当事業所の対象ではないため",
    )  # fmt: skip
    person = PersonFactory(agency=hana.agency, family_name="秘匿川", given_name="守")
    between = consult(hana, "介護保険の申請を手伝ってほしい（非公開）", person=person)
    referral = services.referral_send(
        actor=hana, consultation=between, to_agency=tomoko.agency, kind="transfer",
        reason="地域包括支援センターの担当地区", told_to_person="連絡が来ます",
    )  # fmt: skip
    Referral.objects.filter(pk=referral.pk).update(sent_at=timezone.now() - timedelta(days=21))
    refresh_consultation(between)  # sent three weeks ago, as if
    for i in range(4):  # a few ordinary things of hana's own, so her page reads like a day
        consult(hana, f"様子を見てほしいという相談 {i + 1}", subject_note=f"東町{i + 1}丁目")


def test_the_coordinators_morning(page, login, morning, hana, tomoko, screen):
    page.set_viewport_size(DESKTOP)
    login("ichiro")
    expect(page.get_by_role("heading", level=1, name="今日やること")).to_be_visible()
    expect(line(page, "多機関協働への相談")).to_have_count(1)
    expect(line(page, "受け入れできなかったつなぎ")).to_contain_text("当事業所の対象ではないため")
    overdue = line(page, "回答期限を過ぎたつなぎ")
    expect(overdue).to_contain_text(f"{hana.agency} → {tomoko.agency}")
    expect(overdue).to_contain_text("日超過")
    expect(page.get_by_role("main")).not_to_contain_text("秘匿川")
    expect(page.get_by_role("main")).not_to_contain_text("非公開")
    expect(tab(page, "エスカレーション")).to_have_text(re.compile(r"1$"))
    expect(tab(page, "受け入れできない")).to_have_text(re.compile(r"1$"))
    expect(badge(page)).to_contain_text("3")
    screen("today_coordinator_1366", phone=True)

    # The escalation opens to its consultation, to refer it on or make it a case.
    line(page, "多機関協働への相談").get_by_role("link").click()
    expect(page.get_by_role("heading", name="他の機関につなぐ")).to_be_visible()

    # The decline: open it, acknowledge it; it leaves the list and the counts go down.
    page.get_by_role("link", name=re.compile("^ホーム")).click()
    line(page, "受け入れできなかったつなぎ").get_by_role("link").click()
    page.get_by_role("button", name="確認した（キューから外す）").click()
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name=re.compile("^ホーム")
    ).click()
    expect(line(page, "受け入れできなかったつなぎ")).to_have_count(0)
    expect(tab(page, "受け入れできない")).to_have_text(re.compile(r"0$"))
    expect(badge(page)).to_contain_text("2")
    tab(page, "エスカレーション").click()
    expect(page.locator(".today-item")).to_have_count(1)


def test_a_caseworkers_today_page_reads_well(page, login, morning, screen):
    page.set_viewport_size(DESKTOP)
    login("hana")
    expect(line(page, "受け入れられなかったつなぎ（戻り）")).to_have_count(1)
    expect(line(page, "回答待ちのつなぎ")).to_have_count(1)
    expect(line(page, "新しい相談")).to_have_count(4)
    screen("today_staff_1366", phone=True)
