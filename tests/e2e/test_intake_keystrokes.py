"""Keystrokes of a typical intake, keyboard only (issue 14, item 5): a person already
registered, a phone call, two issues with one ◎, what they said, a next action a week ahead,
the outcome "自機関で継続支援". Every key press is counted: Tab, arrows, Space, Enter and each
character typed into a field that is not free text; what the caller said (the summary) is
counted apart. The test prints its counts (pytest -s).

The old form (commit 7c59704), by the path an expert takes: the skip link,
Tab from field to field, arrows in selects and radio groups, Space on checkboxes, Enter in the
date to submit, then on the consultation page the skip link, Tab to 自機関で継続支援, Enter:

    intake form            74 keystrokes (61 Tab)
    intake and outcome     83 keystrokes (68 Tab, 4 Enter, 2 arrows, 3 Space, 6 characters)
    free text (summary)    37 characters, counted apart
    across the checklist   42 tab stops (41 checkboxes and the ◎ group)

The form now, by the cheapest path it allows (Enter in the person search searches at once):

    intake and outcome     20 keystrokes (8 Tab, 4 Enter, 2 arrows, 6 characters)
    free text (summary)    37 characters, counted apart
    across the checklist   42 tab stops with nothing typed in its filter; 4 with 高齢 typed

It starts at the person search (autofocus), offers the channel of the user's last
intake and a next action a week ahead, filters the checklist as one types (Enter chooses the
first match; a single issue is its own ◎), takes the outcome on the same form, and keeps what
is rarely changed (received at, the consulter's name and contact) folded away after it.
The characters typed into the person search and the issue filter are typed as they are
written here; with a Japanese IME each takes a few more keys, on both forms alike.
"""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.intake import services as intake
from yorisoi.intake.models import Consultation, ConsultationIssue, Outcome
from yorisoi.testing import PersonFactory

pytestmark = pytest.mark.browser

SUMMARY = "本人から電話。最近物忘れが増え、日中ひとりで過ごすことが多く不安だという。"


class Keys:
    """Every key press goes through here and is counted. Free text typed into the summary is
    counted apart (it is what the caller said, not the cost of the form)."""

    def __init__(self, page):
        self.page = page
        self.pressed = Counter()
        self.typed = 0
        self.free_text = 0

    def press(self, key, times=1):
        for _ in range(times):
            self.page.keyboard.press(key)
            self.pressed[key] += 1

    def type(self, text):
        self.page.keyboard.type(text)
        self.typed += len(text)

    def write(self, text):
        self.page.keyboard.type(text)
        self.free_text += len(text)

    def type_date(self, day):
        """Into a focused date input, in the order headless chromium shows (month, day,
        year, whatever --lang says); the year only when it changes."""
        this_year = day.year == timezone.localdate().year
        self.type(f"{day:%m%d}" if this_year else f"{day:%m%d%Y}")

    def focused(self, locator):
        return locator.evaluate("el => el === document.activeElement")

    def tab_to(self, locator, limit=120):
        for _ in range(limit):
            if self.focused(locator):
                return
            self.press("Tab")
        raise AssertionError(f"{locator} never got the focus")

    def arrow_until(self, key, done, limit=20):
        for _ in range(limit):
            if done():
                return
            self.press(key)
        raise AssertionError("arrows never got there")

    @property
    def total(self):
        return sum(self.pressed.values()) + self.typed

    def report(self, label):
        print(
            f"\n{label}: {self.total} keystrokes ({self.pressed['Tab']} Tab, "
            f"{dict(self.pressed)}, {self.typed} characters typed in fields that are not free "
            f"text); free text {self.free_text} characters"
        )


OLD_TOTAL = 83  # intake and outcome on the old form (see above)


def expect_focused(keys, locator):
    assert keys.focused(locator), f"{locator} should have the focus"


def shoot(page, screen, name):
    """axe on the page, and full-page screenshots at a laptop's and a phone's width in
    test-artifacts/ (the viewport is put back afterwards)."""
    screen(name, phone=True)
    size = page.viewport_size
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"test-artifacts/{name}_{width}.png", full_page=True)
    page.set_viewport_size(size)


