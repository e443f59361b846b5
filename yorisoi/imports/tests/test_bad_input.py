"""Every bad input is a clear per-row (or whole-file) problem in Japanese, and nothing is
written: the dry run refuses, and the file is not kept for a commit."""

import pytest
from django.utils import timezone

from yorisoi.http import limits
from yorisoi.imports.models import ImportJob, ImportStatus
from yorisoi.imports.services import import_check
from yorisoi.intake.models import Consultation
from yorisoi.people.models import Person

from .conftest import HEADERS, csv_bytes, row

FUTURE = (timezone.localdate() + timezone.timedelta(days=400)).isoformat()
PAST = (timezone.localdate() - timezone.timedelta(days=3)).isoformat()


def _check(user, content, name="相談.csv"):
    job = import_check(actor=user, file_name=name, content=content)
    assert not Person.objects.exists()
    assert not Consultation.objects.exists()
    return job


def _refused(job):
    assert job.status == ImportStatus.FAILED
    assert bytes(ImportJob.objects.get(pk=job.pk).content) == b""
    return [(p["row"], p["column"], p["message"]) for p in job.errors]


@pytest.mark.parametrize(
    "overrides, column, says",
    [
        ({"birth_date": "1950-02-30"}, "生年月日", "2月30日は存在しない日付です"),
        ({"birth_date": "令和6年13月1日"}, "生年月日", "13月1日は存在しない"),
        ({"received_on": "きのう"}, "受付日", "日付は「2024-04-01」"),
        ({"birth_date": "R6.4.31"}, "生年月日", "4月31日は存在しない"),
        ({"birth_date": "そのうち"}, "生年月日", "生年月日は"),
        ({"received_on": FUTURE}, "受付日", "未来"),
        ({"received_on": ""}, "受付日", "受付日を入力"),
        ({"next_action_on": PAST}, "次の対応予定日", "過去の日付"),
        ({"receiving_agency": "no-such-agency"}, "受付機関コード", "機関の一覧にありません"),
        ({"issues": "care;no-such-issue"}, "課題コード", "no-such-issue"),
        ({"issues": "", "main_issue": ""}, "課題コード", "課題を1つ以上"),
        ({"issues": "care;income", "main_issue": ""}, "主な課題（◎）", "◎"),
        ({"name": ""}, "氏名", "本人の氏名を入力"),
        ({"person_ref": ""}, "本人の外部ID", "本人の外部ID"),
        ({"consultation_ref": ""}, "相談の外部ID", "相談の外部ID"),
        ({"summary": ""}, "相談内容", ""),
        ({"channel": "伝書鳩"}, "相談経路", "窓口"),
        ({"consulter_type": ""}, "相談者", "入力してください"),
        ({"sex": "不明"}, "性別", "女性"),
        ({"relationship": "", "household_ref": "H-1"}, "続柄", "続柄を入力"),
        ({"kana": "Yamada Hanako"}, "フリガナ", ""),
        ({"phone": "でんわ"}, "電話番号", "電話番号は数字"),
        ({"outcome": "他機関へつないだ"}, "受付の結果", "画面から"),
        ({"summary": '=HYPERLINK("http://example.invalid")'}, "相談内容", "数式"),
        ({"address": "+81 三重県"}, "住所", "数式"),
        ({"phone": "-1"}, "電話番号", "数式"),
        ({"name": "@山田 花子"}, "氏名", "数式"),
    ],
)
def test_a_bad_cell_is_named_by_row_and_column(hana, issues, overrides, column, says):
    second = row(**{"consultation_ref": "C-2", "person_ref": "P-2", **overrides})
    problems = _refused(_check(hana, csv_bytes([row(), second])))
    assert [(r, c) for r, c, _m in problems] == [(3, column)], problems
    assert says in problems[0][2]


def test_wareki_and_full_width_dates_are_read(hana, issues):
    for n, text in enumerate(
        ["令和6年4月1日", "R6.4.1", "２０２４年４月１日", "Ｒ６．４．１", "2024/4/1"]
    ):
        job = _check(hana, csv_bytes([row(received_on=text, consultation_ref=f"C-{n}")]))
        assert job.status == ImportStatus.CHECKED, (text, job.problems)


