"""Journey (issue 14, item 3): the person's page is their whole story as far as R6 allows, and
the next step starts from it with the person already chosen — no 700-name list to search."""

import pytest
from playwright.sync_api import expect

from yorisoi.people.tests.test_person_story import build_story

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture
def story(hana, saki, ichiro):
    return build_story(hana, saki, ichiro)


def test_the_person_page_tells_their_story_and_starts_the_next_step(
    page,
    login,
    story,
    hana,
    saki,
    ichiro,
    screen,
    screens_dir,
):
    person = story["person"]
    login("saki")
    page.goto(f"/people/{person.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("山田 花子")
    for heading in ("相談", "つなぎ・移管", "ケース", "アウトリーチ", "参加支援"):
        expect(page.get_by_role("heading", level=2, name=heading)).to_be_visible()
    expect(page.get_by_text("就労の相談（Sだけ）")).to_be_visible()
    expect(page.get_by_text("見ることのできるアウトリーチはありません。")).to_be_visible()
    screen("person_story", phone=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=screens_dir / "person_story_1366.png", full_page=True)

    page.get_by_role("link", name="相談を受け付ける").click()
    expect(page.get_by_role("radio", name="山田 花子", exact=False)).to_be_checked()


def test_agency_a_sees_its_outreach_and_participation_on_the_page(
    page,
    login,
    story,
    hana,
    screen,
):
    login("hana")
    page.goto(f"/people/{story['person'].pk}/")
    expect(page.get_by_role("link", name="中部2丁目 2階の方")).to_be_visible()
    expect(page.get_by_role("link", name="週1回通う")).to_be_visible()
    expect(page.get_by_text("就労の相談（Sだけ）")).to_have_count(0)
    screen("person_story_agency_a", phone=True)


def test_the_coordinator_opens_a_case_for_the_person_from_their_page(
    page,
    login,
    story,
    ichiro,
    screen,
):
    person = story["person"]
    login("ichiro")
    page.goto(f"/people/{person.pk}/")
    page.get_by_role("link", name="ケースを開く").click()
    # The person is already chosen in the 本人 picker (and only they are).
    chosen = page.locator("#id_persons_chosen input:checked")
    expect(chosen).to_have_count(1)
    expect(chosen).to_have_value(str(person.pk))
