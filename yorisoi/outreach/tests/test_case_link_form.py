"""Putting an outreach target into a collaborative case from its form (worked example 2).

The form offers only the cases the worker may read and record on; any other case posted goes
on to the service (services._check_links, the one place that decides) and is refused with the
same words as a case that does not exist: nothing saved, nothing about it shown (R6).
"""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from yorisoi.cases import services as case_services
from yorisoi.cases.models import Case, CaseStatus
from yorisoi.cases.tests.world import consent_all
from yorisoi.outreach import services as outreach_services
from yorisoi.outreach.forms import TargetForm
from yorisoi.outreach.models import OutreachTarget
from yorisoi.testing import PersonFactory, client_for

from .world import agency, category, fresh, target

PICK = reverse("cases:case_picker")

pytestmark = pytest.mark.django_db

NOT_FOUND = "ケースが見つかりません。"


def _case(ichiro, title, *, shared_with=None):
    """A case led by 福祉総務課; `shared_with` (an agency code) is involved and consented."""
    case = case_services.case_open(
        actor=ichiro,
        title=title,
        persons=[PersonFactory(agency=ichiro.agency)],
        next_action_on=timezone.localdate() + timedelta(days=3),
    )
    if shared_with:
        case_services.involvement_add(
            actor=ichiro, case=case, agency=agency(shared_with), role="見守りと訪問"
        )
        consent_all(ichiro, case)
    return case


@pytest.fixture
def shared(ichiro):
    return _case(ichiro, "ひきこもり状態が続く50代の女性", shared_with="zaitaku-kaigo-01")


@pytest.fixture
def hidden(ichiro):
    return _case(ichiro, "在宅介護支援センターには見えないケース")


@pytest.fixture
def closed(ichiro):
    case = _case(ichiro, "終結したケース", shared_with="zaitaku-kaigo-01")
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)  # set-up: closed earlier
    return case


def _data(hana, **extra):
    return {
        "label": "富洲原町2丁目 2階の方",
        "category": category().pk,
        "address": "",
        "description": "2階、夜も明かりがついている",
        "worried_by_type": "neighbour",
        "worried_by_note": "",
        "district": "",
        "responsible_agency": hana.agency_id,
        "next_contact_on": timezone.localdate().isoformat(),
        **extra,
    }


def _body(response):
    return response.content.decode()


CREATE = reverse("outreach:target_create")


def _edit(t):
    return reverse("outreach:target_edit", args=[t.pk])


# --- what the field offers ------------------------------------------------------------------


def test_the_case_field_offers_only_cases_the_worker_may_read_and_record_on(
    hana, shared, hidden, closed
):
    form = TargetForm(user=hana)

    assert list(form.fields["case"].queryset) == [shared]
    client = client_for(hana)
    body = _body(client.get(CREATE))
    assert shared.number not in body  # a picker, not a list of every case (issue 14)
    found = _body(client.post(PICK, {"field": "case", "case__q": "20"}))  # "2026-…"
    assert shared.number in found
    assert hidden.number not in found and hidden.title not in found
    assert closed.number not in found  # read, but no longer recorded on


def test_the_case_picker_is_post_only_and_audited(hana, shared):
    from yorisoi.audit.models import AuditEvent

    client = client_for(hana)
    assert client.get(PICK, {"field": "case", "case__q": "20"}).status_code == 405
    client.post(PICK, {"field": "case", "case__q": shared.title[:4]})
    event = AuditEvent.objects.get(action="case.searched")
    assert event.data["ids"] == [str(shared.pk)] and event.basis
    assert shared.title[:4] not in str(event.data)


def test_without_script_the_case_search_shows_matches_in_the_form(hana, shared, hidden):
    response = client_for(hana).post(CREATE, {"_picker": "case", "case__q": "20"})
    body = _body(response)
    assert response.status_code == 200 and not OutreachTarget.objects.exists()
    assert f'name="case" value="{shared.pk}"' in body
    assert str(hidden.pk) not in body


def test_the_coordinator_is_offered_every_active_case(ichiro, shared, hidden, closed):
    offered = set(TargetForm(user=ichiro).fields["case"].queryset)

    assert offered == {shared, hidden}


def test_the_field_says_why_a_target_belongs_in_a_case(hana, shared):
    body = _body(client_for(hana).get(CREATE))

    assert "ケース（多機関協働）" in body
    assert "訪問の記録がケースの関係者にも見えるようになり" in body


# --- linking on create and edit -------------------------------------------------------------


def test_the_worker_puts_a_new_target_into_a_case_she_may_record_on(hana, shared):
    response = client_for(hana).post(CREATE, _data(hana, case=shared.pk))

    t = OutreachTarget.objects.get()
    assert response.status_code == 302 and t.case == shared


def test_a_hidden_case_posted_is_refused_and_nothing_is_saved(hana, hidden):
    response = client_for(hana).post(CREATE, _data(hana, case=hidden.pk))

    assert response.status_code == 422
    body = _body(response)
    assert NOT_FOUND in body
    assert hidden.number not in body and hidden.title not in body
    assert not OutreachTarget.objects.exists()


