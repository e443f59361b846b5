"""Journey (issue 12, 名寄せ): two agencies register members of one family with different
spellings; the second is told only that the coordinating division will check; the coordinator
confirms the link; the first agency, once a referral lets it read the other household, sees
the family whole — and still nothing its access does not allow."""

import re

import pytest
from playwright.sync_api import expect

from yorisoi.intake import services as intake
from yorisoi.people.identity.models import IdentityMember, MatchCandidate, MatchStatus
from yorisoi.people.models import Household

pytestmark = pytest.mark.browser

HIDDEN = "ほかの機関に同じ方が登録されている可能性があります。福祉総務課（調整担当）が確認します。"


def menu(page):
    return page.get_by_role("navigation", name="メインメニュー")


def logout(page):
    page.get_by_role("button", name="利用者メニュー").click()  # ログアウト is in the user menu
    page.get_by_role("button", name="ログアウト").click()
    expect(page.get_by_role("heading", level=1, name="ログイン")).to_be_visible()


def field(scope, label):
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}(（必須）)?$"))


def register_household(page, name, members):
    menu(page).get_by_role("link", name="世帯").click()
    page.get_by_role("link", name="世帯を登録する").click()
    field(page, "世帯名").fill(name)
    for n, (relationship, born, family, given, family_kana, given_kana) in enumerate(members, 1):
        if n > 1:
            page.get_by_role("button", name="世帯員を追加する").click()
        row = page.get_by_role("group", name=f"{n}人目")
        row.get_by_label("続柄").select_option(label=relationship)
        row.get_by_label("生年月日").fill(born)
        field(row, "氏").fill(family)
        field(row, "名").fill(given)
        row.get_by_label("氏（フリガナ）").fill(family_kana)
        row.get_by_label("名（フリガナ）").fill(given_kana)
    page.get_by_role("button", name="世帯を登録する").click()
    expect(page.get_by_role("heading", level=1, name=name)).to_be_visible()


def test_two_agencies_one_family_the_coordinator_links_it_and_it_is_seen_whole(
    page, login, hana, saki, ichiro, screen, csp_violations
):
    # 在宅介護支援センター registers the mother and her son.
    login("hana")
    register_household(
        page,
        "髙橋さん世帯",
        [
            ("世帯主", "昭和45年3月2日", "髙橋", "祐子", "タカハシ", "ユウコ"),
            ("子", "2001-07-09", "髙橋", "翔太", "タカハシ", "ショウタ"),
        ],
    )
    logout(page)

    # 委託相談支援事業所 registers the father and the same son: old-style 髙 typed as 高, kana
    # in hiragana and half-width, the birth date in 和暦. The son is found at the other agency,
    # which this user may not see: no name, no agency, only that the division will check.
    login("saki")
    register_household(
        page,
        "高橋健一さん世帯",
        [
            ("世帯主", "1968-11-20", "高橋", "健一", "ﾀｶﾊｼ", "ｹﾝｲﾁ"),
            ("子", "平成13年7月9日", "高橋", "翔太", "たかはし", "しょうた"),
        ],
    )
    notices = page.get_by_role("status")
    expect(notices).to_contain_text(HIDDEN)
    expect(page.locator("main")).not_to_contain_text("祐子")
    expect(page.locator("main")).not_to_contain_text(hana.agency.name)
    screen("household_hidden_match_notice")
    logout(page)

    # The coordinator finds the pair in the 名寄せ queue, side by side, and links it.
    login("ichiro")
    menu(page).get_by_role("link", name="名寄せの確認").click()
    expect(page.get_by_role("heading", level=1, name="名寄せの確認")).to_be_visible()
    screen("match_queue")
    page.get_by_role("table").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1, name="同一人物の候補")).to_be_visible()
    expect(page.locator("main")).to_contain_text("髙橋")
    expect(page.locator("main")).to_contain_text("高橋")
    screen("match_detail")
    page.get_by_role("button", name="同一人物として結びつける").click()
    expect(page.get_by_role("status")).to_be_visible()
    [candidate] = MatchCandidate.objects.all()
    assert candidate.status == MatchStatus.CONFIRMED
    assert IdentityMember.objects.filter(left_at__isnull=True).count() == 2
    logout(page)

    # Linking alone opens nothing: hana's household page shows only its own household.
    login("hana")
    mine = Household.objects.get(name="髙橋さん世帯")
    page.goto(f"/people/households/{mine.pk}/")
    expect(page.get_by_role("heading", level=1, name="髙橋さん世帯")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("高橋健一さん世帯")

    # Saki's office asks hana's centre about the son (a referral): from then on hana's centre
    # may read that household, and the family is seen whole on hana's page.
    theirs = Household.objects.get(name="高橋健一さん世帯")
    son = theirs.memberships.get(person__given_name="翔太").person
    consultation = intake.consultation_create(
        actor=saki,
        channel="phone",
        consulter_type="self",
        summary="就労の相談",
        person=son,
        household=theirs,
    )
    intake.referral_send(
        actor=saki,
        consultation=consultation,
        to_agency=hana.agency,
        kind="referral",
        reason="家族全体の相談として",
    )
    page.reload()
    expect(page.get_by_role("heading", level=2, name="名寄せでつながった世帯")).to_be_visible()
    linked = page.get_by_role("region", name=re.compile("高橋健一さん世帯"))
    rows = linked.get_by_role("table").locator("tbody tr")
    expect(rows).to_have_count(2)
    # The father is no subject of anything hana's centre reads: his relationship only.
    expect(rows.nth(0)).to_contain_text("世帯主")
    expect(rows.nth(0)).to_contain_text("この世帯員の記録を見る権限がありません")
    expect(rows.nth(0)).not_to_contain_text("健一")
    expect(rows.nth(1)).to_contain_text("高橋 翔太")
    expect(rows.nth(1)).to_contain_text("髙橋 翔太 さんと同一人物")
    involvements = page.get_by_role("table", name="各機関の関わり").locator("tbody tr")
    expect(involvements).to_have_count(1)
    expect(involvements.first).to_contain_text(saki.agency.name)
    screen("household_seen_whole", phone=True)

    assert csp_violations == []
