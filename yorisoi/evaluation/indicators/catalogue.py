"""The city's indicators (計画 Ⅴ), each with its Japanese description, grouped by program: which
records each counts and how.
"""

from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from yorisoi.intake.models import Consultation, Outcome, Referral, ReferralKind, ReferralStatus  # noqa: F401
from yorisoi.participation.models import Placement

from .computations import (
    Counted,
    FirstAcceptanceDays,
    Indicator,
    MedianDays,
    Overdue,
    Share,
    Source,
)


def _consultations():

    return Consultation.objects.all()


def _compound_consultations():
    """Consultations whose issues fall in two or more domains (複合課題; the count is kept on
    the consultation with its issues, intake.services.consultation_create)."""

    return Consultation.objects.filter(domain_count__gte=2)


def _escalations():

    return Consultation.objects.filter(outcome=Outcome.ESCALATED)


def _referrals(**filters):
    def read():

        return Referral.objects.filter(**filters)

    return read


def _acceptances():

    return Referral.objects.filter(status=ReferralStatus.ACCEPTED)


def _concluded_placements():
    """Started placements with the day they were settled or ended (whichever came first)."""

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
