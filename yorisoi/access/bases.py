"""The legal or organisational bases on which personal data is read or disclosed (R6; the Act on
the Protection of Personal Information, art. 69: record the basis of every disclosure). The
policy decides which applies to a read; the audit trail records it (audit.log)."""

from django.utils.translation import gettext_lazy as _

# Legal or organisational basis on which personal data was read or disclosed.
BASIS_OWN_AGENCY = "own_agency"
BASIS_CONSENT = "consent"
BASIS_SUPPORT_MEETING = "art106_6_meeting"
BASIS_COORDINATOR = "coordinator"
BASIS_REFERRAL = "referral"  # a consultation handed to or shared with the agency (R2)
BASIS_VOLUNTEER_REPORT = "own_report"
BASIS_JOINT_VISIT = "joint_visit"  # an agency that went on an outreach visit together
# 名寄せ: the coordinating division checks whether registrations by several agencies are one
# person (issue 12). Identifying fields only, never what any agency recorded about them.
BASIS_MATCH_REVIEW = "match_review"

# How each basis is named to the city answering a disclosure request (開示請求).
BASIS_LABELS = {
    BASIS_OWN_AGENCY: _("自機関の業務"),
    BASIS_CONSENT: _("本人の同意"),
    BASIS_SUPPORT_MEETING: _("支援会議（社会福祉法106条の6）"),
    BASIS_COORDINATOR: _("多機関協働の調整（福祉総務課）"),
    BASIS_REFERRAL: _("つなぎ・移管"),
    BASIS_VOLUNTEER_REPORT: _("自分の報告"),
    BASIS_JOINT_VISIT: _("同行訪問（アウトリーチ）"),
    BASIS_MATCH_REVIEW: _("名寄せの確認（重複登録の照合、福祉総務課）"),
}
