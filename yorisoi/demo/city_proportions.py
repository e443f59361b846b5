"""What the fictional city of `generate_city` (demo/city.py) looks like: shares, rates and
texts, each with the reason it was chosen. A city may change them; tests/test_generate_city.py
checks the proportions they give at 300 people.
"""

from yorisoi.intake.models import Channel, ConsulterType, Outcome

# ~2M consultations over ten years for ~1.8M residents (issue 16): 0.11 per resident per year.
CONSULTATIONS_PER_RESIDENT_YEAR = 0.11
# Most people never consult: only this share of residents is ever "at risk" of consulting.
# With the heavy tail below, ~20 % of residents consult at least once in ten years.
AT_RISK_SHARE = 0.30
# Multi-problem households: a few people come back again and again (10+ consultations).
LONG_HISTORY_SHARE = 0.004
LONG_HISTORY_WEIGHT = 10.0
# How unequal the at-risk are (a lognormal weight), capped so that nobody has hundreds: at
# 100,000 people and ten years the longest history is ~50 consultations, ~2 % of residents
# have 10 or more (first measured without the cap: one person had 1,173).
WEIGHT_SIGMA = 0.8
WEIGHT_CAP = 25.0
# A neighbour's call about "the old man in the corner house": no registered person yet.
ANONYMOUS_SHARE = 0.08
# Older people consult far more (the busiest agencies serve them).
AGE_WEIGHT = ((75, 3.0), (65, 2.0), (18, 1.0), (0, 0.7))

# R1: the four outcomes. Most are resolved at the desk or continued at the same agency; a few
# go elsewhere; escalation to multi-agency collaboration is rare (Yokkaichi plans tens of
# collaborative cases a year for 310,000 people).
OUTCOME_WEIGHTS = {
    Outcome.RESOLVED: 47,
    Outcome.CONTINUED: 38,
    Outcome.REFERRED: 13,
    Outcome.ESCALATED: 2,
}
# New consultations still without an outcome: the share of those received in the last week.
NEW_SHARE_LAST_WEEK = 0.35
# How long a consultation continued at one agency stays open (mean, days; exponential).
CONTINUED_MEAN_DAYS = 150
# R2: declines before a referral is accepted (0, 1, 2 = たらいまわし risk), and the answers.
DECLINES_BEFORE = ((0, 86), (1, 10), (2, 4))
REFERRAL_WITHDRAWN_SHARE = 0.05
PENDING_WITHIN_DAYS = 10  # a referral sent in the last days may still wait for an answer
TRANSFER_SHARE = 0.3
# Collaborative cases.
CASE_CONSENT_LATE_SHARE = 0.2  # consent only after a 支援会議 (worked example 2)
CASE_MEAN_DAYS = 420  # from the first plan to closure (exponential)
CASE_SUSPENDED_SHARE = 0.08
CASE_REVIEW_DAYS = 180
CASE_OUTREACH_SHARE = 0.2
CASE_PARTICIPATION_SHARE = 0.25
RECORD_EVERY_DAYS = 30
RECORDS_PER_CASE_MAX = 40
# Outreach targets nobody consulted about (a 民生委員 worries): per resident per year.
OUTREACH_STANDALONE_PER_RESIDENT_YEAR = 0.0004
FOLLOW_UP_DAYS = (14, 30, 90)  # settings.YORISOI_FOLLOW_UP_DAYS' default

# Which kinds of agency people of each age consult (kind code, weight). Home-care support
# centres (26 sites) and 地域包括支援センター (3, each very busy) take most: old people consult
# most. Kinds a city's master data lacks are skipped.
KINDS_BY_AGE = {
    65: (("zaitaku-kaigo", 42), ("chiiki-houkatsu", 28), ("kaigo-hoken-ka", 6),
         ("kourei-fukushi-ka", 4), ("hogo-ka", 4), ("seikatsu-shien-shitsu", 3),
         ("fukushi-soumu-ka", 3), ("shakyo", 4), ("hoken-yobou-ka", 2), ("jinken-center", 1),
         ("kokusai-kouryu-center", 1), ("shougai-fukushi-ka", 2)),
    18: (("itaku-soudan", 17), ("seikatsu-shien-shitsu", 17), ("hogo-ka", 13),
         ("shougai-fukushi-ka", 8), ("hoken-yobou-ka", 8), ("fukushi-soumu-ka", 7),
         ("zaitaku-kaigo", 7), ("chiiki-houkatsu", 5), ("danjo-kyoudou-sankaku-center", 4),
         ("shakyo", 5), ("kokusai-kouryu-center", 3), ("jinken-center", 2),
         ("kodomo-katei-ka", 2), ("kosodate-concierge", 2)),
    0: (("kosodate-shien-center", 26), ("kosodate-concierge", 12), ("kodomo-katei-ka", 18),
        ("kodomo-hoken-fukushi-ka", 10), ("kodomo-hattatsu-shien-ka", 10), ("akebono-gakuen", 4),
        ("shidou-ka", 8), ("seishounen-ikusei-shitsu", 6), ("fukushi-soumu-ka", 4)),
}  # fmt: skip
CHANNELS = ((Channel.COUNTER, 30), (Channel.PHONE, 35), (Channel.VISIT, 12), (Channel.EMAIL, 3),
            (Channel.FROM_AGENCY, 10), (Channel.FROM_NEIGHBOUR, 5), (Channel.FROM_VOLUNTEER, 5))  # fmt: skip
CONSULTERS = {
    Channel.FROM_AGENCY: ConsulterType.AGENCY,
    Channel.FROM_NEIGHBOUR: ConsulterType.NEIGHBOUR,
    Channel.FROM_VOLUNTEER: ConsulterType.VOLUNTEER,
}

SUMMARIES = (
    "生活のことで相談。家族の介護と家計の不安がある。",
    "物忘れが増え、一人での生活に不安がある。",
    "仕事が見つからず、家賃の支払いが遅れている。",
    "子育てに疲れている。相談できる人がいない。",
    "長く外出していない家族のことで相談。",
    "近所とのトラブルが続いている。",
    "通院が途切れがちで、服薬ができているかわからない。",
    "公共料金を滞納している。食べるものが少ない。",
)
DECLINE_REASONS = (
    "対象年齢外のため当機関では受けられない。",
    "当機関の支援の対象ではない（所管外）。",
    "定員に空きがなく、当面受け入れられない。",
    "本人の同意が確認できていない。",
)
CLOSE_NOTES = (
    "介護サービスの利用が始まり、生活が安定した。",
    "就労が決まり、家計の見通しが立った。",
    "地域の見守りの中で暮らせるようになった。",
)
SUSPEND_NOTES = ("本人が転居し、連絡が取れなくなった。", "本人が支援を望まなくなった。")
ROLES = (
    "介護サービスの調整と見守り",
    "障害福祉サービスの利用に向けた相談",
    "家計と就労の相談",
    "通院と服薬の確認",
    "地域の見守りと声かけ",
)
RECORD_TEXTS = (
    "自宅を訪問。本人と話し、最近の様子を確認した。",
    "電話で連絡。次回の面談の日を決めた。",
    "関係機関と連絡し、役割分担を確認した。",
    "面談。本人の希望を聞き、プランの進み具合を話し合った。",
)
