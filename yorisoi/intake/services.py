"""State changes of consultations and referrals (R1, R2, R3). One transaction each, audited.

Views and the API call these; a rule that says no raises RuleViolation (→ form error / 409),
bad input raises ValidationError (→ field errors / 422).
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.access.bases import BASIS_REFERRAL
from yorisoi.audit.log import record
from yorisoi.concurrency import lock_version
from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.errors import RuleViolation
from yorisoi.notifications import services as notify
from yorisoi.people.services import normalised_value
from yorisoi.work import refresh as work

from .models import (
    REFERRAL_TRANSITIONS,
    ClosureReason,
    Consultation,
    ConsultationEvent,
    ConsultationEventKind,
    ConsultationIssue,
    Outcome,
    Referral,
    ReferralKind,
    ReferralStatus,
)


def _require(allowed: bool, message: str, code: str = "forbidden"):
    if not allowed:
        raise RuleViolation(message, code=code)


def _locked(consultation: Consultation, version: int | None = None) -> Consultation:
    return lock_version(
        Consultation.objects,
        consultation.pk,
        version=version,
        message=_("ほかの人が先にこの相談を更新しました。最新の内容を確認してください。"),
    )


def _touch(consultation: Consultation, **changes):
    for key, value in changes.items():
        setattr(consultation, key, value)
    consultation.last_activity_at = timezone.now()
    consultation.version += 1
    consultation.full_clean()
    consultation.save()
    work.refresh_consultation(consultation)


def coordinating_agency() -> Agency:
    return Agency.objects.select_related("kind").get(
        kind__coordinating=True, kind__active=True, active=True
    )


def _full_clean_with_a_subject(consultation: Consultation, errors: dict):
    """full_clean, with the consultation_has_a_subject constraint said on the field to fill
    (Django would name the constraint) together with every other field's error and `errors`
    (the intake's own, by field)."""
    errors = dict(errors)
    if not (consultation.person_id or consultation.household_id or consultation.subject_note):
        errors["subject_note"] = [
            ValidationError(
                _("本人か世帯を選ぶか、本人についてわかっていることを入力してください。"),
                code="required",
            )
        ]
    try:
        # A field with an error is left out, and so are the constraints that read it.
        consultation.full_clean(exclude=list(errors))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


# A browser's clock may run a little ahead of the server's: the time it shows as "now" is
# still an honest receipt time.
RECEIVED_AT_LEEWAY = timedelta(minutes=5)


def intake_errors(
    *, issues=(), main_issue=None, received_at=None, next_action_on=None, resolved=False
) -> dict:
    """What an intake (受付) typed at a door must say: the field errors, by field. The screen
    (ConsultationForm) and POST /api/v1/consultations both check it, through
    consultation_create(at_the_door=True), and the form shows it with its own field errors.

    The intake sheet asks for the topics with the most pressing one marked ◎, so at least one
    issue and its ◎ are needed, unless the consultation is resolved there and then (R1's
    "resolved at intake"). A consultation is not received in the future, and the next action
    (R3) is not already overdue when it is recorded. consultation_create itself does not ask:
    the demo's and the evaluation's history is received in the past, and outreach's hand-over
    has no issue yet."""
    errors = {}
    codes = [code for code in issues if code]
    if not codes and not main_issue and not resolved:
        errors["issues"] = [
            ValidationError(
                _("課題を1つ以上選んでください（受付で解決した相談は不要です）。"),
                code="required",
            )
        ]
    elif codes and not main_issue:
        errors["main_issue"] = [
            ValidationError(
                _("選んだ課題のうち、いちばん大きいものに◎をつけてください。"), code="required"
            )
        ]
    if received_at is not None and timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at is not None and received_at > timezone.now() + RECEIVED_AT_LEEWAY:
        errors["received_at"] = [
            ValidationError(_("受付日時に未来の日時は入れられません。"), code="future")
        ]
    if next_action_on is not None and next_action_on < timezone.localdate():
        errors["next_action_on"] = [
            ValidationError(
                _("次の対応予定日に過去の日付は入れられません。今日以降の日付にしてください。"),
                code="past",
            )
        ]
    return errors


def main_issue_of(issues, main_issue):
    """The ◎ of the intake sheet: the one chosen, or the only issue when there is one."""
    codes = list(dict.fromkeys(code for code in issues if code))
    if not main_issue and len(codes) == 1:
        return codes[0]
    return main_issue or None


@transaction.atomic
def consultation_create(
    *,
    actor,
    issues=(),
    main_issue=None,
    next_action_on=None,
    resolved=False,
    outcome="",
    at_the_door=False,
    request=None,
    **fields,
) -> Consultation:
    """Any caseworker of any agency records any consultation (断らない相談). `outcome`, when
    decided at intake, is recorded at once through its own step (R1): resolved there and then
    (`resolved=True` says the same) closes it, continued keeps the next-action date given here,
    escalated hands it to the coordinating division. `at_the_door`: typed by a user on the
    screen or in the API, so intake_errors' rules apply too, answered together with every other
    field's error. A single issue is its own ◎.

    A subject who belongs to exactly one household the actor may see brings that household
    along, so that a case opened from it later can take in the whole household (多機関協働)."""
    _require(access.can_create_people(actor), _("この役割では相談を受け付けられません。"))
    if resolved:
        outcome = Outcome.RESOLVED
    main_issue = main_issue_of(issues, main_issue)
    errors = {}
    if at_the_door:
        errors = intake_errors(
            issues=issues,
            main_issue=main_issue,
            received_at=fields.get("received_at"),
            next_action_on=next_action_on,
            resolved=outcome == Outcome.RESOLVED,
        )
    steps = {
        Outcome.RESOLVED: consultation_resolve,
        Outcome.CONTINUED: consultation_continue,
        Outcome.ESCALATED: consultation_escalate,
    }
    if outcome and outcome not in steps:
        errors["outcome"] = [
            ValidationError(_("受付の結果を選び直してください。"), code="invalid_choice")
        ]
    for key in ("consulter_name", "consulter_contact"):
        if key in fields:
            fields[key] = normalised_value(key, fields[key])
    person = fields.get("person")
    if person is not None and fields.get("household") is None:
        households = list(
            access.visible_households(actor).filter(memberships__person=person).distinct()[:2]
        )
        if len(households) == 1:
            fields["household"] = households[0]
    codes = list(dict.fromkeys(issues))
    if main_issue and main_issue not in codes:
        codes.insert(0, main_issue)
    found = {i.code: i for i in IssueCategory.objects.filter(code__in=codes, active=True)}
    unknown = [c for c in codes if c not in found]
    if unknown:
        errors["issues"] = [
            ValidationError(
                _("課題分類にない項目があります: %(codes)s") % {"codes": "、".join(unknown)}
            )
        ]
    consultation = Consultation(
        **fields,
        receiving_agency_id=actor.agency_id,
        responsible_agency_id=actor.agency_id,
        created_by=actor,
        holder=actor,
        # Not decided yet: due today, for the decision (the form offers +7 days for continuing).
        next_action_on=next_action_on or timezone.localdate(),
        domain_count=len({issue.domain_id for issue in found.values()}),
    )
    _full_clean_with_a_subject(consultation, errors)
    consultation.save()
    ConsultationIssue.objects.bulk_create(
        ConsultationIssue(consultation=consultation, issue=found[c], is_main=c == main_issue)
        for c in codes
    )
    work.refresh_consultation(consultation)
    record(
        "consultation.created",
        actor=actor,
        target=consultation,
        basis="own_agency",
        request=request,
    )
    if outcome:
        consultation = steps[outcome](
            actor=actor, consultation=consultation, version=consultation.version, request=request
        )
    return consultation


def _decide(consultation: Consultation, *, actor, outcome: str, note: str, **changes):
    """R1: exactly one outcome, and only from the agency holding the consultation."""
    _require(
        consultation.outcome == "", _("この相談の結果はすでに記録されています。"), "outcome_exists"
    )
    _require(
        access.acts_for(actor, consultation.responsible_agency_id),
        _("この相談の結果を記録できるのは担当機関だけです。"),
    )
    _require(
        not consultation.referrals.filter(status=ReferralStatus.PENDING).exists(),
        _("回答待ちのつなぎがあります。回答を待つか、取り下げてから結果を記録してください。"),
        "referral_pending",
    )
    _touch(
        consultation,
        outcome=outcome,
        outcome_at=timezone.now(),
        outcome_by=actor,
        outcome_note=note,
        **changes,
    )


@transaction.atomic
def consultation_resolve(*, actor, consultation, version, note="", request=None):
    current = _locked(consultation, version)
    _decide(current, actor=actor, outcome=Outcome.RESOLVED, note=note, closed_at=timezone.now())
    record(
        "consultation.resolved", actor=actor, target=current, basis="own_agency", request=request
    )
    return current


@transaction.atomic
def consultation_continue(
    *, actor, consultation, version, next_action_on=None, note="", request=None
):
    """自機関で継続: the next action is the date given now, else the one set at intake (R3)."""
    current = _locked(consultation, version)
    _decide(
        current,
        actor=actor,
        outcome=Outcome.CONTINUED,
        note=note,
        next_action_on=next_action_on or current.next_action_on,
        holder=_holder_or(current, actor),
    )
    record(
        "consultation.continued", actor=actor, target=current, basis="own_agency", request=request
    )
    return current


@transaction.atomic
def consultation_escalate(*, actor, consultation, version, note="", request=None):
    """多機関協働へ: the coordinating division holds it from now on; it cannot refuse (R1)."""
    current = _locked(consultation, version)
    _decide(
        current,
        actor=actor,
        outcome=Outcome.ESCALATED,
        note=note,
        responsible_agency=coordinating_agency(),
        next_action_on=timezone.localdate(),
        holder=access.default_holder(coordinating_agency().pk),
    )
    notify.consultation_escalated(current)
    record(
        "consultation.escalated", actor=actor, target=current, basis="own_agency", request=request
    )
    return current


@transaction.atomic
def referral_send(
    *, actor, consultation, to_agency, kind, reason, told_to_person="", shared_info="", request=None
) -> Referral:
    """R2: a referral carries why, what the person was told and what is shared."""
    current = _locked(consultation)
    _require(
        access.acts_for(actor, current.responsible_agency_id),
        _("つなぎを送れるのは担当機関だけです。"),
    )
    _require(current.is_open, _("終了した相談はつなげません。"), "closed")
    _require(
        to_agency.pk != current.responsible_agency_id,
        _("自機関にはつなげません。"),
        "self_referral",
    )
    _require(
        not current.referrals.filter(status=ReferralStatus.PENDING).exists(),
        _("回答待ちのつなぎがすでにあります。"),
        "referral_pending",
    )
    if kind not in ReferralKind.values:
        raise ValidationError({"kind": _("つなぎの種類を選んでください。")})
    referral = Referral(
        consultation=current,
        kind=kind,
        from_agency_id=current.responsible_agency_id,
        to_agency=to_agency,
        reason=reason,
        told_to_person=told_to_person,
        shared_info=shared_info,
        sent_by=actor,
    )
    referral.full_clean()
    referral.save()
    _touch(current)
    notify.referral_sent(referral)
    record(
        "referral.sent",
        actor=actor,
        target=referral,
        basis=BASIS_REFERRAL,
        request=request,
        data={"consultation": str(current.pk), "to_agency": to_agency.code},
    )
    return referral


def _move(referral: Referral, status: str):
    """R2: only the moves in REFERRAL_TRANSITIONS; anything else is a clear error."""
    if status not in REFERRAL_TRANSITIONS[referral.status]:
        raise RuleViolation(
            _("「%(current)s」のつなぎを「%(target)s」にはできません。")
            % {"current": referral.get_status_display(), "target": ReferralStatus(status).label},
            code="illegal_transition",
        )
    referral.status = status


def _locked_referral(referral: Referral) -> Referral:
    return Referral.objects.select_for_update().get(pk=referral.pk)


@transaction.atomic
def referral_accept(*, actor, referral, request=None) -> Referral:
    """The receiving agency becomes responsible (transfer) or involved (referral)."""
    current = _locked_referral(referral)
    _require(
        access.acts_for(actor, current.to_agency_id), _("受け入れられるのは送り先の機関だけです。")
    )
    _move(current, ReferralStatus.ACCEPTED)
    current.answered_at, current.answered_by = timezone.now(), actor
    current.assignee = actor  # 受け入れ担当者: whoever accepts, until referral_assign
    current.save()
    consultation = _locked(current.consultation)
    changes = {}
    if consultation.outcome == "":
        changes.update(
            outcome=Outcome.REFERRED, outcome_at=timezone.now(), outcome_by=current.sent_by
        )
    if current.kind == ReferralKind.TRANSFER:
        changes.update(
            responsible_agency_id=current.to_agency_id,
            next_action_on=timezone.localdate(),
            holder=actor,
        )
    _touch(consultation, **changes)
    record("referral.accepted", actor=actor, target=current, basis=BASIS_REFERRAL, request=request)
    return current


@transaction.atomic
def referral_decline(*, actor, referral, reason, request=None) -> Referral:
    """R2: back to the sender's queue and into the coordinator's at once; never just ends."""
    current = _locked_referral(referral)
    _require(
        access.acts_for(actor, current.to_agency_id), _("回答できるのは送り先の機関だけです。")
    )
    if not (reason or "").strip():
        raise ValidationError({"decline_reason": _("受け入れできない理由を入力してください。")})
    _move(current, ReferralStatus.DECLINED)
    current.answered_at, current.answered_by = timezone.now(), actor
    current.decline_reason = reason.strip()
    current.full_clean()
    current.save()
    _touch(_locked(current.consultation))
    notify.referral_declined(current)
    record("referral.declined", actor=actor, target=current, basis=BASIS_REFERRAL, request=request)
    return current


@transaction.atomic
def referral_withdraw(*, actor, referral, request=None) -> Referral:
    current = _locked_referral(referral)
    _require(
        access.acts_for(actor, current.from_agency_id),
        _("取り下げられるのは送り元の機関だけです。"),
    )
    _move(current, ReferralStatus.WITHDRAWN)
    current.answered_at, current.answered_by = timezone.now(), actor
    current.save()
    _touch(_locked(current.consultation))
    record("referral.withdrawn", actor=actor, target=current, basis=BASIS_REFERRAL, request=request)
    return current


@transaction.atomic
def referral_acknowledge(*, actor, referral, request=None) -> Referral:
    """Take a declined referral off the sender's or the coordinator's queue (R2)."""
    current = _locked_referral(referral)
    _require(
        current.status == ReferralStatus.DECLINED,
        _("確認が必要なのは受け入れできなかったつなぎだけです。"),
        "illegal_transition",
    )
    side = access.referral_acknowledger(actor, current)
    if side is None:
        raise RuleViolation(_("このつなぎを確認済みにする権限がありません。"), code="forbidden")
    setattr(current, f"{side}_acknowledged_at", timezone.now())
    current.save()
    work.refresh_consultation(current.consultation)
    record(
        "referral.acknowledged", actor=actor, target=current, basis=BASIS_REFERRAL, request=request
    )
    return current


@transaction.atomic
def volunteer_report_create(
    *, actor, summary, subject_note, to_agency=None, urgency="normal", request=None
) -> Consultation:
    """A 民生委員's short report: it becomes a consultation at the agency it is sent to
    (by default the coordinating division); the volunteer sees only its status afterwards."""
    _require(access.is_volunteer(actor), _("この報告は民生委員・児童委員が行います。"))
    agency = to_agency or coordinating_agency()
    consultation = Consultation(
        receiving_agency=agency,
        responsible_agency=agency,
        channel="from_volunteer",
        consulter_type="volunteer",
        summary=summary,
        subject_note=subject_note,
        urgency=urgency,
        reported_by=actor,
        created_by=actor,
        holder=access.default_holder(agency.pk),
        next_action_on=timezone.localdate(),
    )
    consultation.full_clean()
    consultation.save()
    work.refresh_consultation(consultation)
    record(
        "consultation.reported",
        actor=actor,
        target=consultation,
        basis="own_report",
        request=request,
    )
    return consultation


# --- the consultation's life after its outcome (DOMAIN.md "Consultation lifecycle") ---------
# Each change below writes a ConsultationEvent (the page's timeline) and an audit event in its
# transaction. Code that keeps anything in step with a consultation's state (a work list) hooks
# on these functions: consultation_contact_recorded, consultation_reassign, consultation_close,
# consultation_reopen, consultation_became_case, referral_assign.


def _holder_or(consultation: Consultation, actor):
    """The consultation's holder if they still work for its agency, else `actor` (who is
    acting for it): someone always holds it (R3)."""
    holder = consultation.holder
    if (
        holder is not None
        and access.caseworkers_of(consultation.responsible_agency_id).filter(pk=holder.pk).exists()
    ):
        return holder
    return actor


def _check_holder(actor, agency_id, holder, field="holder"):
    """Only an active caseworker of the agency may hold its work (access.assignable_staff)."""
    if (
        holder is None
        or not access.assignable_staff(actor, agency_id).filter(pk=holder.pk).exists()
    ):
        raise ValidationError(
            {field: _("担当者には、この機関の職員（利用中のアカウント）を選んでください。")}
        )


def _check_next_action_on(next_action_on, field="next_action_on"):
    """R3: what is open has a next action, and it is not already overdue when it is set."""
    if next_action_on is None:
        raise ValidationError({field: _("次の対応予定日を入力してください。")})
    if next_action_on < timezone.localdate():
        raise ValidationError(
            {field: _("次の対応予定日に過去の日付は入れられません。今日以降の日付にしてください。")}
        )


def _event(consultation, actor, kind, **fields) -> ConsultationEvent:
    return ConsultationEvent.objects.create(
        consultation=consultation, actor=actor, agency_id=actor.agency_id, kind=kind, **fields
    )


def _holding(actor, consultation, message):
    _require(access.acts_for(actor, consultation.responsible_agency_id), message)


@transaction.atomic
def consultation_contact_recorded(
    *, actor, consultation, version=None, next_action_on, next_action="", request=None
) -> Consultation:
    """A contact (支援経過記録) was written on an open consultation: its next action is the one
    that record gives, never in the past (R3), and it counts as activity. Called by
    cases.services.records.record_add in the same transaction as the record itself."""
    current = _locked(consultation, version)
    _holding(actor, current, _("経過を記録できるのは担当機関だけです。"))
    _require(
        current.is_open,
        _("終結した相談には記録できません。続けるときは再開してください。"),
        "closed",
    )
    _check_next_action_on(next_action_on)
    _touch(current, next_action_on=next_action_on, holder=_holder_or(current, actor))
    _event(
        current,
        actor,
        ConsultationEventKind.RECORD,
        text=next_action,
        next_action_on=next_action_on,
    )
    record(
        "consultation.record_added",
        actor=actor,
        target=current,
        basis="own_agency",
        request=request,
    )
    return current


@transaction.atomic
def consultation_reassign(
    *, actor, consultation, version, holder, note="", request=None
) -> Consultation:
    """担当者を変更: to another staff member of the agency holding it (R3); audited with who
    held it before and after."""
    current = _locked(consultation, version)
    _holding(actor, current, _("担当者を変更できるのは担当機関だけです。"))
    _require(current.is_open, _("終結した相談の担当者は変更できません。"), "closed")
    _check_holder(actor, current.responsible_agency_id, holder)
    _require(current.holder_id != holder.pk, _("すでにこの職員が担当者です。"), "unchanged")
    before = current.holder
    _touch(current, holder=holder)
    _event(
        current,
        actor,
        ConsultationEventKind.REASSIGNED,
        from_holder=before,
        to_holder=holder,
        text=(note or "").strip(),
    )
    record(
        "consultation.reassigned",
        actor=actor,
        target=current,
        basis="own_agency",
        request=request,
        data={"from": before.pk if before else None, "to": holder.pk},
    )
    return current


@transaction.atomic
def consultation_close(*, actor, consultation, version, reason, note="", request=None):
    """終結: the agency holding it ends it with a reason, and it leaves the queues. Only after its
    one outcome (R1; "resolved at intake" closes at once), and not while a referral awaits its
    answer (R2)."""
    current = _locked(consultation, version)
    _holding(actor, current, _("終結できるのは担当機関だけです。"))
    _require(current.is_open, _("この相談はすでに終結しています。"), "closed")
    _require(
        current.outcome != "",
        _("受付の結果（解決・継続・つなぎ・多機関協働）を先に記録してください。"),
        "no_outcome",
    )
    _require(
        not current.referrals.filter(status=ReferralStatus.PENDING).exists(),
        _("回答待ちのつなぎがあります。回答を待つか、取り下げてから終結してください。"),
        "referral_pending",
    )
    note = (note or "").strip()
    if reason not in ClosureReason.values:
        raise ValidationError({"closure_reason": _("終結の理由を選んでください。")})
    if reason == ClosureReason.OTHER and not note:
        raise ValidationError(
            {"closure_note": _("「その他」のときは、終結の理由を補足に書いてください。")}
        )
    _touch(current, closed_at=timezone.now(), closure_reason=reason, closure_note=note)
    _event(current, actor, ConsultationEventKind.CLOSED, closure_reason=reason, text=note)
    record(
        "consultation.closed",
        actor=actor,
        target=current,
        basis="own_agency",
        request=request,
        data={"reason": reason},
    )
    return current


@transaction.atomic
def consultation_reopen(
    *, actor, consultation, version, reason, next_action_on, holder=None, request=None
):
    """再開: a closed consultation opens again at the agency that held it, with why, a next
    action (R3) and a holder (the actor unless another colleague is named). The closure stays in
    the timeline (R7)."""
    current = _locked(consultation, version)
    _holding(actor, current, _("再開できるのは担当機関だけです。"))
    _require(not current.is_open, _("この相談は終結していません。"), "open")
    errors = {}
    if not (reason or "").strip():
        errors["reopen_reason"] = [
            ValidationError(_("再開する理由を入力してください。"), code="required")
        ]
    holder = holder or actor
    for check in (
        lambda: _check_next_action_on(next_action_on),
        lambda: _check_holder(actor, current.responsible_agency_id, holder),
    ):
        try:
            check()
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)
    _touch(
        current,
        closed_at=None,
        closure_reason="",
        closure_note="",
        next_action_on=next_action_on,
        holder=holder,
    )
    _event(
        current,
        actor,
        ConsultationEventKind.REOPENED,
        to_holder=holder,
        text=reason.strip(),
        next_action_on=next_action_on,
    )
    record(
        "consultation.reopened", actor=actor, target=current, basis="own_agency", request=request
    )
    return current


