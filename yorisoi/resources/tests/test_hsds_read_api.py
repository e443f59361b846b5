"""The HSDS 3 read API (/api/v1/hsds/…): the spec's paths, paging and filters, every record
in every answer valid against the official 3.0 and 3.1 schemas (tests/hsds_spec), read as the
directory is read (casework roles and analysts), read-only."""

import pytest
from django.utils import timezone

from yorisoi.resources import services
from yorisoi.resources.tests import hsds_spec
from yorisoi.resources.tests.test_hsds_spec_import import official
from yorisoi.testing import client_for

BASE = "/api/v1/hsds"
PAGE_KEYS = {"total_items", "total_pages", "page_number", "size", "first_page", "last_page",
             "empty", "contents"}  # fmt: skip


def _valid(table, record):
    for version in ("3.0", "3.1"):
        if table in ("service_capacity", "unit") and version == "3.0":
            continue
        assert hsds_spec.errors(version, table, record) == [], (version, table, record["id"])


@pytest.fixture
def world(directory, ichiro):
    """The test directory and the official 3.1 example (phones, contacts, an outside
    taxonomy, a capacity in kilograms …), side by side."""
    services.hsds_import(actor=ichiro, data=official("tabular.json", "3.0"))
    example = official("service_full.json", "3.1")
    services.hsds_import(actor=ichiro, data=example)
    return directory


PATHS = [
    ("/services", "service"),
    ("/services?full=true", "service"),
    ("/organizations", "organization"),
    ("/organizations?full=true", "organization"),
    ("/organizations?full_service=true", "organization"),
    ("/service_at_locations", "service_at_location"),
    ("/service_at_locations?full=true", "service_at_location"),
    ("/taxonomies", "taxonomy"),
    ("/taxonomy_terms", "taxonomy_term"),
]


@pytest.mark.parametrize(("path", "table"), PATHS)
def test_every_list_is_a_spec_page_of_valid_records(world, ken, path, table):
    body = client_for(ken).get(BASE + path).json()

    assert set(body) == PAGE_KEYS
    assert body["total_items"] >= 1 and body["size"] == len(body["contents"])
    assert body["first_page"] and body["last_page"] and not body["empty"]
    for record in body["contents"]:
        _valid(table, record)


def test_every_detail_is_the_full_record_and_valid(world, ken):
    client = client_for(ken)
    lists = {t: client.get(f"{BASE}/{t}").json()["contents"] for t in
             ("services", "organizations", "service_at_locations", "taxonomies", "taxonomy_terms")}  # fmt: skip
    tables = {"services": "service", "organizations": "organization",
              "service_at_locations": "service_at_location", "taxonomies": "taxonomy",
              "taxonomy_terms": "taxonomy_term"}  # fmt: skip
    checked = 0
    for path, rows in lists.items():
        for row in rows:
            response = client.get(f"{BASE}/{path}/{row['id']}")
            assert response.status_code == 200
            _valid(tables[path], response.json())
            checked += 1
    assert checked >= 15
    service = client.get(f"{BASE}/services/{world['ibasho'].pk}").json()
    assert service["organization"]["name"] == "北の居場所の会"
    (at,) = service["service_at_locations"]
    assert at["location"]["name"] == "北の居場所会場"
    assert service["schedules"][0]["byday"] == "WE"
    assert service["attributes"][0]["taxonomy_term"]["code"] == "ibasho-hikikomori"
    assert service["capacities"][0]["unit"]["name"] == "人"
    example = client.get(f"{BASE}/services/ac148810-d857-441c-9679-408f346de14b").json()
    assert example["capacities"][0]["unit"]["name"] == "Kilogram"
    assert example["phones"] and example["contacts"]  # what yorisoi keeps as received


def test_paging_as_the_spec_describes(world, ken):
    client = client_for(ken)
    first = client.get(f"{BASE}/services", {"per_page": 2}).json()
    total = first["total_items"]
    assert first["total_pages"] == -(-total // 2) and first["size"] == 2
    assert first["first_page"] and not first["last_page"]
    last = client.get(f"{BASE}/services", {"per_page": 2, "page": first["total_pages"]}).json()
    assert last["last_page"] and not last["first_page"]
    beyond = client.get(f"{BASE}/services", {"per_page": 2, "page": 99}).json()
    assert beyond["empty"] and beyond["contents"] == [] and beyond["total_items"] == total
    assert client.get(f"{BASE}/services", {"per_page": 0}).status_code == 422


def test_filters_as_the_spec_names_them(world, ken, terms):
    client = client_for(ken)

    def names(**params):
        return sorted(r["name"] for r in client.get(f"{BASE}/services", params).json()["contents"])

    assert names(taxonomy_term_id=str(terms["shuro-taiken"].pk)) == ["中央のしごと体験"]
    assert names(organization_id=str(world["closed"].organization_id)) == ["閉じたサロン"]
    every_term = client.get(f"{BASE}/taxonomy_terms", {"per_page": 200}).json()["contents"]
    outside_terms = [t for t in every_term if t.get("taxonomy_id")]
    assert outside_terms  # the example's terms, kept as external terms
    outside = names(taxonomy_id=outside_terms[0]["taxonomy_id"])
    assert outside and "北の居場所" not in outside
    assert names(taxonomy_term_id=outside_terms[0]["id"]) == outside
    later = (timezone.now() + timezone.timedelta(days=1)).isoformat()
    assert names(modified_after=later) == []
    assert "北の居場所" in names(modified_after="2000-01-01T00:00:00+09:00")
    terms_top = client.get(f"{BASE}/taxonomy_terms", {"top_only": "true", "per_page": 200}).json()
    assert all("parent_id" not in t for t in terms_top["contents"])
    children = client.get(f"{BASE}/taxonomy_terms",
                          {"parent_id": str(terms["ibasho"].pk)}).json()["contents"]  # fmt: skip
    assert {t["code"] for t in children} >= {"ibasho-hikikomori"}
    orgs = client.get(f"{BASE}/organizations", {"search": "北の居場所"}).json()["contents"]
    assert [o["name"] for o in orgs] == ["北の居場所の会"]


def test_a_search_in_the_url_is_refused_for_services(world, ken):
    response = client_for(ken).get(f"{BASE}/services", {"search": "ひきこもり"})
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "search"


def test_read_as_the_directory_is_read_and_never_written(world, personas):
    for who in ("hana", "ken", "masaki"):
        assert client_for(personas[who]).get(f"{BASE}/services").status_code == 200
    for who in ("kazuko", "osamu"):
        assert client_for(personas[who]).get(f"{BASE}/services").status_code == 403
    client = client_for(personas["ichiro"])
    assert client.post(f"{BASE}/services", {}, content_type="application/json").status_code in (
        404,
        405,
    )
    assert client.get(f"{BASE}/services/not-there").status_code == 404


def test_the_root_names_the_version_profile_and_openapi(world, ken):
    body = client_for(ken).get(f"{BASE}/").json()
    assert body["version"] == "3.0" and body["profile"].startswith("urn:")
    assert body["openapi_url"].endswith("/api/v1/openapi.json")
