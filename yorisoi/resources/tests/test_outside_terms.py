"""Outside terms (issue 17 part 3): a term of another taxonomy that an HSDS file brings is kept,
and those who keep the directory map it to one of the city's categories, on the screen or by
PUT /api/v1/resources/outside-terms/{id} (one service: services.outside_term_map). Its
services are then found under the city's category — the directory's filter, the HSDS read
API's taxonomy_term_id and participation matching — and the export still writes the term they
came with."""

import pytest
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.errors import ConcurrentEditError, RuleViolation
from yorisoi.participation.selectors import rank_resources
from yorisoi.participation.tests.world import need
from yorisoi.resources import hsds, selectors, services
from yorisoi.resources.models import HsdsRecord, OutsideTermMapping, ServiceTaxonomy
from yorisoi.resources.tests import hsds_spec
from yorisoi.resources.tests.test_hsds_spec_import import official
from yorisoi.testing import client_for

ORG = "7a0e1d2c-0000-4000-8000-000000000001"
SERVICE = "7a0e1d2c-0000-4000-8000-000000000002"
TAXONOMY = "7a0e1d2c-0000-4000-8000-000000000003"
DROP_IN = "7a0e1d2c-0000-4000-8000-000000000004"  # carried by the service
LITERACY = "7a0e1d2c-0000-4000-8000-000000000005"  # carried by nobody


def outside_document() -> dict:
    """A neighbouring city's file: one service, categorised in Open Eligibility only."""
    return {
        "organizations.csv": [{"id": ORG, "name": "隣町の会", "description": ""}],
        "services.csv": [{"id": SERVICE, "organization_id": ORG, "name": "隣町のたまり場",
                          "status": "active"}],
        "taxonomies.csv": [{"id": TAXONOMY, "name": "Open Eligibility",
                            "description": "Open Referral's taxonomy"}],
        "taxonomy_terms.csv": [
            {"id": DROP_IN, "code": "drop-in", "name": "Drop-in Center",
             "description": "A place to drop in", "taxonomy": "Open Eligibility",
             "taxonomy_id": TAXONOMY},
            {"id": LITERACY, "code": "literacy", "name": "Literacy",
             "description": "Reading and writing", "taxonomy_id": TAXONOMY},
        ],
        "attributes.csv": [{"id": "7a0e1d2c-0000-4000-8000-000000000006", "link_id": SERVICE,
                            "link_type": "service", "link_entity": "service",
                            "taxonomy_term_id": DROP_IN}],
    }  # fmt: skip


@pytest.fixture
def outside(directory, ichiro):
    services.hsds_import(actor=ichiro, data=outside_document())
    return HsdsRecord.objects.get(table="taxonomy_term", record_id=DROP_IN)


def _map(user, term_id, mapped_to, version, *, door):
    """Map through one door; returns the HTTP response."""
    client = client_for(user)
    if door == "screen":
        url = reverse("resources:outside_term_map", args=[term_id])
        data = {"version": str(version), "mapped_to": str(mapped_to.pk) if mapped_to else ""}
        return client.post(url, data)
    return client.put(
        f"/api/v1/resources/outside-terms/{term_id}",
        {"mapped_to": str(mapped_to.pk) if mapped_to else None, "version": version},
        content_type="application/json",
    )


def _mapping(term_id):
    return OutsideTermMapping.objects.filter(term__record_id=term_id).first()


def _found(user, category):
    query = selectors.ResourceQuery(category=category)
    return {s.name for s in selectors.search(user=user, query=query)}


def test_the_import_keeps_outside_terms_and_the_screen_and_api_list_them(outside, masaki):
    client = client_for(masaki)
    page = client.get(reverse("resources:outside_term_list")).content.decode()
    for text in ("Open Eligibility", "drop-in", "Drop-in Center", "Literacy", "未対応"):
        assert text in page
    body = client.get("/api/v1/resources/outside-terms", {"page_size": 1}).json()
    assert body["count"] == 2 and body["page_size"] == 1
    (first,) = body["items"]
    assert first == {"id": DROP_IN, "taxonomy": "Open Eligibility", "code": "drop-in",
                     "name": "Drop-in Center", "services": 1, "mapped_to": None, "version": 0}  # fmt: skip
    second = client.get("/api/v1/resources/outside-terms", {"page": 2, "page_size": 1}).json()
    assert second["items"][0]["id"] == LITERACY and second["items"][0]["services"] == 0


