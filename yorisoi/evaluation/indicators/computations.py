"""How a figure is computed from records: counts per period and dimension, medians of days, shares,
overdue counts, days to first acceptance. Periods are cut at local midnight (Asia/Tokyo).
"""

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connections
from django.db.models import (
    Count,
    F,
    Min,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yorisoi.intake.business_days import add_business_days
from yorisoi.intake.selectors import pending_limit

from ..periods import Period


@dataclass
class Figure:
    """One cell. `value` is None when there is nothing to compute (a median of no days, a
    share of nothing). `base` is the number of records behind it (suppression looks at it):
    the count itself, the days a median was taken over, a share's denominator."""

    value: int | float | None
    base: int
    numerator: int | None = None  # shares only


@dataclass(frozen=True)
class Scope:
    """Whose records count: the whole city (agency_id None) or one agency's."""

    agency_id: int | None = None


@dataclass(frozen=True)
class Dimension:
    code: str
    label: object
    names: Callable[[], dict]  # key → label, read when a table is shown
    multi: bool = False  # a record may fall under several keys (a consultation's domains)


def _names(model_path: str, label_field: str = "name", order: str = "order") -> Callable:
    def read():
        from django.apps import apps

        model = apps.get_model(model_path)
        ordering = [order, "pk"] if order else ["pk"]
        return dict(model.objects.order_by(*ordering).values_list("pk", label_field))

    return read


def _choices(import_path: str) -> Callable:
    def read():
        module, name = import_path.rsplit(".", 1)
        return dict(getattr(__import__(module, fromlist=[name]), name).choices)

    return read


DIMENSIONS = {
    d.code: d
    for d in (
        Dimension("agency", _("機関"), _names("directory.Agency", order="code")),
        Dimension("domain", _("分野"), _names("directory.Domain"), multi=True),
        Dimension("district", _("地区"), _names("directory.District")),
        Dimension("channel", _("相談経路"), _choices("yorisoi.intake.models.Channel")),
        Dimension("consulter", _("相談者"), _choices("yorisoi.intake.models.ConsulterType")),
        Dimension(
            "referral_kind", _("つなぎの種類"), _choices("yorisoi.intake.models.ReferralKind")
        ),
        Dimension(
            "meeting_type", _("会議の種類"), _choices("yorisoi.directory.models.LegalMeetingType")
        ),
        Dimension("purpose", _("会議の目的"), _choices("yorisoi.cases.models.MeetingPurpose")),
        Dimension("outreach_category", _("対象の分類"), _names("outreach.OutreachCategory")),
        Dimension("stage", _("信頼関係の段階"), _choices("yorisoi.outreach.models.Stage")),
        Dimension("method", _("方法"), _choices("yorisoi.outreach.models.Method")),
        Dimension("contact_outcome", _("結果"), _choices("yorisoi.outreach.models.ContactOutcome")),
        Dimension(
            "resource_category", _("社会資源の分類"), _names("resources.TaxonomyTerm", order="")
        ),
        Dimension("program", _("地域づくり事業"), _names("community.CommunityProgram")),
        Dimension(
            "activity_kind", _("活動の種類"), _choices("yorisoi.community.models.ActivityKind")
        ),
    )
}


@dataclass(frozen=True)
class Source:
    """A set of records, the moment that places each in a period, and the agencies it
    belongs to (the first also gives the "機関" breakdown)."""

    queryset: Callable[[], QuerySet]
    date_field: str
    agency: tuple[str, ...]
    dims: dict[str, str] = field(default_factory=dict)  # dimension code → ORM path
    is_date: bool = False  # a DateField (else a DateTimeField)

    def rows(self, scope: Scope, period: Period) -> QuerySet:
        """The records of `period`: one range on the date (an index range scan where the
        table is large — far faster than sorting every row of all periods with a CASE)."""
        qs = self.queryset()
        if scope.agency_id is not None:
            mine = Q()
            for path in self.agency:
                mine |= Q(**{path: scope.agency_id})
            qs = qs.filter(mine)
        lo, hi = (period.start, period.end) if self.is_date else (period.start_at, period.end_at)
        return qs.filter(**{f"{self.date_field}__gte": lo, f"{self.date_field}__lt": hi})

    def path(self, dim: str) -> str:
        return self.agency[0] if dim == "agency" else self.dims[dim]

    def dimensions(self) -> list[str]:
        return ["agency", *self.dims]


Cells = list[dict]  # one dict per period: {None: total Figure} or {key: Figure}


def _empty(periods) -> Cells:
    return [{} for _p in periods]


@dataclass(frozen=True)
class Counted:
    """How many records (or distinct `of` values, or the sum of `total`)."""

    source: Source
    of: str = "pk"
    distinct: bool = False
    total: str | None = None  # Sum of this field instead of a count

    def compute(self, scope, periods, dim=None) -> Cells:
        multi = dim is not None and DIMENSIONS[dim].multi
        if self.total:
            agg = Sum(self.total)
        elif self.distinct or multi or self.of != "pk":
            agg = Count(self.of, distinct=self.distinct or multi)
        else:
            agg = Count("*")  # answered from the date index alone where it can be
        out = _empty(periods)
        for index, period in enumerate(periods):
            qs = self.source.rows(scope, period)
            if dim is None:
                n = int(qs.aggregate(_n=agg)["_n"] or 0)
                out[index][None] = Figure(n, n)
                continue
            rows = qs.annotate(_k=F(self.source.path(dim))).values("_k").annotate(_n=agg)
            for row in rows.order_by():
                n = int(row["_n"] or 0)
                out[index][row["_k"]] = Figure(n, n)
        return out


def _db_dates(qs: QuerySet) -> bool:
    """Whether the database computes local dates: PostgreSQL does it cheaply (reading a date
    costs several times less than reading a moment with its zone, over tens of thousands of
    rows); SQLite would call Python once per row, so there moments are read and converted."""
    return connections[qs.db].vendor == "postgresql"


def _to_date() -> Callable:
    tz = timezone.get_current_timezone()  # looked up once: localtime() per value costs more

    def to_date(value):
        return value.astimezone(tz).date() if isinstance(value, datetime) else value

    return to_date


def _local_dates(qs: QuerySet, fields: list[str]) -> tuple[QuerySet, list[str], Callable]:
    """Select the local dates of datetime `fields`: (queryset, names to read, to_date)."""
    if _db_dates(qs):
        names = [f"_date{i}" for i in range(len(fields))]
        annotated = qs.annotate(**{n: TruncDate(f) for n, f in zip(names, fields, strict=True)})
        return annotated, names, lambda value: value
    return qs, list(fields), _to_date()


@dataclass(frozen=True)
class MedianDays:
    """The median number of days from `since` to the source's date (calendar days, local)."""

    source: Source
    since: str

    def compute(self, scope, periods, dim=None) -> Cells:
        out = _empty(periods)
        for index, period in enumerate(periods):
            qs, names, to_date = _local_dates(
                self.source.rows(scope, period), [self.since, self.source.date_field]
            )
            if dim is not None:
                qs = qs.annotate(_k=F(self.source.path(dim)))
                names.append("_k")
            days = defaultdict(list)
            for row in qs.values_list(*names).order_by():
                if row[0] is None:
                    continue
                key = row[2] if dim is not None else None
                days[key].append((to_date(row[1]) - to_date(row[0])).days)
            for key, values in days.items():
                out[index][key] = Figure(statistics.median(values), len(values))
            if dim is None:
                out[index].setdefault(None, Figure(None, 0))
        return out


@dataclass(frozen=True)
class Share:
    """numerator / denominator in per cent, both counted over the same periods and keys."""

    numerator: Counted
    denominator: Counted

    def compute(self, scope, periods, dim=None) -> Cells:
        nums = self.numerator.compute(scope, periods, dim)
        dens = self.denominator.compute(scope, periods, dim)
        out = _empty(periods)
        for index, cells in enumerate(dens):
            for key, den in cells.items():
                num = nums[index].get(key, Figure(0, 0)).value
                value = round(100 * num / den.value, 1) if den.value else None
                out[index][key] = Figure(value, den.value, numerator=num)
        return out


@dataclass(frozen=True)
class Overdue:
    """Referrals sent in the period whose answer came after the office-day limit, or that
    had no answer when the limit passed (intake.selectors.referral_is_overdue, at that time)."""

    source: Source

    def compute(self, scope, periods, dim=None) -> Cells:

        limit, today = pending_limit(), timezone.localdate()
        deadlines = {}
        out = _empty(periods)
        for index, period in enumerate(periods):
            qs, names, to_date = _local_dates(
                self.source.rows(scope, period), ["sent_at", "answered_at"]
            )
            if dim is not None:
                qs = qs.annotate(_k=F(self.source.path(dim)))
                names.append("_k")
            counts = defaultdict(int)
            for row in qs.values_list(*names).order_by():
                sent = to_date(row[0])
                if sent not in deadlines:
                    deadlines[sent] = add_business_days(sent, limit)
                answered = to_date(row[1]) if row[1] is not None else today
                counts[row[2] if dim is not None else None] += answered > deadlines[sent]
            for key, n in counts.items():
                out[index][key] = Figure(n, n)
            if dim is None:
                out[index].setdefault(None, Figure(0, 0))
        return out


@dataclass(frozen=True)
class FirstAcceptanceDays:
    """The median days from a consultation to the first acceptance of a referral of it (the
    day it first had a responsible agency other than the one it came to), counted in the
    period of that acceptance. The first acceptance of every consultation is read once, in
    one grouped query; each period then reads its acceptances by the indexed date — instead
    of an anti-join per period, which both databases run as a scan of every referral."""

    source: Source  # accepted referrals

    def compute(self, scope, periods, dim=None) -> Cells:
        if dim is None and scope.agency_id is None:
            return self._city(periods)
        to_date = _to_date()
        end = max(p.end_at for p in periods)
        first = {
            consultation: (answered, received)
            for consultation, answered, received in self.source.queryset()
            .filter(answered_at__lt=end)
            .values("consultation_id")
            .annotate(_first=Min("answered_at"), _received=Min("consultation__received_at"))
            .values_list("consultation_id", "_first", "_received")
            .order_by()
        }
        out = _empty(periods)
        for index, period in enumerate(periods):
            qs = self.source.rows(scope, period)
            names = ["consultation_id", "answered_at"]
            if dim is not None:
                qs = qs.annotate(_k=F(self.source.path(dim)))
                names.append("_k")
            days = defaultdict(list)
            for row in qs.values_list(*names).order_by():
                answered, received = first[row[0]]
                if answered != row[1]:
                    continue  # not the consultation's first acceptance
                key = row[2] if dim is not None else None
                days[key].append((to_date(answered) - to_date(received)).days)
            for key, values in days.items():
                out[index][key] = Figure(statistics.median(values), len(values))
            if dim is None:
                out[index].setdefault(None, Figure(None, 0))
        return out

    def _city(self, periods) -> Cells:
        """The whole city, no breakdown: one grouped query gives every consultation's first
        acceptance day and its first day, as local dates; each lands in its period."""
        days = defaultdict(list)
        accepted_qs = self.source.queryset().filter(answered_at__lt=max(p.end_at for p in periods))
        to_date = _to_date()
        if _db_dates(accepted_qs):
            answered, received = TruncDate("answered_at"), TruncDate("consultation__received_at")
        else:
            answered, received = F("answered_at"), F("consultation__received_at")
        for first, since in (
            accepted_qs.values("consultation_id")
            .annotate(_a=Min(answered), _r=Min(received))
            .values_list("_a", "_r")
            .order_by()
        ):
            accepted, received_on = to_date(first), to_date(since)
            for index, period in enumerate(periods):
                if period.start <= accepted < period.end:
                    days[index].append((accepted - received_on).days)
                    break
        return [
            {None: Figure(statistics.median(days[i]), len(days[i]))}
            if days[i]
            else {None: Figure(None, 0)}
            for i in range(len(periods))
        ]


@dataclass(frozen=True)
class Indicator:
    code: str
    group: object
    label: object
    description: object
    how: "Counted | MedianDays | Share | Overdue | FirstAcceptanceDays"
    unit: str = "count"  # "count" | "people" | "days" | "percent"
    better: str = "higher"  # which way a target is met: "higher" | "lower" | "" (neither)

    @property
    def dimensions(self) -> list[str]:
        how = self.how
        source = how.denominator.source if isinstance(how, Share) else how.source
        return source.dimensions()

    def compute(self, scope: Scope, periods: list[Period], dim: str | None = None) -> Cells:
        if dim is not None and dim not in self.dimensions:
            raise ValueError(dim)
        return self.how.compute(scope, periods, dim)
