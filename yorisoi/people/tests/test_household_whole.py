"""名寄せ brings a family's households together (issue 12), never beyond R6.

Two agencies each registered part of the Takahashi family: 在宅介護支援センター (hana) the mother
and her son, 委託相談支援事業所 (saki) the father and the same son, spelt differently. Once the
coordinator confirms the sons are one person, each household page shows the other household
and every agency's involvement — to a user who may open them, through both doors alike.
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.intake import services as intake
from yorisoi.people.identity import services as identity
from yorisoi.people.identity.tests.world import candidate_for
from yorisoi.people.services import NewMember, household_create
from yorisoi.testing import client_for

pytestmark = pytest.mark.django_db


def _member(relationship, family, given, family_kana, given_kana, born):
    return NewMember(
        relationship,
        fields={
            "family_name": family,
            "given_name": given,
            "family_name_kana": family_kana,
            "given_name_kana": given_kana,
            "birth_date": born,
        },
    )


@pytest.fixture
def family(hana, saki):
    """Household A (hana's agency): mother and son; household B (saki's): father and son."""
    at_a = household_create(
        actor=hana,
        name="髙橋さん世帯",
        members=[
            _member("head", "髙橋", "祐子", "タカハシ", "ユウコ", dt.date(1970, 3, 2)),
            _member("child", "髙橋", "翔太", "タカハシ", "ショウタ", dt.date(2001, 7, 9)),
        ],
    )
    at_b = household_create(
        actor=saki,
        name="高橋健一さん世帯",
        members=[
            _member("head", "高橋", "健一", "ﾀｶﾊｼ", "ｹﾝｲﾁ", dt.date(1968, 11, 20)),
            _member("child", "高橋", "翔太", "たかはし", "しょうた", dt.date(2001, 7, 9)),
        ],
    )
    return at_a, at_b


def _person(household, given_name):
    return household.memberships.get(person__given_name=given_name).person


def _link(ichiro, a, b):
    candidate = candidate_for(a, b)
    return identity.match_confirm(actor=ichiro, candidate=candidate, version=candidate.version)


def _refer_to(sender, household, person, to_agency):
    """The sender's agency sends a consultation about `person` to `to_agency`: from then on
    that agency may open the household (R6: a referral brings the records with it)."""
    consultation = intake.consultation_create(
        actor=sender,
        channel="phone",
        consulter_type="self",
        summary="就労の相談",
        person=person,
        household=household,
    )
    intake.referral_send(
        actor=sender,
        consultation=consultation,
        to_agency=to_agency,
        kind="referral",
        reason="生活全体の相談として",
    )
    return consultation


def _page(user, household):
    return client_for(user).get(reverse("people:household_detail", args=[household.pk]))


def _api(user, household):
    response = client_for(user).get(f"/api/v1/households/{household.pk}")
    assert response.status_code == 200
    return response.json()


def test_linked_household_shows_to_an_agency_that_may_open_it(family, hana, saki, ichiro):
    at_a, at_b = family
    _link(ichiro, _person(at_a, "翔太"), _person(at_b, "翔太"))
    consultation = _refer_to(saki, at_b, _person(at_b, "翔太"), hana.agency)

    page = _page(hana, at_a).content.decode()
    assert "名寄せでつながった世帯" in page
    assert "高橋健一さん世帯" in page
    assert "髙橋 翔太 さんと同一人物" in page
    # The father's own record is not open to hana's agency: his relationship only.
    assert "健一" not in page.replace("高橋健一さん世帯", "")
    assert str(consultation.pk) in page  # B's consultation among the involvements

    body = _api(hana, at_a)
    [linked] = body["linked_households"]
    assert linked["id"] == str(at_b.pk)
    assert linked["agency"] == saki.agency.code
    assert [m["full_name"] for m in linked["members"]] == [None, "高橋 翔太"]
    assert linked["same_persons"] == [
        {
            "person_id": str(_person(at_b, "翔太").pk),
            "member_person_id": str(_person(at_a, "翔太").pk),
        }
    ]
    assert [row["id"] for row in body["involvements"]] == [str(consultation.pk)]
    assert body["involvements"][0]["agencies"] == [saki.agency.code]


def test_linking_alone_opens_nothing(family, hana, saki, ichiro):
    """R6 stays in force: without a consultation, case or pledge, the other agency's
    household, its members and its involvements stay out of sight, through both doors."""
    at_a, at_b = family
    _link(ichiro, _person(at_a, "翔太"), _person(at_b, "翔太"))
    own = intake.consultation_create(
        actor=saki, channel="phone", consulter_type="self", summary="家計の相談",
        person=_person(at_b, "健一"), household=at_b,
    )  # fmt: skip

    page = _page(hana, at_a).content.decode()
    assert "名寄せでつながった世帯" not in page
    for secret in ("高橋健一さん世帯", "健一", saki.agency.name, str(at_b.pk), str(own.pk)):
        assert secret not in page
    body = _api(hana, at_a)
    assert body["linked_households"] == []
    assert body["involvements"] == []
    assert _page(hana, at_b).status_code == 404
    person_b = _person(at_b, "翔太")
    url = reverse("people:person_detail", args=[person_b.pk])
    assert client_for(hana).get(url).status_code == 404


def test_the_other_agency_sees_its_side_whole_too(family, hana, saki, ichiro):
    at_a, at_b = family
    _link(ichiro, _person(at_a, "翔太"), _person(at_b, "翔太"))
    _refer_to(hana, at_a, _person(at_a, "祐子"), saki.agency)

    body = _api(saki, at_b)
    [linked] = body["linked_households"]
    assert linked["id"] == str(at_a.pk)
    # The mother is the subject of the referral: her record is open to saki's agency now.
    assert [m["full_name"] for m in linked["members"]] == ["髙橋 祐子", None]
    assert linked["same_persons"] == []  # the son at A is not open to saki: no tie to a name


def test_unlinking_takes_the_household_apart_again(family, hana, saki, ichiro):
    at_a, at_b = family
    son_a, son_b = _person(at_a, "翔太"), _person(at_b, "翔太")
    linked = _link(ichiro, son_a, son_b)
    _refer_to(saki, at_b, son_b, hana.agency)
    assert len(_api(hana, at_a)["linked_households"]) == 1

    linked.refresh_from_db()
    identity.identity_unlink(actor=ichiro, identity=linked, person=son_b, version=linked.version)

    body = _api(hana, at_a)
    assert body["linked_households"] == []
    assert "高橋健一さん世帯" not in _page(hana, at_a).content.decode()


def test_each_linked_household_read_is_audited_on_its_own_basis(family, hana, saki, ichiro):
    at_a, at_b = family
    _link(ichiro, _person(at_a, "翔太"), _person(at_b, "翔太"))
    _refer_to(saki, at_b, _person(at_b, "翔太"), hana.agency)

    _page(hana, at_a)
    [event] = AuditEvent.objects.filter(action="household.linked_viewed", actor=hana)
    assert event.basis == "referral"
    assert event.data["ids"] == [str(at_b.pk)]
    assert event.data["household_id"] == str(at_a.pk)
    viewed = AuditEvent.objects.filter(action="household.viewed", actor=hana).latest("pk")
    assert str(_person(at_b, "翔太").pk) in viewed.data["ids"]


def test_a_case_about_the_linked_son_shows_among_the_involvements(family, hana, saki, ichiro):
    """B asks the coordinator about its son; the coordinator opens a case led by A. A's page
    shows that case (A may open it) though B's household itself stays out of A's sight."""
    from yorisoi.cases import services as cases

    at_a, at_b = family
    son_b = _person(at_b, "翔太")
    _link(ichiro, _person(at_a, "翔太"), son_b)
    _refer_to(saki, at_b, son_b, ichiro.agency)
    case = cases.case_open(
        actor=ichiro, title="翔太さんの支援", persons=[son_b], lead_agency=hana.agency
    )

    body = _api(hana, at_a)
    assert body["linked_households"] == []
    assert [(row["kind"], row["id"]) for row in body["involvements"]] == [("case", str(case.pk))]
    assert str(case.pk) in _page(hana, at_a).content.decode()


def test_the_page_reads_a_constant_number_of_queries(family, hana, saki, ichiro):
    at_a, at_b = family
    _link(ichiro, _person(at_a, "翔太"), _person(at_b, "翔太"))
    _refer_to(saki, at_b, _person(at_b, "翔太"), hana.agency)
    client = client_for(hana)
    url = reverse("people:household_detail", args=[at_a.pk])
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200

    for n in range(3):  # three more households of the son at B, each referred to A
        more = household_create(
            actor=saki,
            name=f"別の世帯{n}",
            members=[NewMember("child", person=_person(at_b, "翔太"))],
        )
        _refer_to(saki, more, _person(at_b, "翔太"), hana.agency)
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)
    assert response.content.decode().count("の登録</span>") == 4
    assert len(four) == len(one)


def test_a_person_page_names_the_linked_registrations_the_user_may_open(family, hana, saki, ichiro):
    at_a, at_b = family
    son_a, son_b = _person(at_a, "翔太"), _person(at_b, "翔太")
    linked = _link(ichiro, son_a, son_b)
    client = client_for(hana)

    # Before anything lets hana's centre read saki's registration: not named, not counted.
    page = client.get(reverse("people:person_detail", args=[son_a.pk])).content.decode()
    assert str(son_b.pk) not in page and saki.agency.name not in page
    body = client.get(f"/api/v1/people/{son_a.pk}").json()
    assert (body["linked_registrations"], body["identity_id"]) == ([], None)

    _refer_to(saki, at_b, son_b, hana.agency)
    page = client.get(reverse("people:person_detail", args=[son_a.pk])).content.decode()
    assert str(son_b.pk) in page and f"{saki.agency.name} の登録" in page
    assert str(linked.pk) not in page  # the 名寄せ record is the coordinator's
    body = client.get(f"/api/v1/people/{son_a.pk}").json()
    assert body["linked_registrations"] == [
        {"id": str(son_b.pk), "full_name": "高橋 翔太", "agency": saki.agency.code}
    ]
    assert body["identity_id"] is None


def test_the_coordinator_reaches_the_identity_from_a_person_page(family, hana, saki, ichiro):
    at_a, at_b = family
    son_b = _person(at_b, "翔太")
    linked = _link(ichiro, _person(at_a, "翔太"), son_b)
    _refer_to(saki, at_b, son_b, ichiro.agency)  # the coordinator may open saki's registration

    page = client_for(ichiro).get(reverse("people:person_detail", args=[son_b.pk]))
    assert reverse("identity:identity_detail", args=[linked.pk]) in page.content.decode()
    body = client_for(ichiro).get(f"/api/v1/people/{son_b.pk}").json()
    assert body["identity_id"] == str(linked.pk)