def test_a_typical_intake_takes_half_the_keystrokes_it_did(page, login, hana, screen):
    PersonFactory(
        family_name="森",
        given_name="静香",
        family_name_kana="モリ",
        given_name_kana="シズカ",
        agency=hana.agency,
    )
    # Not hana's first intake: her last one came by phone, as most of her calls do.
    intake.consultation_create(
        actor=hana,
        channel="phone",
        consulter_type="self",
        subject_note="前回の相談",
        summary="前回の相談",
        issues=["care"],
    )
    in_a_week = timezone.localdate() + timedelta(days=7)
    page.set_default_navigation_timeout(30_000)  # a busy machine is no reason to fail
    login("hana")
    page.goto(reverse("intake:consultation_create"))
    expect(page.get_by_role("heading", level=1, name="相談を受け付ける")).to_be_visible()
    keys = Keys(page)

    expect(page.locator("#person-q")).to_be_focused()
    keys.type("モリ")
    keys.press("Enter")  # searches at once; does not submit the form
    person = page.get_by_label(re.compile("^森 静香"))
    expect(person).to_be_visible()
    expect(page.get_by_role("heading", level=1, name="相談を受け付ける")).to_be_visible()
    keys.press("Tab")
    expect(page.locator("#pick-none")).to_be_focused()
    keys.arrow_until("ArrowUp", person.is_checked)
    keys.tab_to(page.locator("#id_summary"))
    keys.write(SUMMARY)
    issue_filter = page.get_by_label("課題を絞り込む")
    keys.tab_to(issue_filter)
    keys.type("認知")
    keys.press("Enter")
    expect(page.get_by_label("認知症", exact=True)).to_be_checked()
    expect(page.get_by_label("認知症を主な課題にする")).to_be_checked()  # the only one: ◎
    keys.type("孤立")
    keys.press("Enter")
    expect(page.get_by_label("孤立・孤独", exact=True)).to_be_checked()
    expect(page.get_by_label("認知症を主な課題にする")).to_be_checked()
    continued = page.get_by_role("radio", name=re.compile("^自機関で継続支援"))
    keys.tab_to(page.get_by_role("group", name="受付の結果").locator("input:checked"))
    keys.arrow_until("ArrowDown", continued.is_checked)
    date = page.locator("#id_next_action_on")
    expect(date).to_have_value(f"{in_a_week:%Y-%m-%d}")  # offered, a week ahead
    expect(page.locator("#id_channel")).to_have_value("phone")  # her last intake's
    shoot(page, screen, "intake_form_filled")
    keys.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("相談を受け付けました。")
    keys.report("intake and outcome")

    consultation = Consultation.objects.exclude(summary="前回の相談").get()
    assert consultation.outcome == Outcome.CONTINUED
    assert consultation.next_action_on == in_a_week
    assert consultation.person.family_name == "森"
    assert list(consultation.issues.order_by("code").values_list("code", flat=True)) == [
        "dementia",
        "isolation",
    ]
    assert ConsultationIssue.objects.get(consultation=consultation, is_main=True).issue.code == (
        "dementia"
    )
    assert keys.total * 2 <= OLD_TOTAL, f"{keys.total} keys, the old form took {OLD_TOTAL}"


def test_the_checklist_filter_leaves_few_tab_stops(page, login, hana, screen):
    """Typing narrows the 41 checkboxes to those that match (kana of either kind, a domain's
    name); Escape shows them all again. The ◎ of an issue not chosen is no tab stop."""
    page.set_default_navigation_timeout(30_000)
    login("hana")
    page.goto(reverse("intake:consultation_create"))
    shoot(page, screen, "intake_form")
    issue_filter = page.get_by_label("課題を絞り込む")
    outcome = page.get_by_role("group", name="受付の結果").locator("input:checked")
    issue_filter.focus()
    everything = Keys(page)
    everything.tab_to(outcome)
    assert everything.pressed["Tab"] == 42  # 41 checkboxes, then the outcome

    issue_filter.fill("ヒキコモリ")  # katakana finds ひきこもり
    expect(page.locator("[data-issue]:visible")).to_have_count(1)
    expect(page.locator("#issue-filter-status")).to_have_text("表示している課題: 1件")
    issue_filter.fill("高齢")  # a domain shows all its issues
    expect(page.locator("[data-issue]:visible")).to_have_count(3)
    shoot(page, screen, "intake_form_filtered")
    issue_filter.focus()
    narrowed = Keys(page)
    narrowed.tab_to(outcome)
    assert narrowed.pressed["Tab"] == 4
    issue_filter.press("Escape")
    expect(page.locator("[data-issue]:visible")).to_have_count(41)