def test_a_made_up_case_id_gets_the_same_words_as_a_hidden_one(hana):
    for value in (uuid.uuid4(), "not-a-uuid"):
        response = client_for(hana).post(CREATE, _data(hana, case=value))

        assert response.status_code == 422
        assert NOT_FOUND in _body(response)
    assert not OutreachTarget.objects.exists()


def test_the_edit_form_links_an_existing_target_to_a_case(hana, shared):
    t = target(hana)

    response = client_for(hana).post(_edit(t), _data(hana, case=shared.pk, version=t.version))

    assert response.status_code == 302
    assert fresh(t).case == shared and fresh(t).version == t.version + 1


def test_a_hidden_case_posted_on_the_edit_form_is_refused(hana, hidden):
    t = target(hana)

    response = client_for(hana).post(_edit(t), _data(hana, case=hidden.pk, version=t.version))

    assert response.status_code == 422
    assert NOT_FOUND in _body(response) and hidden.title not in _body(response)
    assert fresh(t).case is None and fresh(t).version == t.version


def test_the_edit_form_shows_the_targets_case_picked(hana, shared):
    t = target(hana, case=shared)

    form = client_for(hana).get(_edit(t)).context["form"]

    assert form["case"].value() == shared.pk


def test_a_case_the_editor_can_no_longer_read_is_kept_and_not_named(hana, ichiro, shared):
    t = target(hana, case=shared)
    involvement = shared.involvements.get(agency=agency("zaitaku-kaigo-01"))
    case_services.involvement_end(
        actor=ichiro, involvement=involvement
    )  # consent no longer opens it
    client = client_for(hana)

    page = client.get(_edit(t))
    assert page.status_code == 200
    assert shared.number not in _body(page) and shared.title not in _body(page)
    assert "閲覧できないケースに含まれています" in _body(page)
    for name in ("target_detail", "hand_over"):
        assert shared.title not in _body(client.get(reverse(f"outreach:{name}", args=[t.pk])))

    response = client.post(_edit(t), _data(hana, label="呼び方を直した", version=t.version))
    assert response.status_code == 302
    assert fresh(t).case == shared and fresh(t).label == "呼び方を直した"


# --- opened from the case page (?case=<uuid>) -----------------------------------------------


def test_opened_from_a_case_the_case_is_shown_as_text_and_linked(hana, shared):
    client = client_for(hana)
    url = f"{CREATE}?case={shared.pk}"

    page = client.get(url)
    assert page.status_code == 200
    assert "case" not in page.context["form"].fields
    assert f"{shared.number} {shared.title}" in _body(page)
    assert f'action="{url}"' in _body(page)

    response = client.post(url, _data(hana))
    assert response.status_code == 302
    assert OutreachTarget.objects.get().case == shared


def test_opened_for_a_hidden_or_unknown_case_the_form_is_not_found(hana, hidden):
    client = client_for(hana)

    for value in (hidden.pk, uuid.uuid4(), "not-a-uuid"):
        assert client.get(f"{CREATE}?case={value}").status_code == 404
    assert client.post(f"{CREATE}?case={hidden.pk}", _data(hana)).status_code == 404
    assert not OutreachTarget.objects.exists()


def test_opened_for_a_case_read_but_not_recorded_on_the_form_is_forbidden(hana, closed):
    assert client_for(hana).get(f"{CREATE}?case={closed.pk}").status_code == 403


def test_a_conflict_does_not_name_a_case_the_editor_may_not_read(hana, ichiro, hidden):
    t = target(hana)
    outreach_services.target_update(actor=ichiro, target=t, version=t.version, case=hidden)

    response = client_for(hana).post(_edit(t), _data(hana, label="直した", version=t.version))

    assert response.status_code == 409
    assert hidden.number not in _body(response) and hidden.title not in _body(response)
    assert fresh(t).label != "直した"


def test_a_case_read_but_not_recorded_on_is_refused_by_the_service_too(hana, closed):
    """The API and any other caller meet the same rule as the form: a target joins only a
    case the worker may record on (a closed case stays readable, no longer worked on)."""
    posted = client_for(hana).post(CREATE, _data(hana, case=closed.pk))
    assert posted.status_code == 422 and not OutreachTarget.objects.exists()
    # The form loads only what it offers (access.recordable_cases): the same words as a
    # missing case. The service refuses it too, for the API and any other caller.
    assert "ケースが見つかりません。" in posted.content.decode()
    with pytest.raises(ValidationError, match="このケースには記録できません。"):
        outreach_services.target_create(
            actor=hana,
            label="川沿いの家",
            category=category(),
            description="2階",
            worried_by_type="neighbour",
            responsible_agency=hana.agency,
            case=Case.objects.get(pk=closed.pk),  # as a view or the API loads it
        )
    assert not OutreachTarget.objects.exists()
