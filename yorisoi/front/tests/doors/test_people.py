"""People (本人), through both doors: who opens a person's record and who corrects it (R6).

A person opens to the agency that registered them, and to those who may read a consultation
or a case about them; only the registering agency corrects the record. A reader who may not
correct it is answered 404 on both doors (people/views.py, people/api.py: can_edit_person),
as if the edit page did not exist for them.
"""

import pytest

from yorisoi.cases.models import Case
from yorisoi.outreach.models import OutreachTarget
from yorisoi.people.models import Person

from .matrix import Action, Api, Row, Screen, cells_of, check, own_id, read, table

ROWS = {
    "own_agency": Row("hana", lambda w: w.people["solo"]),
    "own_agency_manager": Row("masaki", lambda w: w.people["solo"]),
    "referred_agency": Row("saki", lambda w: w.people["m1"]),
    "referred_agency_other_member": Row("saki", lambda w: w.people["m2"]),
    "involved_with_consent": Row("saki", lambda w: w.cases["main"].subjects[0]),
    "involved_without_consent": Row("saki", lambda w: w.cases["noconsent"].subjects[0]),
    "involved_after_withdrawal": Row("saki", lambda w: w.cases["withdrawn"].subjects[0]),
    "meeting_with_pledge": Row("saki", lambda w: w.cases["pledged"].subjects[0]),
    "meeting_without_pledge": Row("saki", lambda w: w.cases["unpledged"].subjects[0]),
    "meeting_after_sharing_ended": Row("saki", lambda w: w.cases["ended"].subjects[0]),
    "coordinator_case_subject": Row("ichiro", lambda w: w.cases["main"].subjects[0]),
    "coordinator_no_case": Row("ichiro", lambda w: w.people["solo"]),
    "outsider": Row("tomoko", lambda w: w.people["solo"]),
    "volunteer_pledged": Row("kazuko", lambda w: w.cases["pledged"].subjects[0]),
    "analyst": Row("ken", lambda w: w.people["solo"]),
    "administrator": Row("osamu", lambda w: w.people["solo"]),
}

CELLS = table(
    """                           read   edit   story
    own_agency                    ok     ok     ok
    own_agency_manager            ok     ok     ok
    referred_agency               ok     404    ok
    referred_agency_other_member  404    404    404
    involved_with_consent         ok     404    ok
    involved_without_consent      404    404    404
    involved_after_withdrawal     404    404    404
    meeting_with_pledge           ok     404    ok
    meeting_without_pledge        404    404    404
    meeting_after_sharing_ended   404    404    404
    coordinator_case_subject      ok     404    ok
    coordinator_no_case           404    404    404
    outsider                      404    404    404
    volunteer_pledged             role   role   role
    analyst                       role   role   role
    administrator                 role   role   role
    """
)


def _person_fields(t):
    p = t.rec
    households = {f"世帯 {h.name}": h.name for h in (m.household for m in p.memberships.all())}
    return {
        "氏": p.family_name,
        "名": p.given_name,
        "住所": p.address,
        "メモ": p.notes,
        **households,
    }


def _story_fields(t):
    """The person's story (issue 14): the cases and outreach about them, by title or label;
    each door shows those the reader may open, and the same ones (people.selectors)."""
    cases = Case.objects.filter(subjects__person=t.rec)
    targets = OutreachTarget.objects.filter(person=t.rec)
    return {
        **{f"ケース {c.number}": c.title for c in cases},
        **{f"アウトリーチ {o.pk}": o.label for o in targets},
    }


def _version(t):
    return Person.objects.get(pk=t.rec.pk).version


def _edit_form(t):
    p = t.rec
    return {
        "family_name": p.family_name,
        "given_name": p.given_name,
        "family_name_kana": p.family_name_kana,
        "given_name_kana": p.given_name_kana,
        "birth_date": p.birth_date.isoformat(),
        "address": p.address,
        "preferred_language": p.preferred_language,
        "notes": "電話で近況を確認した",
        "version": p.version,
    }


ACTIONS = {
    "read": read("people:person_detail", "/people/{}", _person_fields),
    "story": read("people:person_detail", "/people/{}/story", _story_fields),
    "edit": Action(
        key=own_id,
        screen=Screen("people:person_edit", post=_edit_form),
        api=Api("patch", "/people/{}", lambda t: {"version": t.rec.version, "notes": "近況"}),
        state=_version,
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_person(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)
