"""Participation needs (参加支援), through both doors: reading a need, changing it, proposing
a social resource.

A need opens to its responsible agency (担当機関), to the coordinator, and to those who read the
case it belongs to (access.participation_basis); the responsible agency and the coordinator
steer it (access.can_steer_participation). A need's page names its
person and its case only to a reader who may open them (access.person_if_open,
access.case_if_open), on both doors.
"""

import pytest
from django.urls import reverse

from yorisoi.participation.models import ParticipationNeed, Placement

from .matrix import DOORS, Action, Api, Screen, ask, cells_of, check, own_id, read, table
from .world import NEED_ROWS, fresh

CELLS = table(
    """
                                    list  read  edit  propose
    responsible_agency              ok    ok    ok    ok
    responsible_agency_case_hidden  ok    ok    ok    ok
    coordinator                     ok    ok    ok    ok
    case_lead_agency                ok    ok    403   403
    case_reader_with_consent        ok    ok    403   403
    case_reader_without_consent     ok    404   404   404
    outsider                        ok    404   404   404
    volunteer                       role  role  role  role
    analyst                         role  role  role  role
    administrator                   role  role  role  role
    """
)


def _fields(t):
    """The need in the person's words; its person and case: named on the page, by id in the
    API (each only to a reader who may open them)."""
    need = fresh(t.rec)
    fields = {
        "関心": need.interests_note,
        "短期の目標": need.short_term_goal,
        "長期の目標": need.long_term_goal,
        "希望": need.wishes,
        "本人": (need.person.family_name, str(need.person_id)),
    }
    if need.case_id:
        fields["ケース"] = (need.case.title, str(need.case_id))
    return fields


def _state(t):
    need = ParticipationNeed.objects.filter(pk=t.rec.pk)
    return (*need.values_list("version"), Placement.objects.filter(need=t.rec).count())


def _edit_form(t):
    need = fresh(t.rec)
    return {
        "interests": [term.pk for term in need.interests.all()],
        "interests_note": need.interests_note,
        "short_term_goal": need.short_term_goal,
        "long_term_goal": need.long_term_goal,
        "wishes": "午前中がよい",
        "time_of_day": need.time_of_day,
        "responsible_agency": need.responsible_agency_id,
        "version": need.version,
    }


def _need_action(screen, api):
    """A change to the record: what it changes is _state."""
    return Action(key=own_id, screen=screen, api=api, state=_state)


ACTIONS = {
    # The agency's own needs ("mine"): a list names a need's person only if the record opens.
    "list": Action(
        key=lambda w, need: None,
        screen=Screen("participation:need_list"),
        api=Api("get", "/participation/needs"),
        fields=lambda t: {"本人": (t.rec.person.family_name, str(t.rec.person_id))},
        missing=lambda: None,
    ),
    "read": read("participation:need_detail", "/participation/needs/{}", _fields),
    "edit": _need_action(
        Screen("participation:need_edit", post=_edit_form),
        Api(
            "patch",
            "/participation/needs/{}",
            lambda t: {"version": fresh(t.rec).version, "wishes": "午前中がよい"},
        ),
    ),
    "propose": _need_action(
        Screen(
            "participation:placement_propose",
            post=lambda t: {"service": t.w.other_service.pk},
            page=False,
        ),
        Api(
            "post",
            "/participation/needs/{}/placements",
            lambda t: {"service_id": str(t.w.other_service.pk)},
        ),
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_need(world, db, row, action, expected):
    check(world, NEED_ROWS[row], ACTIONS[action], expected)


def test_a_need_names_its_person_and_case_only_to_who_may_open_them(world, db):
    """The agency a need is given to, on a case it may not read, for a person it may not open:
    the need opens, its person and case stay unnamed on both doors (R6)."""
    for door in DOORS:
        seen = ask(world, NEED_ROWS["responsible_agency_case_hidden"], ACTIONS["read"], door)
        assert seen.outcome == "allowed"
        assert {"本人", "ケース"}.isdisjoint(seen.shown), door


@pytest.mark.parametrize("page", ["participation:my_follow_ups", "front:queue", "front:home"])
def test_follow_ups_due_name_the_person_only_if_the_record_opens(world, db, page):
    """The screens' lists of follow-ups (the API's list names no person at all): the agency
    holding the need sees the follow-up, never the name of a person it may not open."""
    need = world.needs["elsewhere"]
    body = world.screens["tomoko"].get(reverse(page)).content.decode()
    assert str(need.pk) in body
    assert need.person.family_name not in body
