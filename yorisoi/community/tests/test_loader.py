"""load_community: the plan's programs ア–オ and their sites as data, all or nothing (R7)."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from yorisoi.community import loader
from yorisoi.community.models import CommunityProgram, Site

GOOD = """
[[programs]]
code = "p1"
letter = "ア"
name = "地域介護予防活動支援事業"
training_names = ["ヘルスリーダー養成講座"]

[[programs]]
code = "p2"
letter = "イ"
name = "生活支援体制整備事業"

[[sites]]
code = "s1"
program = "p1"
name = "通いの場"
district = "hinaga"

[[sites]]
code = "s2"
program = "p2"
name = "北部地域 生活支援コーディネーター"
area = "north"
"""


def _file(tmp_path, text) -> Path:
    path = tmp_path / "community.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_has_the_plans_five_programs_and_23_childcare_centres(master):
    loader.load()
    letters = list(CommunityProgram.objects.filter(active=True).values_list("letter", flat=True))
    assert letters == ["ア", "イ", "ウ", "エ", "オ"]
    centres = Site.objects.filter(program__code="kosodate-kyoten", active=True)
    assert centres.count() == 23
    kinds = {k: centres.filter(kind=k).count() for k in set(centres.values_list("kind", flat=True))}
    assert kinds == {
        "子育て支援センター（単独型）": 2,
        "子育て支援センター（公立保育園）": 10,
        "子育て支援センター（私立保育園）": 9,
        "子育て支援センター（医療機関型）": 2,
    }
    coordinators = Site.objects.filter(program__code="seikatsu-shien").order_by("order")
    assert [s.area.code for s in coordinators] == ["north", "central", "south"]
    assert CommunityProgram.objects.get(letter="ア").training_names == ["ヘルスリーダー養成講座"]
    assert "災害ボランティアセンターアドバイザー養成講座" in (
        CommunityProgram.objects.get(letter="オ").training_names
    )


def test_a_sites_area_follows_from_its_district(master, tmp_path):
    loader.load(_file(tmp_path, GOOD))
    site = Site.objects.get(code="s1")
    assert (site.district.code, site.area.code) == ("hinaga", "south")


def test_loading_twice_changes_nothing(master, tmp_path):
    path = _file(tmp_path, GOOD)
    first = loader.load(path)
    assert first.created == {"programs": 2, "sites": 2}
    second = loader.load(path)
    assert second.created == {"programs": 0, "sites": 0}
    assert second.updated == {"programs": 0, "sites": 0}
    assert Site.objects.count() == 2


def test_a_site_the_new_file_drops_is_deactivated_not_deleted(master, tmp_path):
    loader.load(_file(tmp_path, GOOD))
    without_s2 = GOOD.split('[[sites]]\ncode = "s2"')[0]
    result = loader.load(_file(tmp_path, without_s2))
    assert result.deactivated["sites"] == 1
    assert Site.objects.get(code="s2").active is False


def test_a_bad_file_is_rejected_whole_with_a_problem_per_row(master, tmp_path):
    loader.load(_file(tmp_path, GOOD))
    bad = (
        GOOD.replace('name = "通いの場"', 'name = "通いの場（改名）"')
        + """
[[sites]]
code = "s1"
program = "p9"
name = "重複"
district = "atlantis"

[[sites]]
code = "s4"
program = "p1"
name = "食い違い"
area = "north"
district = "hinaga"

[[programs]]
code = "p3"
name = "記号なし"
"""
    )
    with pytest.raises(loader.CommunityDataError) as err:
        loader.load(_file(tmp_path, bad))
    problems = "\n".join(err.value.problems)
    assert "[[programs]] 3行目: letter がありません。" in problems
    assert "[[sites]] 3行目: code「s1」が重複しています。" in problems
    assert "program「p9」は [[programs]] にありません" in problems
    assert "district「atlantis」は地区（マスタデータ）にありません" in problems
    assert "地区「hinaga」は地域「south」に属します" in problems
    # Nothing half-imported: the valid rename in the same file did not happen either.
    assert Site.objects.get(code="s1").name == "通いの場"
    assert not Site.objects.filter(code="s4").exists()


def test_the_command_reports_problems_and_changes_nothing(master, tmp_path):
    with pytest.raises(CommandError, match="何も変更していません"):
        call_command("load_community", str(_file(tmp_path, "[[programs]]\ncode = 'x'\n")))
    assert not CommunityProgram.objects.exists()
    out = StringIO()
    call_command("load_community", str(_file(tmp_path, GOOD)), stdout=out)
    assert "programs: 追加 2, 更新 0, 無効化 0" in out.getvalue()


def test_a_file_that_is_not_toml_is_refused(master, tmp_path):
    with pytest.raises(loader.CommunityDataError, match="TOMLの書式"):
        loader.load(_file(tmp_path, "[[programs]\n"))
