"""R7: two people editing one target never silently overwrite each other."""

import pytest

from yorisoi.errors import ConcurrentEditError
from yorisoi.outreach import services
from yorisoi.testing import client_for

from .world import fresh, target

pytestmark = pytest.mark.django_db


def test_a_stale_version_is_refused_with_what_the_other_changed(hana, masaki):
    t = target(hana)
    seen = t.version
    services.target_update(actor=masaki, target=t, version=seen, description="夜に物音がする")
    with pytest.raises(ConcurrentEditError) as exc:
        services.target_update(actor=hana, target=t, version=seen, description="別の内容")
    assert [c["field"] for c in exc.value.changes] == ["description"]
    assert fresh(t).description == "夜に物音がする"


def test_the_edit_screen_shows_the_conflict_and_keeps_the_input(hana, masaki):
    t = target(hana)
    form = {
        "label": t.label,
        "category": t.category.pk,
        "address": t.address,
        "description": "わたしの入力",
        "worried_by_type": "neighbour",
        "worried_by_note": "",
        "district": t.district.pk,
        "responsible_agency": t.responsible_agency.pk,
        "next_contact_on": t.next_contact_on.isoformat(),
        "version": t.version,
    }
    services.target_update(actor=masaki, target=t, version=t.version, description="先に保存")
    response = client_for(hana).post(f"/outreach/{t.pk}/edit/", form)
    assert response.status_code == 409
    body = response.content.decode()
    assert "先に保存" in body and "わたしの入力" in body
    assert fresh(t).description == "先に保存"
    form["version"] = fresh(t).version
    response = client_for(hana).post(f"/outreach/{t.pk}/edit/", form)
    assert response.status_code == 302
    assert fresh(t).description == "わたしの入力"
    assert fresh(t).history.count() == 3


def test_contacts_logged_at_once_both_count(hana, saki):
    from .world import agency, contact

    t = target(hana)
    contact(hana, t, "absent", agencies=[agency("itaku-soudan-01")])
    contact(saki, t, "through_door")  # from a stale copy: contacts never conflict
    assert fresh(t).contacts.count() == 2
