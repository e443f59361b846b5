"""What the people and households API takes and returns (OpenAPI schemas): a household's members as
the caller may see them (access.member_views).
"""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import ConfigDict

from yorisoi.http.errors import ErrorOut
from yorisoi.http.paging import WindowOut

# The household form's limits (forms.NewMemberFormSet: min_num=1, max_num=20).
MIN_MEMBERS, MAX_MEMBERS = 1, 20


class PersonSummaryOut(Schema):
    id: UUID
    family_name: str
    given_name: str
    family_name_kana: str
    given_name_kana: str
    full_name: str
    full_name_kana: str
    birth_date: date | None = Field(description="西暦（ISO 8601）。不明なら null")
    birth_date_display: str = Field(
        description="和暦と西暦の表示（例: 昭和45年3月2日（1970年3月2日））"
    )
    district: str | None = Field(description="地区コード（/districts の code）")
    version: int = Field(description="更新のときに送り返す版番号（楽観的排他制御）")

    @staticmethod
    def resolve_district(obj):
        return obj.district.code if obj.district_id else None


class PersonOut(PersonSummaryOut):
    age: int | None
    sex: str
    postal_code: str
    address: str
    phone: str
    preferred_language: str
    notes: str
    agency: str = Field(description="登録機関のコード（/agencies の code）")
    created_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.code


class HouseholdRefOut(Schema):
    id: UUID
    name: str


class LinkedRegistrationOut(Schema):
    id: UUID
    full_name: str
    agency: str = Field(description="登録機関のコード")

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.code


class PersonDetailOut(PersonOut):
    households: list[HouseholdRefOut] = Field(description="この本人が属する世帯（見られるもの）")
    linked_registrations: list[LinkedRegistrationOut] = Field(
        description="同一人物と確認された、ほかの機関の登録（見られるものだけ）"
    )
    identity_id: UUID | None = Field(
        description="名寄せの記録（/identities/{id}）。福祉総務課（調整担当）にだけ返します"
    )

    @staticmethod
    def resolve_households(obj):
        return obj.visible_households


class PersonPageOut(WindowOut):
    """数えずに返す一覧（issue 16）: 全件数は最後のページでだけ分かります。"""

    items: list[PersonSummaryOut]


class PersonMatchOut(Schema):
    id: UUID
    full_name: str
    full_name_kana: str
    birth_date: date | None


class OtherAgencyMatchOut(Schema):
    """Likely matches the caller may not see (access.split_matches): a flag and a sentence,
    the same shape for none, one or many — never who, where or how many."""

    other_agency_match: bool = Field(
        description="見ることのできない機関の登録に、同じ人かもしれない本人がいるか"
    )
    other_agency_message: str | None = Field(
        description="other_agency_match のときの案内（福祉総務課が確認します）。ないときは null"
    )


class PersonCreatedOut(PersonOut, OtherAgencyMatchOut):
    """The registered person, and whether the coordinator will check a likely match."""


class PossibleDuplicateOut(ErrorOut, OtherAgencyMatchOut):
    matches: list[PersonMatchOut] = Field(
        description="同じ人かもしれない、見ることのできる登録済みの本人（可能性の高い順）"
    )


class MemberOut(Schema):
    """A member as the caller may see them: a member whose own record the caller may not open
    comes with its relationship only (`person_id`, names and birth date null), as on the
    screen (access.member_views)."""

    person_id: UUID | None
    relationship: str
    relationship_display: str
    order: int
    family_name: str | None
    given_name: str | None
    full_name: str | None
    full_name_kana: str | None
    birth_date: date | None
    joined_on: date | None
    left_on: date | None

    @staticmethod
    def resolve_person_id(view):
        return view.person.pk if view.person else None

    @staticmethod
    def resolve_relationship(view):
        return view.membership.relationship

    @staticmethod
    def resolve_relationship_display(view):
        return view.membership.get_relationship_display()

    @staticmethod
    def resolve_order(view):
        return view.membership.order

    @staticmethod
    def resolve_joined_on(view):
        return view.membership.joined_on

    @staticmethod
    def resolve_left_on(view):
        return view.membership.left_on

    @staticmethod
    def resolve_family_name(view):
        return view.person.family_name if view.person else None

    @staticmethod
    def resolve_given_name(view):
        return view.person.given_name if view.person else None

    @staticmethod
    def resolve_full_name(view):
        return view.person.full_name if view.person else None

    @staticmethod
    def resolve_full_name_kana(view):
        return view.person.full_name_kana if view.person else None

    @staticmethod
    def resolve_birth_date(view):
        return view.person.birth_date if view.person else None


