"""Meetings (R5) and pledges (社会福祉法106条の6), through both doors.

A meeting opens to those who read its case's file, and to a reader of the case's outline who
takes part in it (a 民生委員 at her 支援会議); a 支援会議 participant who has not pledged sees its
date, place and kind and the pledge, never the case (access.meeting_access). The secretariat
(CaseAccess.meetings) records minutes, adds participants and action items and ends the sharing;
an action item is marked done by its owner agency or the secretariat. Pledging is the
participant's own act: a reader of the meeting who takes no part in it is refused.
"""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.cases.models import ActionItem, Meeting, MeetingParticipant

from .matrix import DOORS, Action, Api, Row, Screen, ask, cells_of, check, read, table
from .world import CaseFile, fresh


@dataclass
class Sitting:
    """A meeting, and the case file it belongs to."""

    file: CaseFile
    meeting: Meeting


def _at(case, meeting="meeting"):
    return lambda w: Sitting(w.cases[case], getattr(w.cases[case], meeting))


ROWS = {
    "coordinator": Row("ichiro", _at("main")),
    "coordinator_support_meeting": Row("ichiro", _at("pledged")),
    "participant_own_agency": Row("hana", _at("main")),
    "participant_with_consent": Row("saki", _at("main")),
    "participant_with_pledge": Row("saki", _at("pledged")),
    "participant_without_pledge": Row("saki", _at("unpledged")),
    "participant_after_sharing_ended": Row("saki", _at("ended")),
    "participant_after_withdrawal": Row("saki", _at("withdrawn")),
    "case_reader_not_taking_part": Row("hana", _at("pledged", "other_meeting")),
    "volunteer_pledged": Row("kazuko", _at("pledged")),
    "volunteer_pledged_other_meeting": Row("kazuko", _at("pledged", "other_meeting")),
    "volunteer_without_pledge": Row("kazuko", _at("unpledged")),
    "volunteer_not_taking_part": Row("kazuko", _at("main")),
    "outsider": Row("tomoko", _at("main")),
    "analyst": Row("ken", _at("main")),
    "administrator": Row("osamu", _at("main")),
}

# 409: nothing to pledge (a 重層的支援会議 rests on consent; a pledge already given).
CELLS = table(
    """
                                     read  minutes  seat  pledge  end_sharing  add_item  item_done
    coordinator                      ok    ok       ok    403     ok           ok        ok
    coordinator_support_meeting      ok    ok       ok    403     ok           ok        ok
    participant_own_agency           ok    403      403   409     403          403       ok
    participant_with_consent         ok    403      403   409     403          403       403
    participant_with_pledge          ok    403      403   409     403          403       403
    participant_without_pledge       ok    404      404   ok      404          404       404
    participant_after_sharing_ended  404   404      404   404     404          404       404
    participant_after_withdrawal     404   404      404   404     404          404       404
    case_reader_not_taking_part      ok    403      403   403     403          403       ok
    volunteer_pledged                ok    role     role  409     role         role      role
    volunteer_pledged_other_meeting  404   role     role  404     role         role      role
    volunteer_without_pledge         ok    role     role  ok      role         role      role
    volunteer_not_taking_part        404   role     role  404     role         role      role
    outsider                         404   404      404   404     404          404       404
    analyst                          role  role     role  role    role         role      role
    administrator                    role  role     role  role    role         role      role
    """
)

AGENDA = {
    True: ("shared_information", "support_arrangement"),
    False: ("agenda_plan", "agenda_fitness", "agenda_evaluation", "agenda_resources",
            "unmet_needs"),
}  # fmt: skip


def _fields(t):
    """What a reader of the meeting reads; before the pledge, only its place (and date)."""
    m, f = t.rec.meeting, t.rec.file
    items = {f"対応{n}": i.description for n, i in enumerate(m.action_items.all(), start=1)}
    return {
        "場所": m.place,
        "議事録": m.minutes,
        "決定事項": m.decisions,
        "ケース名": f.case.title,
        **items,
    }


def _minutes(t):
    m = fresh(t.rec.meeting)
    names = ("place", *AGENDA[m.kind.is_support_meeting], "decisions")
    return {
        "held": "on",
        **{name: getattr(m, name) for name in names},
        "minutes": "次回は自宅で",
        "version": m.version,
    }


def _meeting_state(t):
    m = t.rec.meeting
    return (
        *Meeting.objects.filter(pk=m.pk).values_list("version", "sharing_ended_at"),
        *MeetingParticipant.objects.filter(meeting=m).values_list("pk", "pledged_at"),
        ActionItem.objects.filter(meeting=m).count(),
    )


def _item_state(t):
    return ActionItem.objects.filter(pk=t.rec.file.item.pk).values_list("done_at")[0]


def _due():
    return (timezone.localdate() + timedelta(days=14)).isoformat()


def _meeting_id(w, sitting):
    return sitting.meeting.pk


def _meeting_action(screen, api):
    return Action(key=_meeting_id, screen=screen, api=api, state=_meeting_state)


ACTIONS = {
    "read": read("cases:meeting_detail", "/cases/meetings/{}", _fields, key=_meeting_id),
    "minutes": _meeting_action(
        Screen("cases:meeting_minutes", post=_minutes),
        Api(
            "patch",
            "/cases/meetings/{}",
            lambda t: {"version": fresh(t.rec.meeting).version, "minutes": "次回は自宅で"},
        ),
    ),
    "seat": _meeting_action(
        Screen(
            "cases:meeting_participant_add",
            post=lambda t: {"name": "自治会長", "organisation": "自治会"},
            page=False,
        ),
        Api(
            "post",
            "/cases/meetings/{}/participants",
            lambda t: {"name": "自治会長", "organisation": "自治会"},
        ),
    ),
    "pledge": _meeting_action(
        Screen("cases:meeting_pledge", post=lambda t: {}),
        Api("post", "/cases/meetings/{}/pledge", lambda t: {}),
    ),
    "end_sharing": _meeting_action(
        Screen("cases:meeting_end_sharing", post=lambda t: {}, page=False),
        Api("post", "/cases/meetings/{}/end-sharing"),
    ),
    "add_item": _meeting_action(
        Screen(
            "cases:action_item_add",
            post=lambda t: {
                "description": "配食の調整",
                "owner_agency": t.w.agency("A").pk,
                "due_on": _due(),
            },
            page=False,
        ),
        Api(
            "post",
            "/cases/meetings/{}/actions",
            lambda t: {
                "description": "配食の調整",
                "owner_agency": t.w.agency("A").code,
                "due_on": _due(),
            },
        ),
    ),
    "item_done": Action(
        key=lambda w, s: s.file.item.pk,
        screen=Screen("cases:action_item_done", post=lambda t: {}, page=False),
        api=Api("post", "/cases/actions/{}/done"),
        state=_item_state,
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_meeting(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)


def test_before_the_pledge_a_participant_reads_the_meeting_not_the_case(world, db):
    """社会福祉法106条の6: the date, place and kind, and the pledge; no minutes, no case."""
    for persona in ("participant_without_pledge", "volunteer_without_pledge"):
        for door in DOORS:
            seen = ask(world, ROWS[persona], ACTIONS["read"], door)
            assert (seen.outcome, seen.shown) == ("allowed", {"場所"}), (persona, door)
