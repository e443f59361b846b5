"""R4 Consent: per subject, with scope, method, date and who obtained it; a withdrawal keeps the
history and takes effect at once (access.consented_cases reads it).
"""

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi.http.limits import MAX_SCAN_BYTES

from ..models import (
    Case,
    CaseEventKind,
    Consent,
    ConsentScope,
)
from .base import _access, _audit, _event, _locked, _require, _touch

SCAN_TYPES = {"application/pdf", "image/jpeg", "image/png"}


def subjects_without_consent(case) -> list:
    """Subjects of the case with no active consent at all (R5 asks for it)."""
    consenting = set(
        Consent.objects.filter(case=case, withdrawn_at__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    return [
        s.person for s in case.subjects.select_related("person") if s.person_id not in consenting
    ]


def has_active_consent(case) -> bool:
    return case.subjects.exists() and not subjects_without_consent(case)


@transaction.atomic
def consent_record(
    *,
    actor,
    case: Case,
    person,
    method: str,
    given_on: date,
    scope: str = ConsentScope.ALL_INVOLVED,
    agencies: Iterable = (),
    note: str = "",
    scan: bytes | None = None,
    scan_name: str = "",
    scan_type: str = "",
    request=None,
) -> Consent:
    """R4: per subject — scope, written/oral, date, who obtained it, optional scan."""
    rights = _access(actor, case, "consent")
    current = _locked(case)
    _require(
        current.subjects.filter(person=person).exists(),
        _("このケースの本人ではありません。"),
        "not_a_subject",
    )
    agencies = list(agencies)
    if scope == ConsentScope.NAMED and not agencies:
        raise ValidationError({"agencies": _("共有してよい機関を1つ以上選んでください。")})
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("同意を得た日に未来の日付は入れられません。")})
    if scan is not None:
        if len(scan) > MAX_SCAN_BYTES:
            raise ValidationError({"scan": _("同意書の写しは5MBまでです。")})
        if scan_type not in SCAN_TYPES:
            raise ValidationError({"scan": _("同意書の写しは PDF・JPEG・PNG のいずれかです。")})
    consent = Consent(
        case=current,
        person=person,
        scope=scope,
        method=method,
        given_on=given_on,
        obtained_by=actor,
        note=note,
        scan=scan,
        scan_name=scan_name[:200],
        scan_type=scan_type if scan is not None else "",
    )
    consent.full_clean()
    consent.save()
    if scope == ConsentScope.NAMED:
        consent.agencies.set(agencies)
    _event(current, actor, CaseEventKind.CONSENT, _("%(person)s: 同意を記録（%(method)s、%(scope)s）") % {
        "person": person, "method": consent.get_method_display(),
        "scope": consent.get_scope_display()})  # fmt: skip
    _touch(current)
    _audit("consent.recorded", actor=actor, target=consent, rights=rights, request=request)
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent: Consent, withdrawn_on=None, note="", request=None):
    """R4: a withdrawal keeps the history and takes effect from this moment: access.py stops
    opening the case to other agencies on this consent at once."""
    rights = _access(actor, consent.case, "withdraw_consent")
    current = Consent.objects.select_for_update().get(pk=consent.pk)
    _require(current.is_active, _("この同意はすでに撤回されています。"), "withdrawn")
    current.withdrawn_at = timezone.now()
    current.withdrawn_on = withdrawn_on or timezone.localdate()
    current.withdrawal_note = note
    current.withdrawal_recorded_by = actor
    current.full_clean()
    current.save()
    _event(current.case, actor, CaseEventKind.CONSENT, _("%(person)s: 同意の撤回を記録") % {
        "person": current.person})  # fmt: skip
    _touch(_locked(current.case))
    _audit("consent.withdrawn", actor=actor, target=current, rights=rights, request=request)
    return current