class HouseholdSummaryOut(Schema):
    id: UUID
    name: str
    district: str | None = Field(description="地区コード（/districts の code）")
    version: int = Field(description="更新のときに送り返す版番号（楽観的排他制御）")
    created_at: datetime
    members: list[MemberOut]

    @staticmethod
    def resolve_district(obj):
        return obj.district.code if obj.district_id else None

    @staticmethod
    def resolve_members(obj):
        return obj.member_views  # set by selectors.attach_members


class HouseholdOut(HouseholdSummaryOut):
    postal_code: str
    address: str
    notes: str
    agency: str = Field(description="登録機関のコード（/agencies の code）")
    updated_at: datetime

    @staticmethod
    def resolve_agency(obj):
        return obj.agency.code


class SamePersonOut(Schema):
    person_id: UUID = Field(description="つながった世帯の世帯員")
    member_person_id: UUID = Field(description="この世帯の世帯員（同一人物と確認されたもの）")


class LinkedHouseholdOut(Schema):
    """Another agency's household brought here by a member confirmed as the same person
    (名寄せ), shown only when the caller may open it (selectors.household_whole)."""

    id: UUID
    name: str
    agency: str = Field(description="登録機関のコード")
    members: list[MemberOut]
    same_persons: list[SamePersonOut] = Field(
        description="同一人物と確認された世帯員の組（双方とも見られるものだけ）"
    )

    @staticmethod
    def resolve_id(linked):
        return linked.household.pk

    @staticmethod
    def resolve_name(linked):
        return str(linked.household)

    @staticmethod
    def resolve_agency(linked):
        return linked.household.agency.code

    @staticmethod
    def resolve_members(linked):
        return linked.household.member_views

    @staticmethod
    def resolve_same_persons(linked):
        return [
            {"person_id": pk, "member_person_id": here.pk} for pk, here in linked.same_as.items()
        ]


class HouseholdInvolvementOut(Schema):
    kind: str = Field(description="consultation（相談）または case（多機関協働の支援）")
    id: UUID
    agencies: list[str] = Field(description="関わっている機関のコード（担当・主担当が先）")
    status: str
    status_display: str
    since: date = Field(description="受付日・開始日")

    @staticmethod
    def resolve_id(row):
        return row.pk

    @staticmethod
    def resolve_agencies(row):
        return [agency.code for agency in row.agencies]


class HouseholdDetailOut(HouseholdOut):
    linked_households: list[LinkedHouseholdOut] = Field(
        description="名寄せ（同一人物の確認）でつながった、ほかの機関の世帯（見られるものだけ）"
    )
    involvements: list[HouseholdInvolvementOut] = Field(
        description="この世帯とつながった世帯の世帯員についての相談・支援（見られるものだけ）"
    )

    @staticmethod
    def resolve_linked_households(obj):
        return obj.whole.linked

    @staticmethod
    def resolve_involvements(obj):
        return obj.whole.involvements


class HouseholdCreatedOut(HouseholdOut, OtherAgencyMatchOut):
    """The household, and whether the coordinator will check a likely match of a new member."""


class HouseholdPageOut(WindowOut):
    """数えずに返す一覧（issue 16）: 全件数は最後のページでだけ分かります。"""

    items: list[HouseholdSummaryOut]


_BIRTH_DATE_HELP = "和暦でも西暦でも入力できます。例: S45.3.2、昭和45年3月2日、R5/4/1、1970-03-02"


class _In(Schema):
    # A misspelt field would otherwise be dropped without a word and its value lost.
    model_config = ConfigDict(extra="forbid")


class PersonFieldsIn(_In):
    family_name: str | None = Field(None, description="氏（必須、50文字以内）")
    given_name: str | None = Field(None, description="名")
    family_name_kana: str | None = Field(
        None, description="氏（フリガナ）。ひらがなでも保存時にカタカナになります"
    )
    given_name_kana: str | None = Field(None, description="名（フリガナ）")
    birth_date: str | None = Field(None, description=f"生年月日。{_BIRTH_DATE_HELP}")
    sex: str | None = Field(None, description="female / male / other / unanswered")
    postal_code: str | None = Field(
        None, description="郵便番号（例: 510-8601。〒・全角・ハイフンなしも可）"
    )
    address: str | None = None
    district: str | None = Field(None, description="地区コード（/districts の code）")
    phone: str | None = Field(None, description="数字とハイフン（例: 059-354-0000、全角も可）")
    preferred_language: str | None = Field(None, description="ja, en, pt, es, zh, ko, vi …")
    notes: str | None = None