def test_a_duplicate_external_id_in_the_file_is_refused(hana, issues):
    problems = _refused(_check(hana, csv_bytes([row(), row(summary="別の相談")])))
    assert problems == [(3, "相談の外部ID", "同じ相談の外部IDが2行目にもあります。")]


def test_one_person_must_read_the_same_on_every_row(hana, issues):
    problems = _refused(
        _check(hana, csv_bytes([row(), row(consultation_ref="C-2", phone="059-000-0000")]))
    )
    assert [(r, c) for r, c, _m in problems] == [(3, "電話番号")]
    assert "2行目と内容が違います" in problems[0][2]


def test_two_heads_of_one_household_are_refused(hana, issues):
    rows = [
        row(household_ref="H", relationship="世帯主"),
        row(consultation_ref="C-2", person_ref="P-2", name="山田 一郎", household_ref="H",
            relationship="世帯主"),
    ]  # fmt: skip
    problems = _refused(_check(hana, csv_bytes(rows)))
    assert [(r, c) for r, c, _m in problems] == [(3, "続柄")]


def test_half_width_kana_is_normalised_and_only_warned(hana, issues):
    job = _check(hana, csv_bytes([row(name="ﾔﾏﾀﾞ ﾊﾅｺ", kana="ﾔﾏﾀﾞ ﾊﾅｺ")]))
    assert job.status == ImportStatus.CHECKED
    assert [(p["column"], p["level"]) for p in job.problems] == [
        ("氏名", "warning"),
        ("フリガナ", "warning"),
    ]
    assert "全角カナ" in job.problems[0]["message"]


def test_a_row_with_too_few_or_too_many_cells_is_refused(hana, issues):
    good = row()
    cells = [good[k] for k in [c for c in good]]  # in template order
    short = cells[:-3]
    long = [*cells, "余分な値"]
    problems = _refused(_check(hana, csv_bytes([short, long])))
    assert [(r, c) for r, c, _m in problems] == [(2, "列の数"), (3, "列の数")]
    assert "見出しは21列、この行は18列" in problems[0][2]
    assert "この行は22列" in problems[1][2]


def test_a_missing_or_unknown_header_is_refused(hana, issues):
    headers = [h for h in HEADERS if h != "受付日"] + ["好きな食べ物"]
    problems = _refused(_check(hana, csv_bytes([], headers=headers) + b"x\r\n"))
    assert (1, "好きな食べ物", "この項目は取り込みの様式にありません。") in problems
    assert (1, "受付日", "この項目の列がありません。") in problems


@pytest.mark.parametrize(
    "content, says",
    [
        (b"", "ファイルが空です。"),
        (b"\r\n\r\n", "ファイルが空です。"),
        (",".join(HEADERS).encode() + b"\r\n", "データの行がありません"),
    ],
)
def test_an_empty_file_is_refused(hana, issues, content, says):
    problems = _refused(_check(hana, content))
    assert problems == [(0, "", problems[0][2])]
    assert says in problems[0][2]


def test_a_file_over_the_limit_is_refused(hana, issues):
    content = csv_bytes([row()]) + b"#" * limits.MAX_IMPORT_BYTES
    problems = _refused(_check(hana, content))
    assert "50MB" in problems[0][2]


def test_problems_never_quote_the_cell(hana, issues):
    job = _check(hana, csv_bytes([row(birth_date="秘密の誕生日", phone="でんわ090")]))
    text = str(job.problems)
    assert "秘密の誕生日" not in text
    assert "でんわ090" not in text


def test_a_refused_formula_does_not_hide_the_rest_of_the_row(hana, issues):
    bad = row(consultation_ref="C-1", summary="=1+1", receiving_agency="itaku-soudan-01")
    problems = _refused(_check(hana, csv_bytes([bad])))
    assert [(r, c) for r, c, _m in problems] == [(2, "受付機関コード"), (2, "相談内容")]
