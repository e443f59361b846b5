"""Keystrokes of a typical intake, keyboard only (issue 14, item 5).

Measured on the form as it was (commit 7c59704), by the path an expert takes: the skip link,
Tab from field to field, arrows in selects and radio groups, Space on checkboxes, Enter in the
date to submit, then on the consultation page the skip link, Tab to 自機関で継続支援, Enter:

    intake form            74 keystrokes (61 Tab)
    intake and outcome     83 keystrokes (68 Tab, 4 Enter, 2 arrows, 3 Space, 6 characters)
    free text (summary)    37 characters, counted apart
    across the checklist   42 tab stops (41 checkboxes and the ◎ group)
"""

import re
from collections import Counter
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from yorisoi.intake import services as intake
from yorisoi.intake.models import Consultation, Outcome
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


def test_old_form(page, login, hana):
    PersonFactory(
        family_name="森",
        given_name="静香",
        family_name_kana="モリ",
        given_name_kana="シズカ",
        agency=hana.agency,
    )
    intake.consultation_create(
        actor=hana,
        channel="phone",
        consulter_type="self",
        subject_note="前回の相談",
        summary="前回の相談",
        issues=["care"],
        main_issue="care",
    )
    in_a_week = timezone.localdate() + timedelta(days=7)
    page.set_default_navigation_timeout(30_000)  # a busy machine is no reason to fail
    login("hana")
    page.goto(reverse("intake:consultation_create"))
    expect(page.get_by_role("heading", level=1, name="相談を受け付ける")).to_be_visible()
    # Tab stops across the whole checklist, from its first checkbox to the next field.
    page.locator("input[name=issues]").first.focus()
    crossing = Keys(page)
    crossing.tab_to(page.locator("input[name=urgency]:checked"))
    print(f"\ntab stops across the checklist: {crossing.pressed['Tab']}")
    page.reload()
    keys = Keys(page)

    keys.press("Tab")  # the skip link
    keys.press("Enter")
    channel = page.locator("#id_channel")
    keys.tab_to(channel)
    keys.arrow_until("ArrowDown", lambda: channel.input_value() == "phone")
    keys.tab_to(page.locator("#person-q"))
    keys.type("モリ")
    person = page.get_by_label(re.compile("^森 静香"))
    expect(person).to_be_visible()
    keys.tab_to(page.locator("#pick-none"))
    keys.arrow_until("ArrowUp", person.is_checked)
    keys.tab_to(page.locator("#id_summary"))
    keys.write(SUMMARY)
    keys.tab_to(page.get_by_label("認知症", exact=True))
    keys.press("Space")
    keys.tab_to(page.get_by_label("認知症を主な課題にする"))
    keys.press("Space")
    keys.tab_to(page.get_by_label("孤立・孤独", exact=True))
    keys.press("Space")
    date = page.locator("#id_next_action_on")
    keys.tab_to(date)
    keys.type_date(in_a_week)
    expect(date).to_have_value(f"{in_a_week:%Y-%m-%d}")
    keys.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("相談を受け付けました。")
    keys.report("intake form")

    keys.press("Tab")
    keys.press("Enter")
    keys.tab_to(page.get_by_role("button", name="自機関で継続支援"))
    keys.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("相談の結果を記録しました。")
    keys.report("intake and outcome")
    consultation = Consultation.objects.exclude(summary="前回の相談").get()
    assert consultation.outcome == Outcome.CONTINUED
    assert consultation.next_action_on == in_a_week
    assert list(consultation.issues.order_by("code").values_list("code", flat=True)) == [
        "dementia",
        "isolation",
    ]