@pytest.mark.parametrize("door", ["screen", "api"])
def test_both_doors_map_refuse_and_detect_a_stale_version_alike(
    outside, terms, masaki, hana, ken, ichiro, door
):
    ibasho = terms["ibasho"]

    allowed = _map(masaki, DROP_IN, ibasho, 0, door=door)

    assert allowed.status_code == (302 if door == "screen" else 200)
    mapping = _mapping(DROP_IN)
    assert mapping.mapped_to == ibasho and mapping.version == 1
    if door == "api":
        assert allowed.json()["mapped_to"]["code"] == "ibasho" and allowed.json()["version"] == 1
    event = AuditEvent.objects.get(action="resource.outside_term_mapped")
    assert event.target_id == str(mapping.pk) and event.data["mapped_to"] == str(ibasho.pk)
    # Staff and analysts read the directory but do not keep it: refused, nothing changed.
    for refused in (hana, ken):
        assert _map(refused, DROP_IN, None, 1, door=door).status_code == 403
    assert _mapping(DROP_IN).mapped_to == ibasho
    # Someone else maps in between: the version seen (0) is stale.
    stale = _map(ichiro, DROP_IN, terms["salon"], 0, door=door)
    assert stale.status_code == 409
    if door == "screen":
        assert "ほかの人が先にこの分類の対応づけを変更しました" in stale.content.decode()
    else:
        assert stale.json()["code"] == "concurrent_edit"
    assert _mapping(DROP_IN).mapped_to == ibasho and _mapping(DROP_IN).version == 1
    # An unknown term is not found, whichever the door.
    assert _map(masaki, "no-such-term", ibasho, 0, door=door).status_code == 404


def test_the_screen_shows_the_form_with_its_label_help_and_errors(outside, masaki):
    client = client_for(masaki)
    url = reverse("resources:outside_term_map", args=[DROP_IN])
    html = client.get(url).content.decode()
    assert 'name="version" value="0"' in html and 'for="id_mapped_to"' in html
    assert 'aria-describedby="id_mapped_to_helptext"' in html and "Drop-in Center" in html
    refused = client.post(url, {"version": "0", "mapped_to": "not-a-term"})
    assert refused.status_code == 422
    assert 'id="id_mapped_to_error"' in refused.content.decode()
    assert _mapping(DROP_IN) is None


