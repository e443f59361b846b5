"""English through Django i18n: Japanese stays the source text and the default.

The msgids are the Japanese text itself, so a screen with no catalogue (Japanese) shows them as
written; yorisoi/locale/en/LC_MESSAGES/django.po turns them into English. The compiled .mo is
committed too, so a machine without gettext runs the English screens; the last tests fail when
the .po has an untranslated entry or the .mo no longer says what the .po says.
"""

import ast
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from yorisoi.testing import client_for

PO_PATH = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"
ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture(autouse=True)
def _japanese_afterwards():
    """LocaleMiddleware leaves the last request's language active in the thread; tests that
    call code directly after these must see the default (Japanese) again."""
    yield
    translation.deactivate()


def _english(client):
    """What the language switcher leaves behind: the language cookie."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _page(response):
    assert response.status_code in (200, 422), response.status_code
    return response.content.decode()


# --- screens --------------------------------------------------------------------------------


def test_login_page_in_english_when_the_browser_asks_for_it(client):
    body = _page(client.get(reverse("accounts:login"), **ENGLISH))
    assert '<html lang="en">' in body
    for text in ["Log in", "User ID", "Password", "Enter the user ID and password issued by"]:
        assert text in body
    assert "利用者ID" not in body


def test_japanese_is_the_default_for_a_browser_that_asks_for_nothing(client):
    body = _page(client.get(reverse("accounts:login")))
    assert '<html lang="ja">' in body
    assert "利用者ID" in body
    assert "User ID" not in body


def test_japanese_browser_gets_japanese(client):
    body = _page(client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="ja-JP,ja;q=0.9"))
    assert '<html lang="ja">' in body
    assert "ログイン" in body


def test_home_in_english(hana, ken):
    body = _page(_english(client_for(hana)).get(reverse("front:home")))
    assert '<html lang="en">' in body
    nav = body.split('aria-label="Main menu"', 1)[1].split("</nav>", 1)[0]
    for label in ["Home", "People", "Households"]:
        assert f">{label}</a>" in nav
    # API tokens wait in the user menu, under the user's name.
    assert ">API tokens</a>" in body.split('id="user-menu"', 1)[1].split("</nav>", 1)[0]
    assert ">API tokens</a>" not in nav
    assert "Log out" in body
    # A role without a work list (an analyst) gets the home page's tiles and who they are.
    assert "ken (" in _page(_english(client_for(ken)).get(reverse("front:home")))


@pytest.mark.parametrize(
    "page, texts, not_translated",
    [
        pytest.param(
            "people:person_list",
            [
                "<h1>People</h1>",
                "Register a person",
                "Name or kana reading",
                "Date of birth",
                ">Search</button>",
                "Registered: 0 people",
            ],
            ["本人を登録する"],
            id="person_list",
        ),
        pytest.param(
            "people:household_create",
            [
                "<h1>Register a household</h1>",
                "<legend>Member 1</legend>",
                "Relationship",
                "Head of household",
                "Family name (kana)",
                "Japanese era dates accepted",
                "Required",
            ],
            [],
            id="household_form",
        ),
    ],
)
def test_people_pages_in_english(hana, page, texts, not_translated):
    body = _page(_english(client_for(hana)).get(reverse(page)))
    assert '<html lang="en">' in body
    for text in texts:
        assert text in body
    for text in not_translated:
        assert text not in body


def test_a_bad_wareki_date_is_explained_in_english(hana):
    response = _english(client_for(hana)).post(
        reverse("people:person_create"), {"family_name": "寄添", "birth_date": "S50.2.30"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "Please check what you entered" in body
    assert "Date of birth: There is no such date: month 2, day 30." in body


def test_a_missing_field_is_named_in_english(hana):
    response = _english(client_for(hana)).post(
        reverse("people:person_create"), {"birth_date": "令和0年1月1日"}
    )
    body = _page(response)
    assert "Family name is required." in body
    assert "There is no year 0 of 令和" in body


def test_the_same_error_stays_japanese_in_japanese(hana):
    response = client_for(hana).post(
        reverse("people:person_create"), {"family_name": "寄添", "birth_date": "S50.2.30"}
    )
    assert "生年月日: 2月30日は存在しない日付です。" in _page(response)


def test_success_message_in_english(hana):
    response = _english(client_for(hana)).post(
        reverse("people:household_create"),
        {
            "members-TOTAL_FORMS": "1",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "1",
            "members-MAX_NUM_FORMS": "20",
            "members-0-relationship": "head",
            "members-0-family_name": "寄添",
            "members-0-given_name": "一郎",
        },
        follow=True,
    )
    body = _page(response)
    assert "Registered the household (1 member)." in body
    assert "Head of household" in body


def test_api_answers_in_japanese_even_when_asked_for_english(hana):
    response = client_for(hana).post(
        "/api/v1/people",
        json.dumps({"family_name": "寄添", "birth_date": "S50.2.30"}),
        content_type="application/json",
        **ENGLISH,
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "2月30日は存在しない日付です。"


# --- the switcher ---------------------------------------------------------------------------


def test_header_offers_each_language_named_in_itself(client):
    body = _page(client.get(reverse("accounts:login")))
    switcher = body.split(f'action="{reverse("set_language")}"', 1)[1].split("</form>", 1)[0]
    assert '<span lang="ja">日本語</span>' in switcher  # the current one, not a button
    assert 'name="language" value="en" lang="en"' in switcher
    assert 'name="next"' not in switcher  # set_language goes back to the Referer
    english = _page(client.get(reverse("accounts:login"), **ENGLISH))
    assert 'name="language" value="ja" lang="ja" class="button button--text">日本語<' in english
    assert '<span lang="en">English</span>' in english


def test_switching_to_english_and_back_returns_to_the_same_page(client):
    # The browser sends the page it was on as Referer (SECURE_REFERRER_POLICY = same-origin).
    login = "http://testserver" + reverse("accounts:login") + "?next=/people/"
    response = client.post(reverse("set_language"), {"language": "en"}, HTTP_REFERER=login)
    assert response.status_code == 302
    assert response["Location"] == login
    assert '<html lang="en">' in _page(client.get(login))
    client.post(reverse("set_language"), {"language": "ja"}, HTTP_REFERER=login)
    assert '<html lang="ja">' in _page(client.get(login))


def test_switching_never_redirects_off_site(client):
    response = client.post(
        reverse("set_language"), {"language": "en"}, HTTP_REFERER="https://evil.example/"
    )
    assert response["Location"] == "/"


# --- the catalogue --------------------------------------------------------------------------


def _read_po(path):
    """A tiny .po reader: entries as dicts of msgctxt, msgid, msgid_plural, msgstr[n], flags."""
    entries, entry, key = [], {}, None
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {}, None
        elif line.startswith("#,"):
            entry["flags"] = {f.strip() for f in line[2:].split(",")}
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            match = re.fullmatch(r"(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (\".*\")", line)
            assert match, f"unreadable line in {path.name}: {raw}"
            key = match[1]
            entry[key] = ast.literal_eval(match[2])
    return [e for e in entries if e["msgid"]]  # the first entry is the header


CATALOGUE = _read_po(PO_PATH)


def _label(entry):
    return f"{entry.get('msgctxt', '')}|{entry['msgid']}"


def test_catalogue_is_not_empty():
    assert len(CATALOGUE) > 200


def _untranslated(entry):
    strings = [v for k, v in entry.items() if k.startswith("msgstr")]
    return (
        "fuzzy" in entry.get("flags", set())
        or not strings
        or not all(s.strip() for s in strings)
        or entry["msgid"] in strings  # Japanese copied over is not a translation
    )


def test_every_msgid_has_an_english_translation():
    assert [_label(e) for e in CATALOGUE if _untranslated(e)] == []


def _compiled(entry):
    """What Django answers for `entry` in English, in the .po's terms ({msgstr key: text})."""
    ctx, msgid = entry.get("msgctxt"), entry["msgid"]
    with translation.override("en"):
        if "msgid_plural" in entry:
            args = (msgid, entry["msgid_plural"])
            return {
                key: translation.npgettext(ctx, *args, n) if ctx else translation.ngettext(*args, n)
                for n, key in ((1, "msgstr[0]"), (2, "msgstr[1]"))
            }
        if ctx:
            return {"msgstr": translation.pgettext(ctx, msgid)}
        return {"msgstr": translation.gettext(msgid)}


def test_compiled_catalogue_says_what_the_po_says():
    """The committed .mo is what Django reads: it must not lag behind the .po."""
    stale = [
        _label(e)
        for e in CATALOGUE
        if _compiled(e) != {k: v for k, v in e.items() if k.startswith("msgstr")}
    ]
    assert stale == []


def test_evaluation_dashboard_in_english(ichiro):
    body = _page(
        _english(client_for(ichiro)).get(reverse("evaluation:dashboard") + "?period=FY2025")
    )
    for text in ["Evaluation (PDCA)", "Consultations received", "Comprehensive consultation",
                 "FY2025"]:  # fmt: skip
        assert text in body, text
    assert "(April 1, 2025 – March 31, 2026)" in body  # the period's days, in English
    assert "相談の受付件数" not in body and "包括的相談支援" not in body and "年4月" not in body
