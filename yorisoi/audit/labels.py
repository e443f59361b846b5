"""How the audit trail reads to a person (開示請求) and to an auditor (監査): the one table of
Japanese names for every action code that `record()` writes, and for every legal basis.

The codes stay in the trail as they are (the hash chain covers them); only their display is
translated here. A test (tests/test_labels.py) scans the source for every code recorded and
fails when one has no label. The bases' names are the policy's (access.bases.BASIS_LABELS).
"""

from functools import cache

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from yorisoi.access.bases import BASIS_LABELS

ACTION_LABELS = {
    # sign-in and accounts
    "auth.logged_in": _("ログイン"),
    "auth.logged_out": _("ログアウト"),
    "auth.login_failed": _("ログイン失敗"),
    "auth.locked_out": _("ログインの一時停止（失敗の繰り返し）"),
    "mfa.enrolled": _("二要素認証の登録"),
    "mfa.failed": _("二要素認証の失敗"),
    "mfa.recovery_code_used": _("回復コードの使用"),
    "mfa.recovery_codes_renewed": _("回復コードの再発行"),
    "mfa.reset": _("二要素認証のリセット"),
    "user.created": _("利用者の登録"),
    "user.changed": _("利用者の変更"),
    "user.password_changed": _("パスワードの変更"),
    "user.password_reset_issued": _("仮パスワードの発行"),
    "user.grant_requested": _("役割付与の申請"),
    "user.grant_approved": _("役割付与の承認"),
    "user.grant_rejected": _("役割付与の却下"),
    "api_token.issued": _("APIトークンの発行"),
    "api_token.revoked": _("APIトークンの失効"),
    "route.denied": _("権限のない画面・APIへのアクセス（拒否）"),
    # people and households
    "person.created": _("本人の登録"),
    "person.updated": _("本人情報の変更"),
    "person.viewed": _("本人情報の閲覧"),
    "person.listed": _("本人の一覧の閲覧"),
    "person.searched": _("本人の検索"),
    "person.chosen": _("相談の受付に本人を選んで表示"),
    "person.matches_shown": _("同一人物の候補の表示"),
    "household.created": _("世帯の登録"),
    "household.updated": _("世帯の変更"),
    "household.member_added": _("世帯員の追加"),
    "household.viewed": _("世帯の閲覧"),
    "household.listed": _("世帯の一覧の閲覧"),
    "household.searched": _("世帯の検索"),
    "household.linked_viewed": _("名寄せした世帯の閲覧"),
    # 名寄せ
    "identity.candidates_scored": _("名寄せ候補の照合"),
    "identity.matches_listed": _("名寄せ候補の一覧の閲覧"),
    "identity.match_viewed": _("名寄せ候補の閲覧"),
    "identity.match_flagged": _("名寄せ候補の検出"),
    "identity.match_confirmed": _("名寄せの確定"),
    "identity.match_rejected": _("名寄せ候補の却下"),
    "identity.merged": _("登録の統合（名寄せ）"),
    "identity.unlinked": _("名寄せの解除"),
    "identity.identity_viewed": _("名寄せした本人の閲覧"),
    # consultations and referrals (包括的相談支援)
    "consultation.created": _("相談の受付"),
    "consultation.viewed": _("相談の閲覧"),
    "consultation.listed": _("相談の一覧の閲覧"),
    "consultation.queue_viewed": _("相談の対応待ち一覧の閲覧"),
    "consultation.resolved": _("相談の終了（受付時に解決）"),
    "consultation.continued": _("相談の継続対応"),
    "consultation.escalated": _("多機関協働への引継ぎ"),
    "consultation.reported": _("民生委員からの報告"),
    "consultation.reports_listed": _("民生委員の報告の一覧の閲覧"),
    "consultation.record_added": _("相談の経過の記録"),
    "consultation.records_viewed": _("相談の経過記録の閲覧"),
    "consultation.reassigned": _("相談の担当者の変更"),
    "consultation.closed": _("相談の終結"),
    "consultation.reopened": _("相談の再開"),
    "volunteer_report.listed": _("民生委員の報告の一覧の閲覧"),
    "referral.listed": _("つなぎの一覧の閲覧"),
    "referral.sent": _("つなぎの送付"),
    "referral.accepted": _("つなぎの受諾"),
    "referral.declined": _("つなぎの辞退"),
    "referral.withdrawn": _("つなぎの取り下げ"),
    "referral.acknowledged": _("辞退されたつなぎの確認"),
    "referral.assigned": _("つなぎの受け入れ側の担当者の決定"),
    # cases (多機関協働)
    "case.opened": _("ケースの開始"),
    "case.viewed": _("ケースの閲覧"),
    "case.listed": _("ケースの一覧の閲覧"),
    "case.searched": _("ケースの検索"),
    "case.queue_viewed": _("ケースの対応待ち一覧の閲覧"),
    "case.updated": _("ケースの変更"),
    "case.moved": _("ケースの状態の変更"),
    "case.lead_changed": _("主担当機関の変更"),
    "case.involvement_added": _("関係機関の追加"),
    "case.involvement_updated": _("関係機関の役割の変更"),
    "case.involvement_ended": _("関係機関の関与の終了"),
    "case.involvement_staff": _("関係機関の担当職員の変更"),
    "case.track_started": _("事業の開始"),
    "case.track_ended": _("事業の終了"),
    "case.support_decided": _("支援決定"),
    "case.reopened": _("ケースの再開"),
    "case.timeline_viewed": _("支援経過記録の閲覧"),
    "case.access_log_viewed": _("ケースの閲覧記録の確認"),
    "record.added": _("支援経過記録の記入"),
    "record.corrected": _("支援経過記録の訂正"),
    "consent.recorded": _("同意の記録"),
    "consent.withdrawn": _("同意の撤回"),
    "consent.scan_viewed": _("同意書の画像の閲覧"),
    "assessment.saved": _("アセスメントの保存"),
    "plan.created": _("支援プランの作成"),
    "plan.reviewed": _("支援プランの見直し"),
    # meetings (支援会議・重層的支援会議)
    "meeting.scheduled": _("会議の設定"),
    "meeting.viewed": _("会議の閲覧"),
    "meeting.listed": _("会議の一覧の閲覧"),
    "meeting.printed": _("会議資料の印刷"),
    "meeting.recorded": _("会議録の記録"),
    "meeting.participant_added": _("会議参加者の追加"),
    "meeting.pledge_viewed": _("守秘義務の誓約画面の閲覧"),
    "meeting.pledge_pending_viewed": _("誓約前の会議の閲覧"),
    "meeting.pledged": _("守秘義務の誓約"),
    "meeting.sharing_ended": _("会議での情報共有の終了"),
    "action_item.added": _("会議の宿題の追加"),
    "action_item.done": _("会議の宿題の完了"),
    # outreach (アウトリーチ)
    "outreach.target_created": _("アウトリーチ対象の登録"),
    "outreach.target_updated": _("アウトリーチ対象の変更"),
    "outreach.target_viewed": _("アウトリーチ対象の閲覧"),
    "outreach.targets_listed": _("アウトリーチ対象の一覧の閲覧"),
    "outreach.contact_logged": _("訪問・連絡の記録"),
    "outreach.contacts_viewed": _("訪問・連絡の記録の閲覧"),
    "outreach.stage_moved": _("関係づくりの段階の変更"),
    "outreach.person_linked": _("アウトリーチ対象と本人の結びつけ"),
    "outreach.handed_over": _("関係機関への引継ぎ"),
    "outreach.closed": _("アウトリーチの終了"),
    "outreach.reopened": _("アウトリーチの再開"),
    # participation support (参加支援)
    "participation.need_created": _("参加支援のニーズの登録"),
    "participation.need_updated": _("参加支援のニーズの変更"),
    "participation.need_viewed": _("参加支援のニーズの閲覧"),
    "participation.needs_listed": _("参加支援のニーズの一覧の閲覧"),
    "participation.queue_viewed": _("参加支援の対応待ち一覧の閲覧"),
    "participation.proposals_viewed": _("社会資源の候補の閲覧"),
    "participation.placement_proposed": _("参加先の提案"),
    "participation.placement_coordinating": _("参加先との調整"),
    "participation.placement_trial": _("参加先のお試し参加"),
    "participation.placement_started": _("参加の開始"),
    "participation.placement_settled": _("参加の定着"),
    "participation.placement_ended": _("参加の終了"),
    "participation.follow_ups_listed": _("フォローアップ予定の一覧の閲覧"),
    "participation.follow_up_done": _("フォローアップの記録"),
    "participation.gap_recorded": _("社会資源の不足の記録"),
    "participation.case_gaps_viewed": _("ケースの社会資源の不足の閲覧"),
    # community building, social resources, evaluation (no personal data)
    "community.activity_recorded": _("地域活動の記録"),
    "community.activity_corrected": _("地域活動の訂正"),
    "community.training_recorded": _("研修の記録"),
    "community.training_corrected": _("研修の訂正"),
    "resource.created": _("社会資源の登録"),
    "resource.updated": _("社会資源の変更"),
    "resource.deactivated": _("社会資源の停止"),
    "resource.capacity_updated": _("社会資源の空き状況の更新"),
    "resource.outside_term_mapped": _("外部の分類の対応づけ"),
    "resource_organization.created": _("社会資源の運営団体の登録"),
    "resources.imported": _("社会資源の取り込み"),
    "resources.exported": _("社会資源の書き出し"),
    # 既存記録の取り込み (imports): the file's hash, its rows and the agency, never a value
    "import.checked": _("取り込むファイルの確認"),
    "import.committed": _("ファイルからの取り込み"),
    "import.exported": _("取り込みの様式での書き出し"),
    "consultation.exported": _("相談の書き出し"),
    "person.exported": _("本人の書き出し"),
    "consultation.imported_update": _("取り込みによる相談の変更"),
    "person.imported": _("取り込みによる本人の登録"),
    "household.imported": _("取り込みによる世帯の登録"),
    "household.members_imported": _("取り込みによる世帯員の登録"),
    "household.relationships_imported": _("取り込みによる続柄の変更"),
    "consultation.imported": _("取り込みによる相談の受付"),
    "evaluation.exported": _("評価の表の書き出し"),
    "evaluation.report_requested": _("評価報告の作成"),
    "evaluation.target_set": _("評価の目標値の設定"),
    "evaluation.target_removed": _("評価の目標値の削除"),
    # operations and the audit trail itself
    "operations.backup": _("バックアップ"),
    "operations.restore": _("バックアップからの復元"),
    "audit.trail_viewed": _("監査ログの閲覧"),
    "audit.disclosure_report": _("開示請求の回答資料の作成"),
}


def action_label(code: str) -> str:
    """The Japanese name of an action; an unknown code (an event older than this table) reads
    as itself rather than disappearing."""
    return str(ACTION_LABELS.get(code, code))


def basis_label(code: str) -> str:
    return str(BASIS_LABELS.get(code, code)) if code else "－"


def target_label(target_type: str) -> str:
    """A record's kind by the model's own name (target_type is the model_name)."""
    if not target_type:
        return ""
    model = _models_by_name().get(target_type)
    return str(model._meta.verbose_name) if model else target_type


@cache
def _models_by_name() -> dict:
    return {model._meta.model_name: model for model in apps.get_models()}
