"""Master data is data: the plan's agencies load from a file, another city loads its own."""

import textwrap

import pytest
from django.core.management import CommandError, call_command

from yorisoi.directory import loader
from yorisoi.directory.models import Agency, AgencyKind, District, IssueCategory


def test_yokkaichi_file_matches_the_plan(master):
    kinds = AgencyKind.objects.filter(active=True)
    # The plan's table has 22 rows (民生委員・児童委員 included) plus 福祉総務課.
    assert kinds.count() == 23
    zaitaku = kinds.get(name="在宅介護支援センター")
    assert (zaitaku.site_count, zaitaku.operations_display) == (26, "委託")
    assert zaitaku.agency_set.count() == 26
    assert kinds.get(name="子育て支援センター").agency_set.count() == 23
    assert kinds.get(name="子育てコンシェルジュ").operations_display == "直営及び委託"
    assert kinds.get(name="民生委員・児童委員").site_count_display == "613人"
    assert kinds.get(name="保護課").site_count_display == "－"
    coordinating = kinds.get(coordinating=True)
    assert coordinating.name == "福祉総務課"
    assert District.objects.count() == 24
    for name in [
        "認知症",
        "知的障害",
        "精神疾患の疑い",
        "ひきこもり",
        "8050問題",
        "ヤングケアラー",
        "DV",
        "不登校",
    ]:
        assert IssueCategory.objects.filter(name__startswith=name).exists(), name


def test_loading_twice_changes_nothing(master):
    counts = (AgencyKind.objects.count(), Agency.objects.count(), IssueCategory.objects.count())
    result = loader.load()
    assert sum(result.created.values()) == sum(result.updated.values()) == 0
    assert counts == (
        AgencyKind.objects.count(),
        Agency.objects.count(),
        IssueCategory.objects.count(),
    )


OTHER_CITY = textwrap.dedent("""
    [city]
    code = "sample"
    name = "サンプル市"

    [[districts]]
    code = "east"
    name = "東地区"

    [[domains]]
    code = "elderly"
    name = "高齢・介護"

    [[agency_kinds]]
    code = "soumu"
    name = "地域福祉課"
    operations = ["direct"]
    domains = ["elderly"]
    coordinating = true

    [[agencies]]
    code = "soumu"
    kind = "soumu"
    name = "地域福祉課"
    district = "east"

    [[issues]]
    code = "dementia"
    name = "認知症"
    domain = "elderly"
""")


def test_another_city_loads_its_own_file_and_old_rows_are_deactivated(master, tmp_path):
    path = tmp_path / "sample.toml"
    path.write_text(OTHER_CITY, encoding="utf-8")
    call_command("load_master", str(path))
    assert list(AgencyKind.objects.filter(active=True).values_list("name", flat=True)) == [
        "地域福祉課"
    ]
    # R7: nothing deleted, only deactivated
    assert AgencyKind.objects.filter(active=False, name="在宅介護支援センター").exists()
    assert Agency.objects.get(code="soumu").district.name == "東地区"


def test_a_broken_file_is_rejected_whole_with_problems_per_row(master, tmp_path):
    broken = (
        OTHER_CITY.replace('kind = "soumu"', 'kind = "missing"').replace(
            'operations = ["direct"]', 'operations = ["outsourced"]'
        )
        + '\n[[issues]]\ncode = "dementia"\nname = "重複"\ndomain = "elderly"\n'
    )
    path = tmp_path / "broken.toml"
    path.write_text(broken, encoding="utf-8")
    before = AgencyKind.objects.filter(active=True).count()
    with pytest.raises(CommandError) as exc:
        call_command("load_master", str(path))
    message = str(exc.value)
    assert (
        "[[agencies]] 1行目（soumu）: kind「missing」は [[agency_kinds]] にありません。" in message
    )
    assert "operations「outsourced」" in message
    assert "code「dementia」が重複しています" in message
    assert AgencyKind.objects.filter(active=True).count() == before  # nothing half-loaded


def test_not_toml_is_a_clear_error(db, tmp_path):
    path = tmp_path / "x.toml"
    path.write_text("[[agencies]\n", encoding="utf-8")
    with pytest.raises(CommandError, match="TOMLの書式に誤りがあります"):
        call_command("load_master", str(path))
