"""既存記録の取り込み in the browser: a file with problems is previewed row by row and nothing
is written; a clean one is committed from its preview (issue 15)."""

import csv
import io
from pathlib import Path

import pytest
from playwright.sync_api import expect

from yorisoi.imports.tests.conftest import csv_bytes, row
from yorisoi.people.models import Person

pytestmark = pytest.mark.browser

WIDE = {"width": 1366, "height": 900}


def _upload(page, name, content):
    page.goto("/imports/")
    page.get_by_label("取り込むファイル（CSV または Excel）").set_input_files(
        {"name": name, "mimeType": "text/csv", "buffer": content}
    )
    page.get_by_role("button", name="確認する").click()
    expect(page.get_by_role("heading", level=1, name="取り込みの確認")).to_be_visible()


def test_a_file_with_problems_is_previewed_row_by_row(page, login, hana, screen, screens_dir):
    page.set_default_timeout(20_000)  # the first page of a session is slow on a busy machine
    login("hana")
    # Occasional work: under the user's name, in the user menu.
    page.get_by_role("button", name="利用者メニュー").click()
    page.get_by_role("navigation", name="利用者メニュー").get_by_role(
        "link", name="取り込み"
    ).click()
    expect(page.get_by_role("heading", level=1, name="既存記録の取り込み")).to_be_visible()
    content = csv_bytes(
        [
            row(name="ﾔﾏﾀﾞ ﾊﾅｺ"),
            row(consultation_ref="C-002", person_ref="P-002", name="佐藤 次郎",
                birth_date="令和6年2月30日", channel="伝書鳩"),
            row(consultation_ref="C-003", person_ref="P-003", name="鈴木 三郎",
                receiving_agency="itaku-soudan-01", summary="=HYPERLINK(\"x\")"),
        ],
        encoding="cp932",
    )  # fmt: skip
    _upload(page, "相談台帳.csv", content)
    expect(page.get_by_role("alert")).to_contain_text("件の問題があるため、何も登録しません")
    problems = page.get_by_role("region", name="行ごとの問題")
    expect(problems).to_contain_text("生年月日")
    expect(problems).to_contain_text("ほかの機関の相談は取り込めません")
    expect(page.get_by_role("button", name="この内容で登録する")).to_have_count(0)
    expect(page.get_by_text("CP932")).to_be_visible()
    screen("import_preview_errors", phone=True)
    page.set_viewport_size(WIDE)
    page.screenshot(path=screens_dir / "import_preview_errors_1366.png", full_page=True)
    assert not Person.objects.exists()


def test_a_clean_file_is_committed_from_its_preview(page, login, hana, screen):
    login("hana")
    _upload(page, "相談台帳.csv", csv_bytes([row()]))
    expect(page.get_by_text("確認済み（未登録）")).to_be_visible()
    page.get_by_role("button", name="この内容で登録する").click()
    expect(page.get_by_text("取り込みました。")).to_be_visible()
    screen("import_committed")
    assert Person.objects.count() == 1


def test_from_the_template_to_the_today_list_and_the_persons_page(page, login, hana, screen):
    """Issue 15's journey: download the CSV template, fill it, import it broken (the problems
    said row by row, nothing written), fix it, import it, and find the consultation in 今日やること
    and the person on their own page."""
    page.set_default_timeout(20_000)  # the first page of a session is slow on a busy machine
    login("hana")
    page.goto("/imports/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSVの様式").click()
    template = Path(download.value.path()).read_bytes()
    assert template.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, so that Excel reads it
    headers = next(csv.reader(io.StringIO(template.decode("utf-8-sig"))))
    assert "本人の外部ID" in headers and "相談の外部ID" in headers

    broken = csv_bytes([row(birth_date="令和6年2月30日", next_action_on="")], headers=headers)
    _upload(page, "相談台帳.csv", broken)
    expect(page.get_by_role("alert")).to_contain_text("件の問題があるため、何も登録しません")
    problems = page.get_by_role("region", name="行ごとの問題")
    expect(problems).to_contain_text("生年月日")
    expect(problems.get_by_role("cell", name="2", exact=True)).to_be_visible()  # its line
    expect(page.get_by_role("button", name="この内容で登録する")).to_have_count(0)
    assert not Person.objects.exists()

    fixed = csv_bytes([row(birth_date="昭和25年4月1日", next_action_on="")], headers=headers)
    _upload(page, "相談台帳（修正）.csv", fixed)
    expect(page.get_by_text("確認済み（未登録）")).to_be_visible()
    page.get_by_role("button", name="この内容で登録する").click()
    expect(page.get_by_text("取り込みました。")).to_be_visible()

    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="今日やること")).to_be_visible()
    expect(page.get_by_role("link", name="山田 花子")).to_be_visible()
    screen("import_today")
    page.goto("/people/")
    page.get_by_role("link", name="山田 花子").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("山田 花子")
    expect(page.get_by_text("1950")).to_be_visible()  # 昭和25年 read as 1950
    screen("import_person")
