"""THE indicators of the yearly evaluation (計画 Ⅴ, DOMAIN.md "What the city measures"), in one
place: each one's name, its short Japanese description shown next to the figure, and how it
is counted from the records the other apps keep. Nothing here is typed in by anyone.

An indicator is computed for several periods (one SQL query per period, a range on an
indexed date) and, optionally, broken down by one
dimension (機関, 分野, 地区 …). What a user may see — the whole city or one agency, exact or
suppressed small figures — is the Scope, which evaluation.access makes from the user.
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
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .periods import Period

# --- what a computation returns ----------------------------------------------------------------


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


# --- dimensions (breakdowns) -----------------------------------------------------------------


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


# --- how records are counted ---------------------------------------------------------------------


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
        from yorisoi.intake.business_days import add_business_days
        from yorisoi.intake.selectors import pending_limit

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


# --- the records -----------------------------------------------------------------------------------


def _consultations():
    from yorisoi.intake.models import Consultation

    return Consultation.objects.all()


def _compound_consultations():
    """Consultations whose issues fall in two or more domains (複合課題; the count is kept on
    the consultation with its issues, intake.services.consultation_create)."""
    from yorisoi.intake.models import Consultation

    return Consultation.objects.filter(domain_count__gte=2)


def _escalations():
    from yorisoi.intake.models import Consultation, Outcome

    return Consultation.objects.filter(outcome=Outcome.ESCALATED)


def _referrals(**filters):
    def read():
        from yorisoi.intake.models import Referral, ReferralKind, ReferralStatus  # noqa: F401

        return Referral.objects.filter(**filters)

    return read


def _acceptances():
    from yorisoi.intake.models import Referral, ReferralStatus

    return Referral.objects.filter(status=ReferralStatus.ACCEPTED)


def _concluded_placements():
    """Started placements with the day they were settled or ended (whichever came first)."""
    from yorisoi.participation.models import Placement

    return Placement.objects.filter(started_on__isnull=False).annotate(
        concluded_on=Coalesce("settled_on", "ended_on")
    )


def _model(path: str, **filters):
    def read():
        from django.apps import apps

        return apps.get_model(path).objects.filter(**filters)

    return read


CONSULTATION_DIMS = {
    "domain": "issues__domain",
    "channel": "channel",
    "consulter": "consulter_type",
    "district": "person__district",
}
CONSULTATIONS = Source(
    _consultations, "received_at", ("receiving_agency", "responsible_agency"), CONSULTATION_DIMS
)
COMPOUND = Source(
    _compound_consultations, "received_at", ("receiving_agency", "responsible_agency")
)
CONSULTATIONS_FOR_SHARE = Source(
    _consultations, "received_at", ("receiving_agency", "responsible_agency")
)
REFERRAL_DIMS = {"referral_kind": "kind"}


def _referral_source(date_field, agency_first, **filters):
    other = "from_agency" if agency_first == "to_agency" else "to_agency"
    return Source(_referrals(**filters), date_field, (agency_first, other), REFERRAL_DIMS)


CASE_EVENT = "cases.CaseEvent"
LEAD = ("case__lead_agency",)
PLACEMENT_AGENCY = ("need__responsible_agency",)
STARTED = {"started_on__isnull": False}


def _placements(date_field, **filters):
    return Source(
        _model("participation.Placement", **filters), date_field, PLACEMENT_AGENCY, is_date=True
    )


# Community activities and trainings (counts only): one source for each.
ACTIVITIES = Source(
    _model("community.Activity", cancelled=False),
    "held_on",
    ("agency",),
    {"program": "site__program", "district": "site__district", "activity_kind": "kind"},
    is_date=True,
)
TRAININGS = Source(
    _model("community.Training", cancelled=False),
    "held_on",
    ("agency",),
    {"program": "program"},
    is_date=True,
)

G_CONSULT = _("包括的相談支援")
G_REFERRAL = _("つなぎ")
G_COLLAB = _("多機関協働")
G_OUTREACH = _("アウトリーチ等を通じた継続的支援")
G_PARTICIPATION = _("参加支援")
G_COMMUNITY = _("地域づくり")

INDICATORS: dict[str, Indicator] = {
    i.code: i
    for i in (
        # 包括的相談支援
        Indicator(
            "consultations",
            G_CONSULT,
            _("相談の受付件数"),
            _("期間内に受け付けた相談の件数（受付日で数えます）。どの機関の窓口でも1件です。"),
            Counted(CONSULTATIONS),
        ),
        Indicator(
            "compound_share",
            G_CONSULT,
            _("複合課題の相談の割合"),
            _("受け付けた相談のうち、課題が2つ以上の分野にまたがるものの割合（％）。"),
            Share(Counted(COMPOUND), Counted(CONSULTATIONS_FOR_SHARE)),
            unit="percent",
            better="",
        ),
        Indicator(
            "escalations",
            G_CONSULT,
            _("多機関協働への引き継ぎ件数"),
            _("相談受付の結果を「多機関協働へ（福祉総務課）」とした件数（その日で数えます）。"),
            Counted(Source(_escalations, "outcome_at", ("receiving_agency",))),
            better="",
        ),
        Indicator(
            "days_to_acceptance",
            G_CONSULT,
            _("相談から受け入れまでの日数（中央値）"),
            _(
                "相談を受け付けた日から、つなぎ先の機関が初めて受け入れた日までの日数の中央値"
                "（受け入れた日で数えます）。"
            ),
            FirstAcceptanceDays(Source(_acceptances, "answered_at", ("to_agency", "from_agency"))),
            unit="days",
            better="lower",
        ),
        # つなぎ
        Indicator(
            "referrals_sent",
            G_REFERRAL,
            _("つなぎの件数（送付）"),
            _("他機関へのつなぎ・移管を送った件数（送った日で数えます）。機関は送った機関です。"),
            Counted(_referral_source("sent_at", "from_agency")),
            better="",
        ),
        Indicator(
            "referrals_accepted",
            G_REFERRAL,
            _("つなぎの受け入れ件数"),
            _("つなぎ・移管を受け入れた件数（回答の日で数えます）。機関は受け入れた機関です。"),
            Counted(_referral_source("answered_at", "to_agency", status="accepted")),
        ),
        Indicator(
            "referrals_declined",
            G_REFERRAL,
            _("つなぎを受け入れられなかった件数"),
            _("「受け入れできない」と回答した件数（回答の日で数えます）。"),
            Counted(_referral_source("answered_at", "to_agency", status="declined")),
            better="lower",
        ),
        Indicator(
            "referrals_overdue",
            G_REFERRAL,
            _("回答期限を過ぎたつなぎの件数"),
            _(
                "期間内に送ったつなぎのうち、回答が期限（開庁日で数えた日数）を過ぎたもの、"
                "または期限を過ぎても回答がないもの。"
            ),
            Overdue(_referral_source("sent_at", "to_agency")),
            better="lower",
        ),
        Indicator(
            "referral_answer_days",
            G_REFERRAL,
            _("つなぎの回答までの日数（中央値）"),
            _("つなぎを送った日から、受け入れ・受け入れできないの回答までの日数の中央値。"),
            MedianDays(
                _referral_source("answered_at", "to_agency", answered_at__isnull=False),
                since="sent_at",
            ),
            unit="days",
            better="lower",
        ),
        # 多機関協働
        Indicator(
            "cases_opened",
            G_COLLAB,
            _("多機関協働ケースの開始件数"),
            _("福祉総務課が多機関協働のケースを開始した件数。機関は主担当機関です。"),
            Counted(Source(_model("cases.Case"), "opened_at", ("lead_agency",))),
            better="",
        ),
        Indicator(
            "meetings_held",
            G_COLLAB,
            _("会議の開催件数"),
            _("開催済みの支援会議・重層的支援会議の件数。種類・目的ごとにも見られます。"),
            Counted(
                Source(
                    _model("cases.Meeting", status="held"),
                    "held_at",
                    LEAD,
                    {"meeting_type": "kind__legal_type", "purpose": "purpose"},
                )
            ),
        ),
        Indicator(
            "plans_created",
            G_COLLAB,
            _("支援プランの作成件数"),
            _("ケースごとの最初の支援プラン（第1版）を作成した件数。"),
            Counted(Source(_model("cases.SupportPlan", number=1), "created_at", LEAD)),
        ),
        Indicator(
            "plans_reviewed",
            G_COLLAB,
            _("支援プランの見直し件数"),
            _("支援プランを見直して第2版以降を作成した件数。"),
            Counted(Source(_model("cases.SupportPlan", number__gt=1), "created_at", LEAD)),
        ),
        Indicator(
            "closures",
            G_COLLAB,
            _("終結件数"),
            _("ケースを終結した件数（終結の判断の日で数えます）。"),
            Counted(Source(_model(CASE_EVENT, kind="closed"), "at", LEAD)),
            better="",
        ),
        Indicator(
            "suspensions",
            G_COLLAB,
            _("中断件数"),
            _("ケースを中断した件数。"),
            Counted(Source(_model(CASE_EVENT, kind="suspended"), "at", LEAD)),
            better="",
        ),
        # アウトリーチ
        Indicator(
            "outreach_targets",
            G_OUTREACH,
            _("アウトリーチ対象の新規登録数"),
            _("名前がわからない段階も含め、新たに登録したアウトリーチの対象の数。"),
            Counted(
                Source(
                    _model("outreach.OutreachTarget"),
                    "created_at",
                    ("responsible_agency",),
                    {"outreach_category": "category", "district": "district"},
                )
            ),
            better="",
        ),
        Indicator(
            "outreach_contacts",
            G_OUTREACH,
            _("訪問・連絡の回数"),
            _("アウトリーチで訪問・電話・手紙などを試みた回数（不在も含みます）。"),
            Counted(
                Source(
                    _model("outreach.ContactAttempt"),
                    "contacted_at",
                    ("target__responsible_agency",),
                    {"method": "method", "contact_outcome": "outcome"},
                )
            ),
        ),
        Indicator(
            "outreach_first_contacts",
            G_OUTREACH,
            _("初めて接触できた対象の数"),
            _("信頼関係の段階が「未接触」から進んだ対象の数。"),
            Counted(
                Source(
                    _model("outreach.StageChange", from_stage="not_contacted"),
                    "changed_at",
                    ("target__responsible_agency",),
                ),
                of="target",
                distinct=True,
            ),
        ),
        Indicator(
            "outreach_stage_reached",
            G_OUTREACH,
            _("信頼関係の段階に達した対象の数"),
            _("期間内に段階が変わった対象の数。段階ごとに、その段階に達した対象を数えます。"),
            Counted(
                Source(
                    _model("outreach.StageChange"),
                    "changed_at",
                    ("target__responsible_agency",),
                    {"stage": "to_stage"},
                ),
                of="target",
                distinct=True,
            ),
        ),
        Indicator(
            "outreach_handovers",
            G_OUTREACH,
            _("支援機関への引き継ぎ数"),
            _("信頼関係ができ、支援機関へ引き継いだ対象の数。"),
            Counted(
                Source(
                    _model("outreach.OutreachTarget", status="handed_over"),
                    "ended_at",
                    ("responsible_agency",),
                    {"outreach_category": "category"},
                )
            ),
        ),
        # 参加支援
        Indicator(
            "participation_needs",
            G_PARTICIPATION,
            _("参加支援のニーズ登録数"),
            _("本人の関心・希望・制約を聞き取り、参加支援を始めた数。"),
            Counted(
                Source(
                    _model("participation.ParticipationNeed"),
                    "created_at",
                    ("responsible_agency",),
                    {"district": "district"},
                )
            ),
            better="",
        ),
        Indicator(
            "placements_proposed",
            G_PARTICIPATION,
            _("マッチング（社会資源の提案）件数"),
            _("本人に社会資源を提案した件数。"),
            Counted(_placements("proposed_on")),
        ),
        Indicator(
            "placements_started",
            G_PARTICIPATION,
            _("参加開始の件数"),
            _("社会資源への参加を始めた件数。"),
            Counted(_placements("started_on")),
        ),
        Indicator(
            "placement_settled_rate",
            G_PARTICIPATION,
            _("定着率"),
            _(
                "参加を始めた人のうち、期間内に「定着」または「終了」となったものに占める定着の割合（％）。"
            ),
            Share(
                Counted(_placements("settled_on", **STARTED)),
                Counted(
                    Source(
                        _concluded_placements,
                        "concluded_on",
                        PLACEMENT_AGENCY,
                        is_date=True,
                    )
                ),
            ),
            unit="percent",
        ),
        Indicator(
            "resource_gaps",
            G_PARTICIPATION,
            _("社会資源の不足の記録数"),
            _(
                "合う社会資源が見つからなかったときの記録（分類・地区ごと）。会議の議題④と評価に使います。"
            ),
            Counted(
                Source(
                    _model("participation.ResourceGap"),
                    "recorded_at",
                    ("agency",),
                    {"resource_category": "category", "district": "district"},
                )
            ),
            better="lower",
        ),
        # 地域づくり
        Indicator(
            "community_activities",
            G_COMMUNITY,
            _("地域づくりの活動回数"),
            _("地域づくり事業の拠点で行った活動の回数（取り消したものを除く）。"),
            Counted(ACTIVITIES),
        ),
        Indicator(
            "community_sites",
            G_COMMUNITY,
            _("活動のあった拠点の数"),
            _("期間内に1回以上活動を行った拠点の数。"),
            Counted(
                ACTIVITIES,
                of="site",
                distinct=True,
            ),
        ),
        Indicator(
            "community_participants",
            G_COMMUNITY,
            _("活動の参加者数（延べ）"),
            _("活動ごとの参加者数の合計。同じ人が何度参加しても、その回数だけ数えます。"),
            Counted(
                ACTIVITIES,
                total="participants",
            ),
            unit="people",
        ),
        Indicator(
            "community_volunteers",
            G_COMMUNITY,
            _("活動のボランティア数（延べ）"),
            _("活動ごとのボランティア数の合計。"),
            Counted(
                ACTIVITIES,
                total="volunteers",
            ),
            unit="people",
        ),
        Indicator(
            "community_trained",
            G_COMMUNITY,
            _("養成講座の修了者数"),
            _("ヘルスリーダー養成講座などの養成講座を修了した人の数（講座ごとの合計）。"),
            Counted(
                TRAININGS,
                total="people_trained",
            ),
            unit="people",
        ),
    )
}

GROUPS = [G_CONSULT, G_REFERRAL, G_COLLAB, G_OUTREACH, G_PARTICIPATION, G_COMMUNITY]


def get(code: str) -> Indicator:
    """Raises KeyError for an unknown code."""
    return INDICATORS[code]
