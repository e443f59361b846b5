"""Master data over the API: every signed-in role may read it (it holds no personal data)."""

import pytest
from django.test import Client

from yorisoi.accounts.models import ApiToken

API = "/api/v1"


def api_client(user) -> Client:
    _, raw = ApiToken.issue(user=user, name="テスト連携")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def as_hana(hana):
    return api_client(hana)


def test_agencies_include_the_coordinating_division(as_hana, hana):
    response = as_hana.get(f"{API}/agencies")
    assert response.status_code == 200
    agencies = {a["code"]: a for a in response.json()}
    assert agencies["fukushi-soumu-ka"] == {
        "code": "fukushi-soumu-ka",
        "name": "福祉総務課",
        "kind_code": "fukushi-soumu-ka",
        "kind_name": "福祉総務課",
        "district_code": None,
        "coordinating": True,
    }
    assert [a["code"] for a in agencies.values() if a["coordinating"]] == ["fukushi-soumu-ka"]
    assert agencies[hana.agency.code]["kind_name"] == "在宅介護支援センター"


def test_districts_are_the_24_of_the_city(as_hana):
    response = as_hana.get(f"{API}/districts")
    assert response.status_code == 200
    districts = response.json()
    assert len(districts) == 24
    tomida = next(d for d in districts if d["code"] == "tomida")
    assert tomida["name"] == "富田"
    assert tomida["area_code"]


def test_issue_categories_are_listed(as_hana):
    response = as_hana.get(f"{API}/issue-categories")
    assert response.status_code == 200
    categories = response.json()
    assert categories
    assert any(c["national_topic"] for c in categories)
    assert all(c["code"] and c["name"] and c["domain_code"] for c in categories)


@pytest.mark.parametrize("persona", ["hana", "ichiro", "saki", "kazuko", "ken", "osamu"])
def test_every_role_reads_master_data(personas, persona):
    client = api_client(personas[persona])
    for path in ("/agencies", "/districts", "/issue-categories"):
        assert client.get(f"{API}{path}").status_code == 200


@pytest.mark.parametrize("path", ["/agencies", "/districts", "/issue-categories"])
def test_master_data_needs_a_token(master, path):
    response = Client().get(f"{API}{path}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
