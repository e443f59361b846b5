"""Households (世帯), through both doors: who opens one, which members they see, who changes it.

A household opens to the agency that registered it and to those who may read a consultation or
case about it; on its page each member is named only if the reader may open that member's own
record (access.member_views): the agency a consultation about m1 was referred to sees m1 and
only the relationship of m2, on both doors. Only the registering agency changes a household;
a reader who may not is answered 404 on both doors (access.can_edit_household).
"""

import pytest

from yorisoi.people.models import Household

from .matrix import DOORS, Action, Api, Row, Screen, ask, cells_of, check, own_id, read, table

ROWS = {
    "own_agency": Row("hana", lambda w: w.households["mixed"]),
    "referred_agency": Row("saki", lambda w: w.households["mixed"]),
    "involved_with_consent": Row("saki", lambda w: w.cases["main"].case.household),
    "involved_without_consent": Row("saki", lambda w: w.cases["noconsent"].case.household),
    "involved_after_withdrawal": Row("saki", lambda w: w.cases["withdrawn"].case.household),
    "coordinator_case_household": Row("ichiro", lambda w: w.cases["main"].case.household),
    "coordinator_no_case": Row("ichiro", lambda w: w.households["mixed"]),
    "outsider": Row("tomoko", lambda w: w.households["mixed"]),
    "volunteer": Row("kazuko", lambda w: w.households["mixed"]),
    "analyst": Row("ken", lambda w: w.households["mixed"]),
    "administrator": Row("osamu", lambda w: w.households["mixed"]),
}

CELLS = table(
    """
                                 read   edit   add_member
    own_agency                   ok     ok     ok
    referred_agency              ok     404    404
    involved_with_consent        ok     404    404
    involved_without_consent     404    404    404
    involved_after_withdrawal    404    404    404
    coordinator_case_household   ok     404    404
    coordinator_no_case          404    404    404
    outsider                     404    404    404
    volunteer                    role   role   role
    analyst                      role   role   role
    administrator                role   role   role
    """
)


def _fields(t):
    h = t.rec
    fields = {"世帯名": h.name, "住所": h.address, "メモ": h.notes}
    for n, m in enumerate(h.memberships.select_related("person").order_by("order"), start=1):
        fields[f"{n}人目の氏"] = m.person.family_name
        fields[f"{n}人目の名"] = m.person.given_name
    return fields


def _version(t):
    return Household.objects.get(pk=t.rec.pk).version


def _edit_form(t):
    h = t.rec
    return {"name": h.name, "address": h.address, "notes": "転居の予定", "version": h.version}


def _members(t):
    return Household.objects.get(pk=t.rec.pk).memberships.count()


NEW_MEMBER = {
    "relationship": "child",
    "family_name": "扉",
    "given_name": "新",
    "family_name_kana": "トビラ",
    "given_name_kana": "アラタ",
}

ACTIONS = {
    "read": read("people:household_detail", "/households/{}", _fields),
    "edit": Action(
        key=own_id,
        screen=Screen("people:household_edit", post=_edit_form),
        api=Api("patch", "/households/{}", lambda t: {"version": t.rec.version, "notes": "転居"}),
        state=_version,
    ),
    "add_member": Action(
        key=own_id,
        screen=Screen(
            "people:household_member_add",
            post=lambda t: {f"new-{k}": v for k, v in NEW_MEMBER.items()},
            page=False,
        ),
        api=Api("post", "/households/{}/members", lambda t: NEW_MEMBER),
        state=_members,
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_household(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)


def test_a_member_is_named_only_if_their_own_record_opens(world, db):
    """A consultation about m1 and the household was referred to S: S reads the household and
    m1, and of m2 only the relationship, on both doors (access.member_views)."""
    for door in DOORS:
        seen = ask(world, ROWS["referred_agency"], ACTIONS["read"], door)
        assert {"1人目の氏", "1人目の名"} <= seen.shown, door
        assert not {"2人目の氏", "2人目の名"} & seen.shown, door
