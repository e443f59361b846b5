"""The shipped categories are data (data/taxonomy.json), loaded idempotently."""

import json

from django.core.management import call_command

from yorisoi.resources import taxonomy
from yorisoi.resources.models import TaxonomyTerm, taxonomy_term_id


def test_the_categories_of_the_issue_are_shipped_with_stable_ids(terms):
    names = set(TaxonomyTerm.objects.values_list("name", flat=True))
    for name in ["居場所", "就労体験", "ボランティア", "サロン・通いの場", "学習支援", "子育て",
                 "趣味・交流", "地域活動支援センター", "相談"]:  # fmt: skip
        assert name in names
    assert terms["ibasho"].pk == taxonomy_term_id("ibasho")
    assert terms["ibasho-hikikomori"].parent == terms["ibasho"]


def test_loading_twice_changes_nothing_and_dropped_terms_are_deactivated(terms, tmp_path):
    assert taxonomy.load() == 0
    data = taxonomy.read()
    data["terms"] = [t for t in data["terms"] if t["code"] != "sonota"]
    path = tmp_path / "taxonomy.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("load_resource_taxonomy", file=str(path))
    assert TaxonomyTerm.objects.get(code="sonota").active is False  # kept, not deleted
