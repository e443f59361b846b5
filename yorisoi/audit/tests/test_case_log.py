"""Who saw what (開示請求): the coordinator lists every read and change of a case with the
legal basis of each; nobody else may open that list."""

from django.urls import reverse

from yorisoi.cases import services
from yorisoi.cases.tests.world import consent_all, open_case
from yorisoi.testing import client_for


def test_the_coordinator_sees_who_read_the_case_and_on_which_basis(hana, ichiro, tomoko):
    case = open_case(hana, ichiro)
    services.involvement_add(actor=ichiro, case=case, agency=tomoko.agency, role="父の支援")
    consent_all(ichiro, case)
    from yorisoi import access
    from yorisoi.audit.log import record

    # a read by the involved agency, as the case page records it
    record("case.viewed", actor=tomoko, target=case, basis=access.case_basis(tomoko, case))
    page = client_for(ichiro).get(reverse("audit:case_log", args=[case.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "tomoko" in html and "本人の同意" in html  # who, and the basis in words
    assert "consent.recorded" in html and "case.opened" in html


def test_only_the_coordinator_opens_the_trail(hana, ichiro, tomoko):
    case = open_case(hana, ichiro)
    services.involvement_add(actor=ichiro, case=case, agency=tomoko.agency, role="父の支援")
    consent_all(ichiro, case)
    url = reverse("audit:case_log", args=[case.pk])
    # The trail is the coordinator's by route (access.ROUTES): 403 for any case, so that it
    # tells nothing about the case, even to an agency that reads it.
    assert client_for(tomoko).get(url).status_code == 403
    assert client_for(hana).get(url).status_code == 403


def test_the_trail_over_the_api_for_the_coordinator_only(hana, ichiro, tomoko):
    case = open_case(hana, ichiro)
    url = f"/api/v1/cases/{case.pk}/access-log"
    body = client_for(ichiro).get(url).json()
    assert body["count"] >= 1
    assert {"case.opened"} <= {e["action"] for e in body["items"]}
    assert client_for(tomoko).get(url).status_code == 403
