"""R7: two people start from the same version; the second save is refused, told what the first
changed, and the first one's content stays intact. On PostgreSQL also with real threads."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from yorisoi.accounts.models import Role
from yorisoi.cases import services
from yorisoi.cases.models import Assessment, Case, Meeting, ProgressRecord
from yorisoi.cases.tests.world import open_case, schedule
from yorisoi.errors import ConcurrentEditError
from yorisoi.testing import make_user


@pytest.fixture
def case(hana, ichiro):
    return open_case(hana, ichiro)


@pytest.fixture
def ichiro2(ichiro):
    """A second coordinator at 福祉総務課, editing the same things as ichiro."""
    return make_user("ichiro2", Role.COORDINATOR, "fukushi-soumu-ka")


def _fields(error):
    return [change["field"] for change in error.changes]


def _theirs(error, field):
    return next(change["theirs"] for change in error.changes if change["field"] == field)


# --- the case --------------------------------------------------------------------------------


def test_a_second_case_edit_from_the_same_version_is_refused_and_names_the_first_change(
    case, ichiro, ichiro2
):
    mine = Case.objects.get(pk=case.pk)
    theirs = Case.objects.get(pk=case.pk)
    services.case_update(actor=ichiro, case=theirs, version=theirs.version, title="父と息子の世帯")
    with pytest.raises(ConcurrentEditError) as refused:
        services.case_update(
            actor=ichiro2, case=mine, version=mine.version, summary="息子の通所先と連絡を取った"
        )
    assert refused.value.code == "concurrent_edit"
    assert _fields(refused.value) == ["title"]
    assert _theirs(refused.value, "title") == "父と息子の世帯"
    assert refused.value.changes[0]["label"]  # a label to show next to what the user typed
    saved = Case.objects.get(pk=case.pk)
    assert saved.title == "父と息子の世帯"  # the first save is intact
    assert saved.summary == case.summary  # the second wrote nothing
    assert saved.version == mine.version + 1


def test_a_case_edit_from_the_current_version_after_a_refusal_goes_through(case, ichiro, ichiro2):
    stale = Case.objects.get(pk=case.pk)
    services.case_update(actor=ichiro, case=stale, version=stale.version, title="父と息子の世帯")
    with pytest.raises(ConcurrentEditError):
        services.case_update(actor=ichiro2, case=stale, version=stale.version, summary="追記")
    current = Case.objects.get(pk=case.pk)
    saved = services.case_update(
        actor=ichiro2, case=current, version=current.version, summary="追記"
    )
    assert (saved.title, saved.summary) == ("父と息子の世帯", "追記")


# --- the assessment --------------------------------------------------------------------------


def test_two_first_assessments_the_second_is_refused_and_lists_every_filled_field(
    case, ichiro, ichiro2
):
    services.assessment_save(
        actor=ichiro,
        case=case,
        based_on=None,
        household_situation="父と息子の二人世帯。母は昨年死去。",
        risks="二人とも痩せてきた",
    )
    with pytest.raises(ConcurrentEditError) as refused:
        services.assessment_save(
            actor=ichiro2, case=case, based_on=None, household_situation="父子世帯"
        )
    assert _fields(refused.value) == ["household_situation", "risks"]
    assert _theirs(refused.value, "risks") == "二人とも痩せてきた"
    only = Assessment.objects.get(case=case)
    assert only.number == 1 and only.created_by == ichiro
    assert only.household_situation == "父と息子の二人世帯。母は昨年死去。"


def test_an_assessment_based_on_an_old_version_is_refused_and_names_what_changed(
    case, ichiro, ichiro2
):
    base = {"household_situation": "父と息子の二人世帯", "wishes": "この家で暮らしたい"}
    services.assessment_save(actor=ichiro, case=case, based_on=None, **base)
    services.assessment_save(
        actor=ichiro, case=case, based_on=1, **{**base, "risks": "父の物忘れが進んでいる"}
    )
    with pytest.raises(ConcurrentEditError) as refused:
        services.assessment_save(
            actor=ichiro2, case=case, based_on=1, **{**base, "strengths": "息子は通所を続けている"}
        )
    assert _fields(refused.value) == ["risks"]
    assert _theirs(refused.value, "risks") == "父の物忘れが進んでいる"
    assert "2" in refused.value.message
    versions = list(Assessment.objects.filter(case=case).order_by("number"))
    assert [a.number for a in versions] == [1, 2]
    assert versions[1].risks == "父の物忘れが進んでいる" and versions[1].strengths == ""
    assert versions[0].risks == ""  # every version kept as it was


# --- the meeting's minutes -------------------------------------------------------------------


def test_a_second_minutes_edit_from_the_same_version_is_refused_and_names_the_first_change(
    case, ichiro, ichiro2
):
    an_hour_ago = timezone.now() - timedelta(hours=1)
    meeting = schedule(ichiro, case, "support_meeting", held_at=an_hour_ago)
    mine = Meeting.objects.get(pk=meeting.pk)
    theirs = Meeting.objects.get(pk=meeting.pk)
    services.meeting_record(
        actor=ichiro, meeting=theirs, version=theirs.version, minutes="父の生活状況を共有した"
    )
    with pytest.raises(ConcurrentEditError) as refused:
        services.meeting_record(
            actor=ichiro2, meeting=mine, version=mine.version, decisions="週2回の同行訪問"
        )
    assert _fields(refused.value) == ["minutes"]
    assert _theirs(refused.value, "minutes") == "父の生活状況を共有した"
    saved = Meeting.objects.get(pk=meeting.pk)
    assert saved.minutes == "父の生活状況を共有した"
    assert saved.decisions == ""


# --- the progress record ---------------------------------------------------------------------


def test_a_second_record_correction_from_the_same_version_is_refused_and_names_the_first_change(
    case, ichiro, ichiro2
):
    entry = services.record_add(actor=ichiro, case=case, kind="visit", text="自宅を訪問。")
    mine = ProgressRecord.objects.get(pk=entry.pk)
    theirs = ProgressRecord.objects.get(pk=entry.pk)
    services.record_correct(
        actor=ichiro, entry=theirs, version=theirs.version, text="自宅を訪問。父と面談。"
    )
    with pytest.raises(ConcurrentEditError) as refused:
        services.record_correct(actor=ichiro2, entry=mine, version=mine.version, kind="call")
    assert _fields(refused.value) == ["text"]
    assert _theirs(refused.value, "text") == "自宅を訪問。父と面談。"
    saved = ProgressRecord.objects.get(pk=entry.pk)
    assert (saved.kind, saved.text, saved.version) == ("visit", "自宅を訪問。父と面談。", 2)
    assert saved.history.count() == 2  # the earlier wording is kept


# --- real concurrency (PostgreSQL) -----------------------------------------------------------


def _race(work, users):
    """Run work(user) for each user at the same moment; collect what each got."""
    barrier = threading.Barrier(len(users))
    results = []

    def run(user):
        try:
            barrier.wait(timeout=10)
            work(user)
            results.append("saved")
        except ConcurrentEditError as exc:
            results.append(exc.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(results)


POSTGRES_ONLY = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises writers with a database lock; row locks need PostgreSQL",
)


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_assessments_on_the_same_version_make_one_version(
    transactional_db, hana, ichiro, ichiro2
):
    case = open_case(hana, ichiro)

    def save(user):
        services.assessment_save(
            actor=user,
            case=Case.objects.get(pk=case.pk),
            based_on=None,
            household_situation=f"{user.username} の見立て",
        )

    assert _race(save, [ichiro, ichiro2]) == ["concurrent_edit", "saved"]
    only = Assessment.objects.get(case=case)
    assert only.number == 1
    assert only.household_situation == f"{only.created_by.username} の見立て"


@POSTGRES_ONLY
@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_case_edits_on_the_same_version_save_once(
    transactional_db, hana, ichiro, ichiro2
):
    case = open_case(hana, ichiro)

    def edit(user):
        services.case_update(
            actor=user, case=case, version=case.version, title=f"{user.username} のケース名"
        )

    assert _race(edit, [ichiro, ichiro2]) == ["concurrent_edit", "saved"]
    saved = Case.objects.get(pk=case.pk)
    assert saved.version == case.version + 1
    assert saved.title in {"ichiro のケース名", "ichiro2 のケース名"}
