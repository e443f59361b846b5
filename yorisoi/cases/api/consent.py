"""R4 over HTTP: consents per subject, their scans, withdrawal (also on a closed case)."""

import base64
import binascii
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404
from ninja import Query, Status

from yorisoi import access
from yorisoi.audit.log import (
    record,
)
from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import PageQuery
from yorisoi.http.validation import agency_by_code

from .. import selectors, services
from ..models import (
    Consent,
)
from .base import (
    _ERRORS,
    CASE,
    _case_page,
    _on_visible_case,
    _raise,
    _text,
    _visible_case,
    router,
)
from .builders import consent_out
from .schemas import ConsentIn, ConsentOut, ConsentPageOut, WithdrawIn


@router.get(
    f"{CASE}/consents",
    response={200: ConsentPageOut, 404: ErrorOut},
    url_name="consent_list",
    summary="同意の記録",
)
def consent_list(request, case_id: UUID, paging: Query[PageQuery]):
    """本人ごとの同意の記録（撤回されたものも、同意日の新しい順）。同意書の写しの内容は返しません。

    閲覧は監査ログ（case.viewed、part=consents、閲覧の根拠つき）に記録されます。
    """
    case = _visible_case(request.auth, case_id)
    rows = (
        Consent.objects.filter(case=case)
        .select_related("obtained_by")
        .prefetch_related("agencies")
        .defer("scan")
        .order_by("-given_on", "-recorded_at", "pk")
    )
    return _case_page(request, case, rows, paging, part="consents", out=consent_out)


@router.post(
    f"{CASE}/consents",
    response={201: ConsentOut, **_ERRORS},
    url_name="consent_record",
    summary="同意を記録する",
)
def consent_record(request, case_id: UUID, payload: ConsentIn):
    """本人ごとに、範囲（all_involved / named と機関コード）、方法（書面・口頭）、同意日、
    補足を記録します（R4）。同意書の写しは scan_base64（PDF・JPEG・PNG、5MBまで）で送れます。"""
    user = request.auth
    case = _visible_case(user, case_id)
    errors = {}
    subject = case.subjects.select_related("person").filter(person_id=payload.person_id).first()
    if subject is None:
        errors["person_id"] = [
            ValidationError("このケースの本人が見つかりません。", code="not_found")
        ]
    agencies = []
    for n, code in enumerate(payload.agencies):
        agencies.append(agency_by_code(code, field=f"agencies.{n}", errors=errors))
    scan = None
    if payload.scan_base64:
        try:
            scan = base64.b64decode(payload.scan_base64, validate=True)
        except (binascii.Error, ValueError):
            errors["scan_base64"] = [
                ValidationError("Base64 の形式が正しくありません。", code="invalid")
            ]
    _raise(errors)
    consent = services.consent_record(
        actor=user,
        case=case,
        person=subject.person,
        method=_text(payload.method),
        given_on=payload.given_on,
        scope=payload.scope or "all_involved",
        agencies=agencies,
        note=_text(payload.note),
        scan=scan,
        scan_name=_text(payload.scan_name),
        scan_type=_text(payload.scan_type),
        request=request,
    )
    return Status(201, consent_out(consent))


@router.get(
    "/cases/consents/{uuid:consent_id}/scan",
    response={200: None, 404: ErrorOut},
    url_name="consent_scan",
    summary="同意書の写しをダウンロードする",
    openapi_extra={
        "responses": {
            "200": {
                "description": "同意書の写し（PDF・JPEG・PNG）",
                "content": {t: {} for t in ("application/pdf", "image/jpeg", "image/png")},
            }
        }
    },
)
def consent_scan(request, consent_id: UUID):
    """画面と同じく、主担当機関・福祉総務課・同意を記録できる人だけ。写しがない、または見られない
    同意は 404。ダウンロードは監査ログ（consent.scan_viewed）に記録されます。"""
    user = request.auth
    consent = _on_visible_case(Consent.objects.all(), user, consent_id)
    rights = access.case_access(user, consent.case)
    if not rights.scans or consent.scan is None:
        raise Http404
    record("consent.scan_viewed", actor=user, target=consent, basis=rights.basis, request=request)
    return selectors.consent_scan_response(consent)


@router.post(
    "/cases/consents/{uuid:consent_id}/withdraw",
    response={200: ConsentOut, **_ERRORS},
    url_name="consent_withdraw",
    summary="同意の撤回を記録する",
)
def consent_withdraw(request, consent_id: UUID, payload: WithdrawIn):
    """撤回は記録として残り、その時点から効力を持ちます: 同意で見ていた関係機関には、すぐに
    ケースが見えなくなります（R4/R6）。すでに撤回済みなら 409 `withdrawn`。"""
    user = request.auth
    consent = _on_visible_case(Consent.objects.select_related("case"), user, consent_id)
    consent = services.consent_withdraw(
        actor=user,
        consent=consent,
        withdrawn_on=payload.withdrawn_on,
        note=_text(payload.note),
        request=request,
    )
    return consent_out(consent)
