"""The one call that writes the audit trail (R6: every read of personal data and every export).

    from yorisoi.audit.log import record
    record("person.viewed", actor=request.user, target=person, basis="own_agency", request=request)

Payloads carry ids and counts only, never names, addresses or search terms.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from .models import AuditEvent

# Legal or organisational basis on which personal data was read or disclosed.
BASIS_OWN_AGENCY = "own_agency"
BASIS_CONSENT = "consent"
BASIS_SUPPORT_MEETING = "art106_6_meeting"
BASIS_COORDINATOR = "coordinator"
BASIS_REFERRAL = "referral"  # a consultation handed to or shared with the agency (R2)
BASIS_VOLUNTEER_REPORT = "own_report"
BASIS_JOINT_VISIT = "joint_visit"  # an agency that went on an outreach visit together

# How each basis is named to the city answering a disclosure request (開示請求).
BASIS_LABELS = {
    BASIS_OWN_AGENCY: _("自機関の業務"),
    BASIS_CONSENT: _("本人の同意"),
    BASIS_SUPPORT_MEETING: _("支援会議（社会福祉法106条の6）"),
    BASIS_COORDINATOR: _("多機関協働の調整（福祉総務課）"),
    BASIS_REFERRAL: _("つなぎ・移管"),
    BASIS_VOLUNTEER_REPORT: _("自分の報告"),
    BASIS_JOINT_VISIT: _("同行訪問（アウトリーチ）"),
}

MAX_IDS = 200


def _client_ip(request):
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _channel(request):
    if request is None:
        return "cli"
    return "api" if request.path.startswith("/api/") else "web"


def record(
    action: str,
    *,
    actor,
    target=None,
    target_type: str = "",
    target_id: str = "",
    basis: str = "",
    request=None,
    ids: Iterable | None = None,
    data: dict | None = None,
) -> AuditEvent:
    """Append one audit event. `target` is a model instance; `ids` lists records read at once."""
    if target is not None:
        target_type = target._meta.model_name
        target_id = str(target.pk)
    payload = dict(data or {})
    if ids is not None:
        id_list = [str(i) for i in ids]
        payload["ids"] = id_list[:MAX_IDS]
        payload["count"] = len(id_list)
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent.objects.create(
        actor=user,
        actor_agency_id=getattr(user, "agency_id", None),
        action=action,
        target_type=target_type,
        target_id=target_id,
        basis=basis,
        channel=_channel(request),
        ip_address=_client_ip(request),
        data=payload,
    )


def record_reads(action: str, *, actor, bases: dict, request=None, data: dict | None = None):
    """Audit a list, queue or search: `bases` maps each record shown to the basis on which the
    policy let the user read it (access.<kind>_bases). One event per basis, so that a
    disclosure request (開示請求) finds every read of a record under its own legal basis;
    one event with no ids when nothing was shown (the list was still opened)."""
    by_basis: dict[str, list] = {}
    for pk, basis in bases.items():
        by_basis.setdefault(basis, []).append(pk)
    if not by_basis:
        return [record(action, actor=actor, request=request, ids=[], data=data)]
    return [
        record(action, actor=actor, request=request, ids=ids, basis=basis, data=data)
        for basis, ids in sorted(by_basis.items())
    ]
