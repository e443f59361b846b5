"""R4 Consent screens: record a subject's consent (with the scanned form), record its withdrawal,
and open the scan (only for those who steer the case or record consent).
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from yorisoi import access
from yorisoi.audit.log import (
    record,
)

from .. import selectors, services
from ..forms import (
    ConsentForm,
    ConsentWithdrawForm,
)
from ..models import Consent
from .base import _rights, _save, _status, _to_case, _visible, _visible_case


@require_http_methods(["GET", "POST"])
def consent_add(request, case_id):
    user = request.user
    case = _visible_case(user, case_id)
    _rights(user, case, "consent")
    form = ConsentForm(
        request.POST or None,
        request.FILES or None,
        case=case,
        initial={"given_on": timezone.localdate(), "method": "written"},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        scan = data.pop("scan")
        if scan is not None:
            data.update(scan=scan.read(), scan_name=scan.name, scan_type=scan.content_type)
        saved = _save(form, services.consent_record, actor=user, case=case, request=request, **data)
        if saved is not None:
            messages.success(request, gettext("同意を記録しました。"))
            return _to_case(case.pk)
    return render(
        request, "cases/consent_form.html", {"case": case, "form": form}, status=_status(request)
    )


@require_http_methods(["GET", "POST"])
def consent_withdraw(request, consent_id):
    """R4: the withdrawal keeps the history and takes effect at once."""
    user = request.user
    consent = _visible(Consent, user, consent_id, "person")
    case = consent.case
    _rights(user, case, "withdraw_consent")
    form = ConsentWithdrawForm(request.POST or None, initial={"withdrawn_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        saved = _save(
            form, services.consent_withdraw, actor=user, consent=consent, request=request,
            **form.cleaned_data,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, gettext("同意の撤回を記録しました。"))
            return _to_case(case.pk)
    return render(
        request,
        "cases/consent_withdraw.html",
        {"case": case, "consent": consent, "form": form},
        status=_status(request),
    )


def consent_scan(request, consent_id):
    """The scanned consent form: only for those who steer the case or record consent."""
    user = request.user
    consent = _visible(Consent, user, consent_id)
    rights = access.case_access(user, consent.case)
    if not rights.read or not rights.scans or consent.scan is None:
        raise Http404
    record("consent.scan_viewed", actor=user, target=consent, basis=rights.basis, request=request)
    return selectors.consent_scan_response(consent)