def test_the_api_refuses_an_unknown_city_term_by_field(outside, masaki):
    response = client_for(masaki).put(
        f"/api/v1/resources/outside-terms/{DROP_IN}",
        {"mapped_to": "7a0e1d2c-0000-4000-8000-0000000000ff", "version": 0},
        content_type="application/json",
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "mapped_to"


def test_a_mapped_service_is_found_under_the_city_category_and_clearing_undoes_it(
    outside, terms, masaki, hana
):
    ibasho, child = terms["ibasho"], terms["ibasho-hikikomori"]
    client = client_for(hana)
    assert "隣町のたまり場" not in _found(hana, ibasho)

    services.outside_term_map(actor=masaki, term=outside, mapped_to=child, version=0)

    # The directory's filter: the category, and its parent (a sub-category's resources count).
    assert "隣町のたまり場" in _found(hana, child) and "隣町のたまり場" in _found(hana, ibasho)
    page = client.get(reverse("resources:service_list"), {"category": "ibasho"}).content.decode()
    assert "隣町のたまり場" in page
    listed = client.get("/api/v1/resources", {"category": "ibasho-hikikomori"}).json()
    assert "隣町のたまり場" in {i["name"] for i in listed["items"]}
    assert "隣町のたまり場" not in _found(hana, terms["salon"])
    # The HSDS read API's taxonomy_term_id: the city's term finds it; the received one too.
    hsds_names = lambda term_id: {  # noqa: E731
        r["name"] for r in client.get("/api/v1/hsds/services",
                                      {"taxonomy_term_id": term_id}).json()["contents"]
    }  # fmt: skip
    assert hsds_names(str(child.pk)) == {"北の居場所", "隣町のたまり場"}
    assert hsds_names(DROP_IN) == {"隣町のたまり場"}

    cleared = services.outside_term_map(actor=masaki, term=outside, mapped_to=None, version=1)

    assert cleared.version == 2 and cleared.mapped_to is None
    assert "隣町のたまり場" not in _found(hana, ibasho) | _found(hana, child)
    assert hsds_names(str(child.pk)) == {"北の居場所"}
    # Nothing is lost (R7): the row stays, and its history says it was mapped.
    assert [h.mapped_to_id for h in cleared.history.order_by("history_date")] == [child.pk, None]


def test_matching_reads_a_mapped_outside_term_as_the_city_category(outside, terms, masaki, hana):
    def reasons():
        ranked = {r.service.name: r.reasons for r in rank_resources(need(hana), limit=20)}
        return ranked["隣町のたまり場"]

    assert "関心の分類とは異なる" in reasons()  # need(): an interest in 居場所

    services.outside_term_map(actor=masaki, term=outside, mapped_to=terms["ibasho"], version=0)
    assert "関心（居場所）に合う" in reasons()

    services.outside_term_map(actor=masaki, term=outside, mapped_to=None, version=1)
    assert "関心の分類とは異なる" in reasons()


def test_the_export_still_writes_the_term_received_and_passes_the_schemas(outside, terms, masaki):
    before = hsds.export()

    services.outside_term_map(actor=masaki, term=outside, mapped_to=terms["ibasho"], version=0)

    after = hsds.export()
    assert after == before
    (attribute,) = [a for a in after["attributes.csv"] if a["link_id"] == SERVICE]
    assert attribute["taxonomy_term_id"] == DROP_IN
    assert hsds_spec.tabular_errors("3.0", after) == {}
    assert hsds_spec.tabular_errors("3.1", after) == {}
    # Imported again, the file does not give the service the city's category itself.
    services.hsds_import(actor=masaki, data=after)
    assert not ServiceTaxonomy.objects.filter(service_id=SERVICE).exists()
    assert _mapping(DROP_IN).mapped_to == terms["ibasho"]


def test_only_those_who_keep_the_directory_map_whatever_the_entrance(outside, terms, hana, ken):
    for user in (hana, ken):
        assert client_for(user).get(reverse("resources:outside_term_list")).status_code == 403
        assert client_for(user).get("/api/v1/resources/outside-terms").status_code == 403
        with pytest.raises(RuleViolation):
            services.outside_term_map(actor=user, term=outside, mapped_to=terms["ibasho"],
                                      version=0)  # fmt: skip
    assert not OutsideTermMapping.objects.exists()


def test_a_first_mapping_must_say_version_zero(outside, terms, masaki):
    with pytest.raises(ConcurrentEditError):
        services.outside_term_map(actor=masaki, term=outside, mapped_to=terms["ibasho"], version=1)
    unchanged = services.outside_term_map(actor=masaki, term=outside, mapped_to=None, version=0)
    assert unchanged.version == 0 and not OutsideTermMapping.objects.exists()
    assert not AuditEvent.objects.filter(action="resource.outside_term_mapped").exists()


def test_the_official_example_imports_and_its_outside_term_is_mapped(terms, ichiro, hana):
    services.hsds_import(actor=ichiro, data=official("tabular.json", "3.1"))
    client = client_for(ichiro)
    (term,) = client.get("/api/v1/resources/outside-terms").json()["items"]
    assert term["taxonomy"] == "name" and term["code"] == "code" and term["services"] == 1

    response = client.put(
        f"/api/v1/resources/outside-terms/{term['id']}",
        {"mapped_to": str(terms["shuro-taiken"].pk), "version": 0},
        content_type="application/json",
    )

    assert response.status_code == 200 and response.json()["mapped_to"]["code"] == "shuro-taiken"
    assert _found(hana, terms["shuro-taiken"]) == {"Community Counselling"}
    listed = client.get(reverse("resources:outside_term_list")).content.decode()
    assert "就労体験" in listed and "未対応" not in listed