class PersonCreateIn(PersonFieldsIn):
    confirm_new: bool = Field(
        False,
        description="同じ人かもしれない登録済みの本人（409 possible_duplicate）を確認したうえで、"
        "別人として登録するときに true",
    )


class PersonUpdateIn(PersonFieldsIn):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")


class PersonSearchIn(_In):
    query: str | None = Field(
        None, description="氏名・フリガナ（先頭一致。名だけ、ひらがな・カタカナ、旧字体も可）"
    )
    birth_date: str | None = Field(None, description=f"生年月日。{_BIRTH_DATE_HELP}")


class MemberIn(_In):
    """登録済みの本人（person_id）か、新しい本人の氏名など。どちらか一方を指定します。"""

    relationship: str | None = Field(
        None, description="続柄: head, spouse, child, father, mother, … （世帯主は1人）"
    )
    person_id: UUID | None = Field(None, description="登録済みの本人のID")
    family_name: str | None = None
    given_name: str | None = None
    family_name_kana: str | None = None
    given_name_kana: str | None = None
    birth_date: str | None = Field(None, description=f"生年月日。{_BIRTH_DATE_HELP}")


class HouseholdFieldsIn(_In):
    name: str | None = Field(None, description="世帯名（例: 山田さん世帯）")
    postal_code: str | None = None
    address: str | None = None
    district: str | None = Field(None, description="地区コード（/districts の code）")
    notes: str | None = None


_CONFIRM_NEW = (
    "新しい世帯員に同じ人かもしれない登録済みの本人（409 possible_duplicate）があり、確認の"
    "うえで別人として登録するときに true"
)


class HouseholdCreateIn(HouseholdFieldsIn):
    members: list[MemberIn] = Field(description=f"世帯員（{MIN_MEMBERS}〜{MAX_MEMBERS}人）")
    confirm_new: bool = Field(False, description=_CONFIRM_NEW)


class MemberAddIn(MemberIn):
    confirm_new: bool = Field(False, description=_CONFIRM_NEW)


class HouseholdUpdateIn(HouseholdFieldsIn):
    version: int = Field(description="取得したときの version。ほかの人が先に更新していれば 409")


# --- the person's whole story (GET /people/{id}/story; selectors.person_story) -----------------


class StoryConsultationOut(Schema):
    id: UUID
    received_at: datetime
    outcome: str = Field(
        description="受付の結果（resolved / continued / referred / escalated）。未記録は空"
    )
    is_open: bool
    responsible_agency: str = Field(description="担当機関のコード")
    next_action_on: date | None = Field(description="次の対応予定日（対応中のときだけ）")
    summary: str


class StoryReferralOut(Schema):
    id: UUID
    consultation_id: UUID
    kind: str = Field(description="referral（つなぎ）/ transfer（移管）")
    status: str
    from_agency: str = Field(description="送り元の機関のコード")
    to_agency: str = Field(description="送り先の機関のコード")
    sent_at: datetime
    answered_at: datetime | None


class StoryCaseOut(Schema):
    id: UUID
    number: str
    title: str
    status: str
    lead_agency: str = Field(description="主担当機関のコード")
    opened_at: datetime


class StoryOutreachOut(Schema):
    id: UUID
    label: str
    status: str
    stage: str
    responsible_agency: str = Field(description="担当機関のコード")
    next_contact_on: date | None = Field(description="次の予定日（対応中のときだけ）")


class StoryNeedOut(Schema):
    id: UUID
    title: str = Field(description="短期の目標か関心（一覧での呼び方）")
    responsible_agency: str = Field(description="担当機関のコード")
    created_at: datetime


def _section(name: str, item):
    return type(
        name,
        (Schema,),
        {
            "__annotations__": {"count": int, "items": list[item]},
            "count": Field(description="見ることのできる全件数"),
            "items": Field(description="新しい順に最大10件。それぞれ詳細を開けるものだけ"),
        },
    )


StoryConsultationsOut = _section("StoryConsultationsOut", StoryConsultationOut)
StoryReferralsOut = _section("StoryReferralsOut", StoryReferralOut)
StoryCasesOut = _section("StoryCasesOut", StoryCaseOut)
StoryOutreachTargetsOut = _section("StoryOutreachTargetsOut", StoryOutreachOut)
StoryNeedsOut = _section("StoryNeedsOut", StoryNeedOut)


class PersonStoryOut(Schema):
    """本人についての相談・つなぎ・ケース・アウトリーチ・参加支援のうち、見ることのできるもの
    （画面の本人のページと同じ selectors.person_story）。"""

    consultations: StoryConsultationsOut
    referrals: StoryReferralsOut
    cases: StoryCasesOut
    outreach: StoryOutreachTargetsOut
    participation: StoryNeedsOut
