"""Collaborative cases (多機関協働), through both doors: every action on a case, its involved
agencies and tracks, its support decision, meetings, closure, suspension and reopening.

Who may do what is access.case_access (CaseAccess): the lead agency and the coordinator steer
an active case (edit), the coordinator is the secretariat (meetings: the support decision,
meetings, closure, suspension, reopening); an agency reading on consent or through a pledged
支援会議 reads and writes the record but steers nothing; a 民生委員 who pledged reads the case's
outline only (CaseAccess.case_file), and every other case page is closed to the role.
"""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from yorisoi.directory.models import MeetingKind

from .matrix import DOORS, Action, Api, Screen, ask, cells_of, check, table
from .world import CASE_ROWS, case_id, fresh

# 409: the case's state says no: the support decision is already recorded, a closed case holds
# no meetings, a case at the support stage is not moved by hand, an active case does not reopen.
# "-": a case without a closure (suspension) meeting has no valid request to close (suspend) it.
CELLS = table(
    """
                                     read edit move lead involve inv_edit inv_end track track_end decide meeting close suspend reopen
    own_agency                       ok   ok   409  ok   ok      ok       ok      ok    ok        403    403     403   403     403
    own_agency_closed_case           ok   403  403  403  403     403      403     403   403       403    403     403   403     403
    own_agency_support_meeting_case  ok   ok   ok   ok   ok      ok       ok      ok    ok        403    403     -     -       403
    coordinator                      ok   ok   409  ok   ok      ok       ok      ok    ok        409    ok      ok    ok      409
    coordinator_closed_case          ok   403  403  403  403     403      403     403   403       409    409     409   409     ok
    coordinator_support_meeting_case ok   ok   ok   ok   ok      ok       ok      ok    ok        ok     ok      -     -       409
    involved_with_consent            ok   403  403  403  403     403      403     403   403       403    403     403   403     403
    involved_without_consent         404  404  404  404  404     404      404     404   404       404    404     404   404     404
    involved_after_withdrawal        404  404  404  404  404     404      404     404   404       404    404     404   404     404
    meeting_with_pledge              ok   403  403  403  403     403      403     403   403       403    403     -     -       403
    meeting_without_pledge           404  404  404  404  404     404      404     404   404       404    404     404   404     404
    meeting_after_sharing_ended      404  404  404  404  404     404      404     404   404       404    404     404   404     404
    volunteer_pledged                ok   role role role role    role     role    role  role      role   role    role  role    role
    volunteer_not_taking_part        404  role role role role    role     role    role  role      role   role    role  role    role
    outsider                         404  404  404  404  404     404      404     404   404       404    404     404   404     404
    analyst                          role role role role role    role     role    role  role      role   role    role  role    role
    administrator                    role role role role role    role     role    role  role      role   role    role  role    role
    """
)


def _case_fields(t):
    """What the case page and the API's case show: the outline (title, summary, the people,
    the agencies and their roles) and, to caseworkers, each subject's active consent."""
    case = fresh(t.rec.case)
    fields = {"ケース名": case.title, "概要": case.summary}
    for n, s in enumerate(case.subjects.select_related("person"), start=1):
        fields[f"本人{n}"] = s.person.family_name
    for i in case.involvements.all():
        fields[f"{i.agency.code}の役割"] = i.role
        if i.contact_name:
            fields[f"{i.agency.code}の担当者"] = i.contact_name
    for c in case.consents.filter(withdrawn_at__isnull=True):
        fields[f"{c.person.family_name}の同意日"] = c.given_on.isoformat()
    return fields


def _state(t):
    """The case, its involvements and tracks (and how many meetings it has)."""
    case = t.rec.case
    return (
        *type(case)
        .objects.filter(pk=case.pk)
        .values_list("version", "status", "support_decided_on"),
        *case.involvements.order_by("pk").values_list("version", "ended_on"),
        *case.tracks.order_by("pk").values_list("ended_on"),
        case.meetings.count(),
    )


def _v(t):
    return fresh(t.rec.case).version


def _edit_form(t):
    title = fresh(t.rec.case).title
    return {
        "title": title,
        "summary": "概要を見直した",
        "next_action_on": _today(),
        "version": _v(t),
    }


def _today():
    return timezone.localdate().isoformat()


def _meeting_id(meeting):
    return str(meeting.pk) if meeting else str(uuid.uuid4())


def _support_meeting_kind():
    return MeetingKind.objects.get(legal_type="support_meeting", active=True)


def _case_action(screen, api, **kwargs):
    return Action(key=case_id, screen=screen, api=api, state=_state, **kwargs)


def _decided_at(screen, api, meeting, api_field, text):
    """Closing or suspending the case at its held 重層的支援会議 (`meeting`, of the case file;
    a case without one: no meeting on the screen, an id that exists nowhere in the API)."""

    def held(t):
        return getattr(t.rec, meeting)

    return _case_action(
        Screen(
            screen,
            post=lambda t: {
                "meeting": held(t).pk if held(t) else "",
                "text": text,
                "version": _v(t),
            },
        ),
        Api(
            "post",
            api,
            lambda t: {"version": _v(t), "meeting_id": _meeting_id(held(t)), api_field: text},
        ),
    )


def _row_action(key, screen, api):
    """An action on an involvement or a track (numbered ids)."""
    return Action(key=key, screen=screen, api=api, state=_state, missing=lambda: 2_000_000_000)