def hold_unheld() -> int:
    """R3 for consultations written outside the services (demo history, bulk loads): each one
    without a 担当者 gets whoever recorded its intake or outcome, if they work for the agency
    holding it, else (open ones only) that agency's first active caseworker. The same rule as
    migration intake 0007. Returns how many got one."""
    staff: dict = {}
    for pk, agency_id in access.caseworkers_of_any().order_by("pk").values_list("pk", "agency_id"):
        staff.setdefault(agency_id, []).append(pk)
    given = 0
    rows = Consultation.objects.filter(holder__isnull=True).values_list(
        "pk", "responsible_agency_id", "created_by_id", "outcome_by_id", "closed_at"
    )
    for pk, agency_id, created_by, outcome_by, closed_at in rows.iterator():
        colleagues = staff.get(agency_id, [])
        holder = next((u for u in (created_by, outcome_by) if u in colleagues), None)
        if holder is None and closed_at is None and colleagues:
            holder = colleagues[0]
        if holder is not None:
            given += Consultation.objects.filter(pk=pk).update(holder_id=holder)
    return given


def consultation_became_case(*, actor, consultation, case=None) -> Consultation:
    """The escalated consultation lives on as a collaborative case (R1: it got its outcome; R3:
    the case now holds it): closed as 他の支援・制度につながった, leaving the queues. Called by
    cases.services.case_open on the consultation it has locked, in its transaction."""
    consultation.closed_at = timezone.now()
    consultation.closure_reason = ClosureReason.CONNECTED
    consultation.last_activity_at = consultation.closed_at
    consultation.version += 1
    consultation.save(update_fields=["closed_at", "closure_reason", "last_activity_at", "version"])
    work.refresh_consultation(consultation)
    _event(
        consultation,
        actor,
        ConsultationEventKind.CLOSED,
        closure_reason=ClosureReason.CONNECTED,
        # No case number: who reads the consultation may not be allowed to know of the case
        # (R6, access.cases_from_consultation decides who sees it).
    )
    return consultation


@transaction.atomic
def referral_assign(*, actor, referral, assignee, request=None) -> Referral:
    """受け入れ側の担当者: who at the receiving agency handles an accepted referral; the
    receiving agency names and changes them (access.assignable_staff)."""
    current = _locked_referral(referral)
    _require(
        access.acts_for(actor, current.to_agency_id),
        _("担当者を決められるのは送り先の機関だけです。"),
    )
    _require(
        current.status == ReferralStatus.ACCEPTED,
        _("担当者は受け入れたつなぎに決めます。"),
        "illegal_transition",
    )
    _check_holder(actor, current.to_agency_id, assignee, field="assignee")
    before = current.assignee_id
    current.assignee = assignee
    current.save(update_fields=["assignee"])
    record(
        "referral.assigned",
        actor=actor,
        target=current,
        basis=BASIS_REFERRAL,
        request=request,
        data={"from": before, "to": assignee.pk},
    )
    return current
