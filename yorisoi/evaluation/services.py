"""What changes in the evaluation: the city's targets, and report files asked for. Each write
is audited; exports are audited where the file leaves (export_recorded)."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import access
from yorisoi.audit.log import record

from . import indicators
from .models import ReportRun, Target
from .periods import Period

REPORT_FORMATS = ("pdf", "xlsx")
MAX_REPORT_YEARS = 20


@transaction.atomic
def set_target(
    *, actor, indicator: str, fiscal_year: int, value: Decimal | None, note: str = "", request=None
) -> Target | None:
    """The city's target for `indicator` in `fiscal_year`; value None removes it. Only the
    coordinator sets targets (the previous value stays in the target's history)."""
    if not access.can_set_targets(actor):
        raise PermissionDenied
    if indicator not in indicators.INDICATORS:
        raise ValidationError({"indicator": _("この指標はありません。")})
    if not 1900 <= fiscal_year <= 9998:
        raise ValidationError({"fiscal_year": _("年度は1900から9998の間で指定してください。")})
    existing = Target.objects.select_for_update().filter(
        indicator=indicator, fiscal_year=fiscal_year
    )
    data = {"indicator": indicator, "fiscal_year": fiscal_year}
    if value is None:
        deleted = existing.first()
        if deleted is not None:
            deleted.delete()
            record("evaluation.target_removed", actor=actor, request=request, data=data)
        return None
    if value < 0:
        raise ValidationError({"value": _("目標値は0以上にしてください。")})
    target = existing.first() or Target(indicator=indicator, fiscal_year=fiscal_year)
    target.value = value
    target.note = note
    target.set_by = actor
    target.set_at = timezone.now()
    target.full_clean()
    target.save()
    record(
        "evaluation.target_set",
        actor=actor,
        target=target,
        request=request,
        data={**data, "value": str(value)},
    )
    return target


def export_recorded(*, actor, what: str, fmt: str, period: Period, request=None, **data):
    """Every file that leaves the evaluation (a table, a chart, a report) is audited."""
    record(
        "evaluation.exported",
        actor=actor,
        request=request,
        data={"what": what, "format": fmt, "period": period.key, **data},
    )


def request_report(*, actor, fmt: str, period: Period, years: int = 1, request=None) -> ReportRun:
    """Ask for the committee report of `period` with `years` fiscal years of trend; it is
    made by the background task tasks.make_report, which reports its progress on the run."""
    if access.evaluation_view(actor) is None:
        raise PermissionDenied
    if fmt not in REPORT_FORMATS:
        raise ValidationError({"fmt": _("形式は PDF か xlsx を選んでください。")})
    if not 1 <= years <= MAX_REPORT_YEARS:
        raise ValidationError(
            {"years": _("年数は1から%(max)sの間で指定してください。") % {"max": MAX_REPORT_YEARS}}
        )
    run = ReportRun.objects.create(
        requested_by=actor, fmt=fmt, params={"period": period.key, "years": years}
    )
    record("evaluation.report_requested", actor=actor, target=run, request=request)
    from . import tasks

    transaction.on_commit(lambda: tasks.make_report.enqueue(str(run.pk)))
    return run