ACTIONS = {
    "read": _case_action(Screen("cases:case_detail"), Api("get", "/cases/{}"), fields=_case_fields),
    "edit": _case_action(
        Screen("cases:case_edit", post=_edit_form),
        Api("patch", "/cases/{}", lambda t: {"version": _v(t), "summary": "概要を見直した"}),
    ),
    "move": _case_action(
        Screen(
            "cases:case_move",
            post=lambda t: {"to_status": "planning", "version": _v(t)},
            page=False,
        ),
        Api("post", "/cases/{}/status", lambda t: {"version": _v(t), "to_status": "planning"}),
    ),
    "lead": _case_action(
        Screen(
            "cases:case_lead",
            post=lambda t: {"agency": t.w.agency("T").pk, "role": "全体の調整", "version": _v(t)},
        ),
        Api(
            "post",
            "/cases/{}/lead",
            lambda t: {"version": _v(t), "agency": t.w.agency("T").code, "role": "全体の調整"},
        ),
    ),
    "involve": _case_action(
        Screen(
            "cases:involvement_add",
            post=lambda t: {"agency": t.w.agency("T").pk, "role": "見守り"},
        ),
        Api(
            "post",
            "/cases/{}/agencies",
            lambda t: {"agency": t.w.agency("T").code, "role": "見守り"},
        ),
    ),
    "inv_edit": _row_action(
        lambda w, f: f.involvement.pk,
        Screen(
            "cases:involvement_edit",
            post=lambda t: {"role": "通所の見守り", "version": fresh(t.rec.involvement).version},
        ),
        Api(
            "patch",
            "/cases/agencies/{}",
            lambda t: {"version": fresh(t.rec.involvement).version, "role": "通所の見守り"},
        ),
    ),
    "inv_end": _row_action(
        lambda w, f: f.involvement.pk,
        Screen("cases:involvement_end", post=lambda t: {}, page=False),
        Api("post", "/cases/agencies/{}/end", lambda t: {}),
    ),
    "track": _case_action(
        Screen(
            "cases:track_start",
            post=lambda t: {"program": "accompaniment", "started_on": _today()},
        ),
        Api("post", "/cases/{}/tracks", lambda t: {"program": "accompaniment"}),
    ),
    "track_end": _row_action(
        lambda w, f: f.track.pk,
        Screen("cases:track_end", post=lambda t: {}, page=False),
        Api("post", "/cases/tracks/{}/end", lambda t: {}),
    ),
    "decide": _case_action(
        Screen("cases:support_decision", post=lambda t: {}, page=False),
        Api("post", "/cases/{}/support-decision", lambda t: {}),
    ),
    "meeting": _case_action(
        Screen(
            "cases:meeting_create",
            post=lambda t: {
                "kind": _support_meeting_kind().pk,
                "held_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
                "held_time": "10:00",
                "place": "福祉総務課 会議室",
            },
        ),
        Api(
            "post",
            "/cases/{}/meetings",
            lambda t: {
                "kind": _support_meeting_kind().code,
                "held_at": (timezone.now() + timedelta(days=7)).isoformat(),
                "place": "福祉総務課 会議室",
            },
        ),
    ),
    "close": _decided_at(
        "cases:case_close", "/cases/{}/close", "closure", "evaluation", "在宅で安定した"
    ),
    "suspend": _decided_at(
        "cases:case_suspend", "/cases/{}/suspend", "suspension", "reason", "入院のため"
    ),
    "reopen": _case_action(
        Screen(
            "cases:case_reopen",
            post=lambda t: {"reason": "再び相談", "next_action_on": _today(), "version": _v(t)},
        ),
        Api("post", "/cases/{}/reopen", lambda t: {"version": _v(t), "reason": "再び相談"}),
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_case(world, db, row, action, expected):
    check(world, CASE_ROWS[row], ACTIONS[action], expected)


def test_a_pledged_volunteer_reads_the_outline_without_the_consents(world, db):
    """CaseAccess.case_file: the 民生委員 reads the people, the agencies and their roles, not
    the file (consents, records, plans), on both doors."""
    for door in DOORS:
        seen = ask(world, CASE_ROWS["volunteer_pledged"], ACTIONS["read"], door)
        assert seen.outcome == "allowed"
        assert {"ケース名", "本人1"} <= seen.shown, door
        assert not [field for field in seen.shown if field.endswith("の同意日")], door


# --- the involved agency's own staff member (担当職員) -------------------------------------
# Only someone acting for the involved agency names who of its staff works on the case: the
# lead agency and the coordinator, who can see the case, are refused (403); who cannot see the
# case gets 404 (R6).
STAFF_CELLS = table(
    """
                                     inv_staff
    own_agency                       403
    coordinator                      403
    involved_with_consent            ok
    involved_without_consent         404
    involved_after_withdrawal        404
    outsider                         404
    volunteer_pledged                role
    analyst                          role
    administrator                    role
    """
)


def _staff_body(t):
    return {"version": fresh(t.rec.involvement).version, "staff": t.w.users["saki"].pk}


def _staff_state(t):
    involvement = fresh(t.rec.involvement)
    return involvement.version, involvement.staff_id


INV_STAFF = Action(
    key=lambda w, f: f.involvement.pk,
    screen=Screen("cases:involvement_staff", post=_staff_body),
    api=Api("post", "/cases/agencies/{}/staff", _staff_body),
    state=_staff_state,
    missing=lambda: 2_000_000_000,
)


@pytest.mark.parametrize("row, action, expected", cells_of(STAFF_CELLS))
def test_involvement_staff(world, db, row, action, expected):
    check(world, CASE_ROWS[row], INV_STAFF, expected)
