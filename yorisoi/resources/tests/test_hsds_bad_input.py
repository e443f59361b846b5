"""A bad HSDS file is refused whole, with every problem listed per record."""

import pytest

from yorisoi.audit.models import AuditEvent
from yorisoi.resources import hsds, services
from yorisoi.resources.models import Organization, Service

ORG = "11111111-1111-4111-8111-111111111111"
SVC = "22222222-2222-4222-8222-222222222222"
SVC2 = "33333333-3333-4333-8333-333333333333"


def _doc(terms, **changes):
    doc = {
        "hsds_version": "3.0",
        "organizations": [{"id": ORG, "name": "NPO法人テスト", "description": ""}],
        "services": [
            {"id": SVC, "organization_id": ORG, "name": "よい資源", "status": "active"},
            {"id": SVC2, "organization_id": ORG, "name": "もう一つ", "status": "active"},
        ],
        "locations": [],
        "service_at_locations": [],
        "schedules": [
            {
                "id": "44444444-4444-4444-8444-444444444444",
                "service_id": SVC,
                "freq": "WEEKLY",
                "byday": "WE",
                "opens_at": "10:00",
                "closes_at": "15:00",
            },
        ],
        "taxonomy_terms": [{"id": str(terms["ibasho"].pk), "code": "ibasho", "name": "居場所"}],
        "attributes": [
            {
                "id": "55555555-5555-4555-8555-555555555555",
                "link_id": SVC,
                "link_type": "service",
                "taxonomy_term_id": str(terms["ibasho"].pk),
            },
        ],
    }
    doc.update(changes)
    return doc


def _problems(doc, actor):
    with pytest.raises(hsds.HsdsProblems) as exc:
        services.hsds_import(actor=actor, data=doc)
    return [p["text"] for p in exc.value.problems]


def test_the_clean_document_imports(terms, ichiro):
    outcome = services.hsds_import(actor=ichiro, data=_doc(terms))
    assert outcome.created["services"] == 2


def test_missing_required_fields_are_named_per_record_and_nothing_is_written(terms, ichiro):
    doc = _doc(terms)
    del doc["services"][1]["name"]
    doc["organizations"][0]["name"] = ""
    problems = _problems(doc, ichiro)
    assert f"services[1] (id {SVC2}): 必須項目 name がありません。" in problems
    assert f"organizations[0] (id {ORG}): 必須項目 name がありません。" in problems
    # The good service in the same file was not half-imported.
    assert not Service.objects.filter(pk=SVC).exists()
    assert not Organization.objects.filter(pk=ORG).exists()
    assert not AuditEvent.objects.filter(action="resources.imported").exists()


def test_terms_of_another_taxonomy_are_kept_but_a_missing_term_is_refused(terms, ichiro):
    doc = _doc(terms)
    doc["taxonomy_terms"].append(
        {
            "id": "66666666-6666-4666-8666-666666666666",
            "code": "casino",
            "name": "カジノ",
            "taxonomy": "another",
        }
    )
    doc["attributes"].append(
        {"id": "77777777-7777-4777-8777-777777777777", "link_id": SVC2,
         "taxonomy_term_id": "88888888-8888-4888-8888-888888888888"}
    )  # fmt: skip
    problems = _problems(doc, ichiro)
    assert not any(p.startswith("taxonomy_terms[1]") for p in problems)
    assert any(p.startswith("attributes[1]") and "taxonomy_term_id の参照先" in p for p in problems)
    assert not Service.objects.exists()


def test_duplicate_ids_are_refused(terms, ichiro):
    doc = _doc(terms)
    doc["services"][1]["id"] = SVC
    problems = _problems(doc, ichiro)
    assert f"services[1] (id {SVC}): id が重複しています（name が違います）。" in problems
    assert not Service.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"opens_at": "15:00", "closes_at": "10:00"}, "終了時刻は開始時刻より後"),
        ({"byday": "WEDNESDAY"}, "byday"),
        ({"byday": "2WE"}, "毎月（MONTHLY）"),
        ({"opens_at": "25:99"}, "時刻"),
        ({"freq": "HOURLY"}, "freq"),
        ({"service_id": "99999999-9999-4999-8999-999999999999"}, "service_id の参照先"),
        ({"valid_from": "2027-01-01", "valid_to": "2026-01-01"}, "有効期間"),
    ],
)
def test_broken_schedules_are_refused(terms, ichiro, change, expected):
    doc = _doc(terms)
    doc["schedules"][0].update(change)
    problems = _problems(doc, ichiro)
    assert any(p.startswith("schedules[0]") and expected in p for p in problems), problems
    assert not Service.objects.exists()


def test_every_problem_is_reported_at_once(terms, ichiro):
    doc = _doc(terms)
    doc["services"][0]["status"] = "open"
    doc["services"][1]["organization_id"] = "99999999-9999-4999-8999-999999999999"
    doc["schedules"][0]["byday"] = "XX"
    doc["locations"] = [{"id": "not-a-uuid", "name": "会場", "x_district": "atlantis"}]
    problems = _problems(doc, ichiro)
    assert len(problems) >= 4
    assert any(p.startswith("services[0]") and "status" in p for p in problems)
    assert any(p.startswith("services[1]") and "organization_id" in p for p in problems)
    assert any(p.startswith("locations[0] (id not-a-uuid)") for p in problems)


def test_a_document_that_is_not_an_object_is_refused(terms, ichiro):
    with pytest.raises(hsds.HsdsProblems):
        services.hsds_import(actor=ichiro, data=[1, 2, 3])


def test_unknown_district_is_refused(terms, ichiro):
    loc = "aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa"
    doc = _doc(terms, locations=[{"id": loc, "name": "会場", "x_district": "atlantis"}])
    problems = _problems(doc, ichiro)
    assert f"locations[0] (id {loc}): 不明な地区コードです（atlantis）。" in problems
