"""Outreach targets (アウトリーチ), through both doors: reading a target and its contact log,
changing it, logging a visit, moving its trust stage, closing it.

A target opens to its holder (担当機関), to an agency that went on one of its visits (同行訪問),
to the coordinator, and to those who read the case it belongs to (access.outreach_access). The
holder and the coordinator steer it (what is known, the stage, identifying the person, the
hand-over, closing); joint visitors and the case's lead agency log visits too.
A target's page names its person and its case only if the reader may open them
(access.person_if_open, the case's visibility), on both doors.
"""

import uuid

import pytest
from django.utils import timezone

from yorisoi import access
from yorisoi.outreach.models import OutreachTarget

from .matrix import Action, Api, Row, Screen, cells_of, check, own_id, read, table
from .world import fresh

ROWS = {
    "holder": Row("hana", lambda w: w.targets["own"]),
    "joint_visitor": Row("saki", lambda w: w.targets["own"]),
    "joint_visitor_case_hidden": Row("saki", lambda w: w.targets["joint_case"]),
    "coordinator": Row("ichiro", lambda w: w.targets["own"]),
    "case_lead_agency": Row("hana", lambda w: w.targets["case"]),
    "case_reader_with_consent": Row("saki", lambda w: w.targets["case"]),
    "case_reader_without_consent": Row("saki", lambda w: w.targets["noconsent"]),
    "outsider": Row("tomoko", lambda w: w.targets["own"]),
    "volunteer": Row("kazuko", lambda w: w.targets["own"]),
    "analyst": Row("ken", lambda w: w.targets["own"]),
    "administrator": Row("osamu", lambda w: w.targets["own"]),
}

# 409: a hand-over needs 関係形成 (trust formed); every target here is at 対話できる.
CELLS = table(
    """
                                 read  contacts  edit  log   stage  identify  hand_over  close
    holder                       ok    ok        ok    ok    ok     ok        409        ok
    joint_visitor                ok    ok        403   ok    403    403       403        403
    joint_visitor_case_hidden    ok    ok        403   ok    403    403       403        403
    coordinator                  ok    ok        ok    ok    ok     ok        409        ok
    case_lead_agency             ok    ok        403   ok    403    403       403        403
    case_reader_with_consent     ok    ok        403   403   403    403       403        403
    case_reader_without_consent  404   404       404   404   404    404       404        404
    outsider                     404   404       404   404   404    404       404        404
    volunteer                    role  role      role  role  role   role      role       role
    analyst                      role  role      role  role  role   role      role       role
    administrator                role  role      role  role  role   role      role       role
    """
)


def _fields(t):
    """What is known of the target, and the ids of its person and case (each shown only to
    someone who may open that record)."""
    target = fresh(t.rec)
    fields = {
        "呼び方": target.label,
        "住所・場所": target.address,
        "わかっていること": target.description,
        "心配している人について": target.worried_by_note,
    }
    if target.person_id:
        fields["本人"] = str(target.person_id)
    if target.case_id:
        fields["ケース"] = str(target.case_id)
    return fields


def _contact_fields(t):
    return {f"訪問{n}": c.observations for n, c in enumerate(t.rec.contacts.all(), start=1)}


def _state(t):
    target = OutreachTarget.objects.filter(pk=t.rec.pk)
    fields = ("version", "stage", "status", "person_id")
    return (*target.values_list(*fields), t.rec.contacts.count())


def _edit_form(t):
    target = fresh(t.rec)
    return {
        "label": target.label,
        "category": target.category_id,
        "address": target.address,
        "description": "夜に明かりがつく",
        "worried_by_type": target.worried_by_type,
        "worried_by_note": target.worried_by_note,
        "responsible_agency": target.responsible_agency_id,
        "next_contact_on": target.next_contact_on.isoformat(),
        "case": target.case_id or "",
        "version": target.version,
    }


def _v(t):
    return fresh(t.rec).version


def _someone(t):
    """A person the user may open, other than the target's own (identifying them is valid
    input; whether the user may is the question)."""
    person = (
        access.visible_people(t.user).exclude(pk=t.rec.person_id or uuid.uuid4()).order_by("pk")
    ).first()
    return str(person.pk if person else uuid.uuid4())


def _target_action(screen, api):
    """A change to the record: what it changes is _state."""
    return Action(key=own_id, screen=screen, api=api, state=_state)


ACTIONS = {
    "read": read("outreach:target_detail", "/outreach/targets/{}", _fields),
    "contacts": read("outreach:target_detail", "/outreach/targets/{}/contacts", _contact_fields),
    "edit": _target_action(
        Screen("outreach:target_edit", post=_edit_form),
        Api(
            "patch",
            "/outreach/targets/{}",
            lambda t: {"version": _v(t), "description": "夜に明かりがつく"},
        ),
    ),
    "log": _target_action(
        Screen(
            "outreach:contact_add",
            post=lambda t: {
                "outcome": "absent",
                "method": "visit",
                "observations": "郵便受けがいっぱい",
                "contacted_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
            },
        ),
        Api(
            "post",
            "/outreach/targets/{}/contacts",
            lambda t: {"outcome": "absent", "observations": "郵便受けがいっぱい"},
        ),
    ),
    "stage": _target_action(
        Screen(
            "outreach:stage_move",
            post=lambda t: {"to_stage": "contacted", "note": "会えなくなった", "version": _v(t)},
        ),
        Api(
            "post",
            "/outreach/targets/{}/stage",
            lambda t: {"version": _v(t), "to_stage": "contacted", "note": "会えなくなった"},
        ),
    ),
    "identify": _target_action(
        Screen(
            "outreach:person_link",
            post=lambda t: {"person": _someone(t), "version": _v(t)},
            page=False,
        ),
        Api(
            "post",
            "/outreach/targets/{}/person",
            lambda t: {"version": _v(t), "person_id": _someone(t)},
        ),
    ),
    "hand_over": _target_action(
        Screen("outreach:hand_over", post=lambda t: {"note": "障害福祉の相談へ", "version": _v(t)}),
        Api(
            "post",
            "/outreach/targets/{}/hand-over",
            lambda t: {"version": _v(t), "note": "障害福祉の相談へ"},
        ),
    ),
    "close": _target_action(
        Screen("outreach:target_close", post=lambda t: {"reason": "転居", "version": _v(t)}),
        Api("post", "/outreach/targets/{}/close", lambda t: {"version": _v(t), "reason": "転居"}),
    ),
}


@pytest.mark.parametrize("row, action, expected", cells_of(CELLS))
def test_outreach_target(world, db, row, action, expected):
    check(world, ROWS[row], ACTIONS[action], expected)
