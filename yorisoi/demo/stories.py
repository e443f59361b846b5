"""What the demo city's consultations say: fictional stories of the kinds the plan is about.

A consultation's summary is put together from a theme (elderly care, disability, mental
health, child-rearing, poverty, housing, debt, withdrawal, DV, foreign residents …): who
brought it and how, who it is about, what is happening and since when, one detail and what
the person wishes. Thousands of combinations per theme, so that a list reads like a city's
year rather than one sentence repeated. No text is about a real person; every subject note
starts with DEMO_MARK. The agencies are kinds from the master data (another city's kinds
that are missing are skipped).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from yorisoi.people.demo import DEMO_MARK

# How a consultation arrives: (consulter type, channel, opener). {family} and {source} are
# filled from the theme.
OPENERS = {
    "self": (
        ("counter", "本人が窓口に来所。"),
        ("phone", "本人から電話。"),
        ("email", "本人からメールで相談。"),
        ("visit", "訪問の際に本人から相談。"),
    ),
    "family": (
        ("phone", "{family}から電話。"),
        ("counter", "{family}が窓口に来所。"),
    ),
    "neighbour": (
        ("from_neighbour", "近所の方から電話。"),
        ("from_neighbour", "同じ集合住宅の住人から連絡。"),
    ),
    "volunteer": (
        ("from_volunteer", "担当地区の民生委員から報告。"),
        ("from_volunteer", "民生委員が見守り訪問の際に気づき、連絡。"),
    ),
    "agency": (("from_agency", "{source}から情報提供。"),),
}

WHEN = (
    "半年ほど前から",
    "今年に入ってから",
    "この数か月",
    "昨年の秋ごろから",
    "最近になって",
    "春ごろから",
)

DECLINE_REASONS = (
    "当機関の対象（年齢・区域）に当たらないため。所管の機関へのつなぎをお願いしたい。",
    "定員に空きがなく、すぐには受け入れられない。空きが出しだい連絡する。",
    "本人の同意が確認できていないため。同意を得てから改めて送ってほしい。",
    "相談内容が当機関の所管ではない。福祉総務課と調整してほしい。",
    "担当者が不在の期間で、期限内に対応できない。他の機関を検討してほしい。",
    "すでに別の機関が支援を始めていると聞いている。重複を避けたい。",
)


@dataclass(frozen=True)
class Theme:
    key: str
    main: str  # issue code (master data)
    extras: tuple[str, ...]  # issues that often come with it
    subjects: tuple[tuple[str, str | None, int, int], ...]  # label, sex, age from, age to
    situations: tuple[str, ...]  # with {when}
    details: tuple[str, ...]
    wishes: tuple[str, ...]
    receivers: tuple[str, ...]  # agency kinds that receive it
    referrals: tuple[tuple[str, str], ...]  # (agency kind, reason)
    case_title: str
    consulters: tuple[str, ...]  # weighted by repetition
    family: tuple[str, ...] = ("家族",)
    sources: tuple[str, ...] = ("関係機関",)
    urgent_share: float = 0.05


THEMES = (
    Theme(
        "dementia",
        "dementia",
        ("care", "isolation", "money-management", "no-food"),
        (
            ("80代の女性、一人暮らし", "female", 80, 89),
            ("70代の男性、一人暮らし", "male", 70, 79),
            ("80代の夫婦のうち夫", "male", 80, 89),
            ("90代の女性、長男と同居", "female", 90, 97),
        ),
        (
            "{when}物忘れが増え、同じことを何度も尋ねるようになった",
            "{when}鍋を火にかけたまま外出することが続いている",
            "{when}夜に外へ出て、家に戻れなくなることがある",
            "{when}通帳や印鑑をなくしたと何度も言うようになった",
        ),
        (
            "郵便受けに新聞がたまっていることがある",
            "服薬の管理ができていない様子",
            "介護保険の認定はまだ受けていない",
            "冷蔵庫に同じ食品がいくつもある",
        ),
        (
            "本人は家族に迷惑をかけたくないと話している",
            "家族は施設も含めて考えたいと話している",
            "本人はこのまま自宅で暮らしたいと話している",
        ),
        ("zaitaku-kaigo", "chiiki-houkatsu", "kourei-fukushi-ka"),
        (
            ("chiiki-houkatsu", "認知症の初期の支援と介護保険の申請のため"),
            ("kaigo-hoken-ka", "要介護認定の申請手続きのため"),
            ("shakyo", "日常生活自立支援事業（金銭管理）の利用相談のため"),
        ),
        "認知症の初期症状と在宅生活の継続",
        ("family", "family", "neighbour", "volunteer", "agency", "self"),
        family=("長女", "長男", "県外に住む次女", "妻"),
        sources=("かかりつけ医", "ケアマネジャー", "地区の郵便局"),
    ),
    Theme(
        "care-burden",
        "care",
        ("family-relations", "health-disability", "work-trouble"),
        (
            ("60代の女性、90代の母を介護", "female", 60, 69),
            ("50代の男性、80代の父を介護", "male", 50, 59),
            ("70代の女性、夫を老老介護", "female", 70, 79),
        ),
        (
            "{when}介護のために仕事を休むことが増え、疲れ切っている",
            "{when}夜間の介護で眠れない日が続いている",
            "{when}介護される側の状態が悪くなり、一人では支えきれない",
        ),
        (
            "ショートステイを使ったことはない",
            "ほかに頼れる親族はいない",
            "介護のことで兄弟と意見が合わない",
            "腰を痛めて通院している",
        ),
        (
            "少し休める方法を知りたい",
            "仕事は続けたいと話している",
            "施設入所も考え始めている",
        ),
        ("zaitaku-kaigo", "chiiki-houkatsu", "kaigo-hoken-ka"),
        (
            ("chiiki-houkatsu", "介護者の負担軽減とサービス調整のため"),
            ("kaigo-hoken-ka", "区分変更の申請のため"),
        ),
        "介護者の負担と在宅介護の見直し",
        ("self", "self", "family", "agency"),
        family=("長男", "妻", "娘"),
        sources=("ケアマネジャー", "デイサービス事業所"),
    ),
    Theme(
        "elder-abuse",
        "elder-abuse",
        ("care", "family-relations", "money-management"),
        (
            ("80代の女性、息子と二人暮らし", "female", 80, 89),
            ("70代の男性、娘夫婦と同居", "male", 75, 85),
        ),
        (
            "{when}顔や腕にあざがあるのを何度か見かけた",
            "{when}家の中から大きな声で怒鳴る声が聞こえる",
            "{when}年金を家族に使われ、食費にも困っている様子",
        ),
        (
            "本人は「転んだだけ」と話している",
            "デイサービスを急に休むようになった",
            "同居の家族も疲れている様子",
        ),
        (
            "本人の安全を早く確かめてほしい",
            "家族を責めるのではなく支えてほしい",
        ),
        ("chiiki-houkatsu", "kourei-fukushi-ka", "zaitaku-kaigo"),
        (("kourei-fukushi-ka", "高齢者虐待の疑いとして事実確認と対応のため"),),
        "高齢者虐待の疑いと家族への支援",
        ("neighbour", "agency", "volunteer"),
        sources=("デイサービス事業所", "訪問看護ステーション", "ケアマネジャー"),
        urgent_share=0.4,
    ),
    Theme(
        "8050",
        "problem-8050",
        ("hikikomori", "income", "care"),
        (
            ("80代の母と50代の息子の世帯", "male", 50, 59),
            ("80代の父と40代後半の娘の世帯", "female", 45, 55),
        ),
        (
            "{when}親が入院し、子が一人で家に残っている",
            "{when}親の年金だけで暮らしていて、子は長く働いていない",
            "{when}親の介護が必要になったが、子が外部の人を家に入れたがらない",
        ),
        (
            "子は20年近く仕事をしていない",
            "電気料金の滞納の通知が届いている",
            "親は「自分がいなくなったら」と心配している",
        ),
        (
            "親は子の将来の相談をしたいと話している",
            "まず家族と会えるきっかけを作りたい",
        ),
        ("zaitaku-kaigo", "chiiki-houkatsu", "fukushi-soumu-ka"),
        (
            ("seikatsu-shien-shitsu", "子の生活と収入の相談のため"),
            ("itaku-soudan", "子のひきこもりと障害の可能性についての相談のため"),
            ("fukushi-soumu-ka", "高齢の親と子の両方に支援が必要なため（多機関協働）"),
        ),
        "高齢の親とひきこもり状態の子の世帯（8050）",
        ("agency", "volunteer", "family", "self"),
        family=("親", "親戚"),
        sources=("ケアマネジャー", "入院先の医療ソーシャルワーカー"),
    ),
    Theme(
        "intellectual",
        "intellectual-disability",
        ("family-relations", "money-management", "job-seeking"),
        (
            ("30代の男性、両親と同居", "male", 30, 39),
            ("40代の女性、母と二人暮らし", "female", 40, 49),
            ("20代の男性、一人暮らしを始めた", "male", 20, 29),
        ),
        (
            "{when}作業所に通えない日が増えている",
            "{when}親が高齢になり、将来の暮らしの場を考え始めた",
            "{when}携帯電話の料金が高額になり、支払えなくなった",
        ),
        (
            "療育手帳を持っている",
            "グループホームの見学をしたことはない",
            "日中は就労継続支援B型事業所に通っている",
        ),
        (
            "本人は今の生活を続けたいと話している",
            "親は自分たちが元気なうちに準備したいと話している",
        ),
        ("itaku-soudan", "shougai-fukushi-ka"),
        (
            ("shougai-fukushi-ka", "障害福祉サービスの支給決定のため"),
            ("shakyo", "金銭管理の支援の相談のため"),
        ),
        "知的障害のある本人の暮らしの場と将来の準備",
        ("family", "family", "self", "agency"),
        family=("母", "父", "姉"),
        sources=("就労継続支援B型事業所", "特別支援学校の元担任"),
    ),
    Theme(
        "physical",
        "physical-disability",
        ("housing", "isolation", "medical-care"),
        (
            ("60代の男性、脳梗塞の後に退院", "male", 60, 69),
            ("50代の女性、車いすで生活", "female", 50, 59),
        ),
        (
            "{when}退院したが、自宅の段差で外に出られない",
            "{when}通院の手段がなくなり、受診が途切れている",
            "{when}身の回りのことが一人では難しくなってきた",
        ),
        (
            "身体障害者手帳の申請はまだしていない",
            "住まいは2階でエレベーターがない",
            "近くに家族はいない",
        ),
        (
            "できるだけ自分でできることを続けたい",
            "住み替えも含めて考えたいと話している",
        ),
        ("shougai-fukushi-ka", "itaku-soudan", "chiiki-houkatsu"),
        (
            ("shougai-fukushi-ka", "身体障害者手帳と住宅改修の相談のため"),
            ("shakyo", "外出の支援（移送サービス）の相談のため"),
        ),
        "退院後の在宅生活と外出の手段",
        ("self", "family", "agency"),
        family=("妻", "弟"),
        sources=("病院の医療ソーシャルワーカー", "訪問看護ステーション"),
    ),
    Theme(
        "developmental",
        "developmental-disability",
        ("child-rearing", "school-refusal", "family-relations"),
        (
            ("5歳の男の子", "male", 4, 6),
            ("小学3年生の女の子", "female", 8, 9),
            ("中学1年生の男の子", "male", 12, 13),
        ),
        (
            "{when}集団の中で落ち着かず、園や学校から連絡が続いている",
            "{when}こだわりが強く、朝の支度で毎日大きく泣く",
            "{when}友だちとのトラブルが増え、園や学校に行きたがらない",
        ),
        (
            "健診で発達の相談をすすめられた",
            "母親は仕事を減らして対応している",
            "きょうだいにも手がかかる",
        ),
        (
            "どこに相談すればよいか知りたい",
            "子どもに合った関わり方を知りたい",
        ),
        ("kodomo-hattatsu-shien-ka", "kosodate-concierge", "kodomo-hoken-fukushi-ka"),
        (
            ("kodomo-hattatsu-shien-ka", "発達の評価と療育の相談のため"),
            ("akebono-gakuen", "通園による療育の相談のため"),
        ),
        "発達に特性のある子と家族への支援",
        ("family", "family", "agency"),
        family=("母親", "父親", "祖母"),
        sources=("保育園", "小学校", "保健師"),
    ),
    Theme(
        "mental",
        "suspected-mental-illness",
        ("medical-care", "community-relations", "isolation"),
        (
            ("40代の女性、一人暮らし", "female", 40, 49),
            ("30代の男性、両親と同居", "male", 30, 39),
            ("60代の男性、一人暮らし", "male", 60, 69),
        ),
        (
            "{when}「見張られている」と話し、夜中に大きな声を出す",
            "{when}部屋から出ず、食事もほとんどとっていない",
            "{when}眠れない日が続き、仕事に行けなくなった",
        ),
        (
            "以前は通院していたが、今は受診していない",
            "近所とのトラブルが続いている",
            "家族も対応に疲れている",
        ),
        (
            "受診につなげたいが本人が拒んでいる",
            "本人は「誰かに話を聞いてほしい」と話している",
        ),
        ("hoken-yobou-ka", "itaku-soudan", "fukushi-soumu-ka"),
        (
            ("hoken-yobou-ka", "精神保健福祉の相談と受診の支援のため"),
            ("itaku-soudan", "障害福祉サービスの利用相談のため"),
        ),
        "精神疾患の疑いと受診・暮らしの支援",
        ("family", "neighbour", "self", "agency"),
        family=("母", "兄", "妻"),
        sources=("保健師", "警察署の生活安全課", "勤務先の産業医"),
        urgent_share=0.15,
    ),
    Theme(
        "suicidal",
        "suicidal-ideation",
        ("debt", "work-trouble", "isolation"),
        (
            ("40代の男性、一人暮らし", "male", 40, 49),
            ("20代の女性、一人暮らし", "female", 20, 29),
        ),
        (
            "{when}「もう疲れた、いなくなりたい」と話すようになった",
            "{when}仕事を失い、借金の返済に追われて眠れていない",
        ),
        (
            "電話の途中で泣き出した",
            "頼れる家族はいないと話している",
            "以前に一度、心療内科を受診したことがある",
        ),
        (
            "今日中に折り返しの連絡をする約束をした",
            "一緒に相談先へ行くことに本人が同意した",
        ),
        ("hoken-yobou-ka", "seikatsu-shien-shitsu", "fukushi-soumu-ka"),
        (("hoken-yobou-ka", "自殺念慮があり、早急な精神保健の支援のため"),),
        "自殺念慮のある本人への緊急の支援",
        ("self", "self", "family", "agency"),
        family=("姉", "友人"),
        sources=("勤務先", "大学の学生相談室"),
        urgent_share=0.7,
    ),
    Theme(
        "childrearing",
        "child-rearing",
        ("pregnancy-birth", "isolation", "family-relations"),
        (
            ("20代の母親、生後3か月の子", "female", 20, 29),
            ("30代の母親、1歳と3歳の子", "female", 30, 39),
            ("30代の父親、2歳の子", "male", 30, 39),
        ),
        (
            "{when}子どもが泣きやまず、どうしてよいかわからない",
            "{when}配偶者が単身赴任になり、一人で育児をしている",
            "{when}眠れず、子どもにきつく当たってしまうことがある",
        ),
        (
            "実家は遠く、頼れる人がいない",
            "転入したばかりで知り合いがいない",
            "上の子の保育園が決まっていない",
        ),
        (
            "一時預かりを使いたい",
            "同じくらいの子を持つ親と知り合いたい",
        ),
        ("kosodate-concierge", "kosodate-shien-center", "kodomo-hoken-fukushi-ka"),
        (
            ("kodomo-hoken-fukushi-ka", "産後の心身の不調についての保健師の支援のため"),
            ("kosodate-shien-center", "子育てひろばと一時預かりの利用のため"),
        ),
        "子育ての不安と孤立への支援",
        ("self", "self", "self", "family", "agency"),
        family=("祖母", "夫"),
        sources=("保健師", "産婦人科"),
    ),
    Theme(
        "child-abuse",
        "child-abuse",
        ("child-rearing", "family-relations", "income"),
        (
            ("小学2年生の男の子", "male", 7, 8),
            ("中学2年生の女の子", "female", 13, 14),
        ),
        (
            "{when}夜遅くまで一人で外にいるのを見かける",
            "{when}同じ服で登校し、給食をたくさん食べる",
            "{when}家から子どもを叱る大きな声がたびたび聞こえる",
        ),
        (
            "きょうだいが3人いる",
            "保護者は仕事で帰りが遅い",
            "学校は家庭訪問を予定している",
        ),
        (
            "子どもの安全を確かめてほしい",
            "保護者の負担を減らす手立てを考えたい",
        ),
        ("kodomo-katei-ka", "kodomo-hoken-fukushi-ka"),
        (("kodomo-katei-ka", "要保護児童対策地域協議会での検討のため"),),
        "子どもの安全の確認と家庭への支援",
        ("neighbour", "agency", "volunteer"),
        sources=("小学校", "中学校", "保育園"),
        urgent_share=0.35,
    ),
    Theme(
        "young-carer",
        "young-carer",
        ("school-refusal", "care", "mental-disability"),
        (
            ("高校1年生の女子", "female", 15, 16),
            ("中学3年生の男子", "male", 14, 15),
        ),
        (
            "{when}母親の世話と家事のために遅刻や欠席が増えている",
            "{when}祖母の介護を一人で担い、部活をやめた",
        ),
        (
            "本人は「家のことだから」と話している",
            "きょうだいの保育園の送り迎えもしている",
        ),
        (
            "本人の話を聞く場を作りたい",
            "家族の支援を整えて本人の負担を減らしたい",
        ),
        ("kodomo-katei-ka", "shidou-ka", "fukushi-soumu-ka"),
        (
            ("kodomo-katei-ka", "ヤングケアラーとしての支援のため"),
            ("chiiki-houkatsu", "祖母の介護サービスの調整のため"),
        ),
        "家族の世話を担う子ども（ヤングケアラー）への支援",
        ("agency", "agency", "self"),
        sources=("学校のスクールソーシャルワーカー", "担任の教員"),
    ),
    Theme(
        "school-refusal",
        "school-refusal",
        ("hikikomori", "family-relations", "bullying"),
        (
            ("中学2年生の男子", "male", 13, 14),
            ("小学5年生の女子", "female", 10, 11),
            ("高校2年生の男子", "male", 16, 17),
        ),
        (
            "{when}学校に行けなくなり、昼夜が逆転している",
            "{when}朝になると腹痛を訴え、登校できない",
        ),
        (
            "ゲームをしている時間が長い",
            "親と口をきかなくなった",
            "以前にクラスでトラブルがあった",
        ),
        (
            "学校以外の居場所を知りたい",
            "親としてどう接すればよいか知りたい",
        ),
        ("shidou-ka", "seishounen-ikusei-shitsu", "kosodate-concierge"),
        (
            ("seishounen-ikusei-shitsu", "学校以外の居場所（適応指導教室）の相談のため"),
            ("kodomo-hattatsu-shien-ka", "発達の特性についての相談のため"),
        ),
        "不登校の子と家族への支援",
        ("family", "family", "agency"),
        family=("母親", "父親"),
        sources=("中学校", "小学校"),
    ),
    Theme(
        "job-loss",
        "income",
        ("job-seeking", "tax-utilities", "no-food"),
        (
            ("50代の男性、一人暮らし", "male", 50, 59),
            ("40代の女性、子ども2人と暮らす", "female", 40, 49),
            ("30代の男性、妻と子の3人世帯", "male", 30, 39),
        ),
        (
            "{when}勤めていた工場の仕事がなくなり、収入が途絶えた",
            "{when}病気で働けなくなり、貯金がほとんどなくなった",
            "{when}勤務先の都合で勤務日数が減り、生活費が足りない",
        ),
        (
            "国民健康保険料を滞納している",
            "手元のお金は数千円しかない",
            "車がないと仕事を探しに行けない",
            "食料が数日分しかない",
        ),
        (
            "早く次の仕事を見つけたい",
            "生活保護には抵抗があると話している",
            "家賃の支払いが心配",
        ),
        ("seikatsu-shien-shitsu", "fukushi-soumu-ka", "shakyo"),
        (
            ("hogo-ka", "生活保護の申請の相談のため"),
            ("shakyo", "緊急小口資金とフードバンクの利用のため"),
            ("seikatsu-shien-shitsu", "自立相談支援（家計と就労の支援）のため"),
        ),
        "失業と生活費の不足からの生活再建",
        ("self", "self", "self", "family", "agency"),
        family=("妻", "母"),
        sources=("ハローワーク", "社会福祉協議会"),
    ),
    Theme(
        "housing",
        "rent-loan",
        ("housing", "income", "tax-utilities"),
        (
            ("60代の男性、一人暮らし", "male", 60, 69),
            ("30代の女性、子ども1人と暮らす", "female", 30, 39),
            ("70代の夫婦", None, 70, 79),
        ),
        (
            "{when}家賃を3か月滞納し、退去を求められている",
            "{when}住んでいるアパートの取り壊しが決まり、転居先が見つからない",
            "{when}住宅ローンが払えなくなり、家を手放すことになりそうだ",
        ),
        (
            "保証人になってくれる人がいない",
            "年齢を理由に入居を断られた",
            "引っ越しの費用が用意できない",
        ),
        (
            "同じ地区で住まいを探したい",
            "できれば通院先の近くがよい",
        ),
        ("seikatsu-shien-shitsu", "fukushi-soumu-ka"),
        (
            ("seikatsu-shien-shitsu", "住居確保給付金の相談のため"),
            ("shakyo", "居住支援（入居先探しと保証）の相談のため"),
        ),
        "住まいを失うおそれと転居先の確保",
        ("self", "self", "family", "agency"),
        family=("長男", "妹"),
        sources=("不動産管理会社", "地域包括支援センター"),
    ),
    Theme(
        "debt",
        "debt",
        ("income", "family-relations", "tax-utilities"),
        (
            ("40代の男性、妻と子の4人世帯", "male", 40, 49),
            ("30代の女性、一人暮らし", "female", 30, 39),
            ("60代の女性、夫と二人暮らし", "female", 60, 69),
        ),
        (
            "{when}消費者金融からの借入れが増え、返済が追いつかない",
            "{when}クレジットカードのリボ払いが膨らんだ",
            "{when}家族の借金の督促が自宅に届くようになった",
        ),
        (
            "借入れは4社にわたる",
            "家族には話せていない",
            "税金も滞納している",
        ),
        (
            "債務整理の方法を知りたい",
            "家計を立て直したい",
        ),
        ("seikatsu-shien-shitsu", "shakyo"),
        (("seikatsu-shien-shitsu", "家計改善支援と法律相談へのつなぎのため"),),
        "多重債務と家計の立て直し",
        ("self", "self", "family"),
        family=("妻", "夫", "母"),
    ),
    Theme(
        "hikikomori",
        "hikikomori",
        ("isolation", "family-relations", "suspected-mental-illness"),
        (
            ("30代の男性、両親と同居", "male", 30, 39),
            ("40代の女性、母と二人暮らし", "female", 40, 49),
            ("20代の男性、一人暮らし", "male", 20, 29),
        ),
        (
            "{when}ほとんど部屋から出ず、家族とも話さない",
            "{when}仕事を辞めてから外出しなくなった",
            "{when}夜中だけコンビニに出かける生活が続いている",
        ),
        (
            "10年以上、家族以外と会っていない",
            "受診歴はない",
            "親が高齢になり先行きを心配している",
        ),
        (
            "家族だけでも相談を続けたい",
            "本人が興味を持てる場所を探したい",
        ),
        ("fukushi-soumu-ka", "itaku-soudan", "hoken-yobou-ka"),
        (
            ("itaku-soudan", "ひきこもりの本人への訪問と相談のため"),
            ("hoken-yobou-ka", "精神保健の相談（家族相談）のため"),
        ),
        "長くひきこもり状態にある本人と家族への支援",
        ("family", "family", "volunteer", "self"),
        family=("母", "父", "姉"),
    ),
    Theme(
        "dv",
        "dv",
        ("family-relations", "housing", "child-rearing"),
        (
            ("30代の女性、夫と子ども2人と暮らす", "female", 30, 39),
            ("40代の女性、夫と二人暮らし", "female", 40, 49),
        ),
        (
            "{when}夫から暴言を受け、生活費を渡してもらえない",
            "{when}夫の暴力がひどくなり、家を出たいと考えている",
        ),
        (
            "子どもの前でも怒鳴られる",
            "手元に自由になるお金がない",
            "実家には頼れない事情がある",
        ),
        (
            "安全な場所の情報を知りたい",
            "子どもと一緒に暮らせる方法を考えたい",
        ),
        ("danjo-kyoudou-sankaku-center", "kodomo-katei-ka", "fukushi-soumu-ka"),
        (
            ("kodomo-katei-ka", "子どもへの影響の確認と母子の保護の相談のため"),
            ("danjo-kyoudou-sankaku-center", "配偶者暴力についての専門相談のため"),
        ),
        "配偶者からの暴力と安全な暮らしの確保",
        ("self", "self", "agency"),
        sources=("病院", "子どもの保育園"),
        urgent_share=0.4,
    ),
    Theme(
        "foreign",
        "foreign-language",
        ("job-seeking", "child-rearing", "housing"),
        (
            ("40代の男性（ブラジル出身）と家族", "male", 40, 49),
            ("30代の女性（フィリピン出身）、子ども1人", "female", 30, 39),
            ("30代の夫婦（ベトナム出身）と子ども1人", None, 30, 39),
        ),
        (
            "{when}派遣の仕事が終わり、次の仕事が見つからない",
            "{when}役所から届く書類が読めず、手続きが止まっている",
            "{when}子どもが日本語の授業についていけない",
        ),
        (
            "日本語は日常会話なら少しわかる",
            "在留資格の更新が近い",
            "同じ国の友人に通訳を頼んでいる",
        ),
        (
            "母語で相談できる場所を知りたい",
            "子どもの学校のことを相談したい",
        ),
        ("kokusai-kouryu-center", "fukushi-soumu-ka", "seikatsu-shien-shitsu"),
        (
            ("kokusai-kouryu-center", "通訳の手配と外国人相談窓口の利用のため"),
            ("seikatsu-shien-shitsu", "生活費と就労の相談のため"),
        ),
        "外国籍の家族の暮らしと言葉の支援",
        ("self", "self", "agency"),
        sources=("小学校", "派遣会社", "教会の支援グループ"),
    ),
    Theme(
        "self-neglect",
        "hoarding-self-neglect",
        ("community-relations", "isolation", "medical-care"),
        (
            ("70代の男性、一人暮らし", "male", 70, 79),
            ("60代の女性、一人暮らし", "female", 60, 69),
        ),
        (
            "{when}庭や玄関にごみがたまり、においが出ている",
            "{when}電気が止まったままの様子で、夜も灯りがつかない",
        ),
        (
            "近所とのトラブルになりかけている",
            "声をかけても玄関を開けてくれない",
            "足が悪い様子で、ごみを出しに行けないようだ",
        ),
        (
            "本人を責めずに関わりたい",
            "まず安否を確認してほしい",
        ),
        ("zaitaku-kaigo", "chiiki-houkatsu", "fukushi-soumu-ka"),
        (
            ("fukushi-soumu-ka", "アウトリーチによる継続的な関わりのため"),
            ("chiiki-houkatsu", "介護と見守りの調整のため"),
        ),
        "セルフネグレクトの状態にある本人への関わり",
        ("neighbour", "neighbour", "volunteer", "agency"),
        sources=("自治会長", "ガス会社"),
    ),
    Theme(
        "isolation",
        "isolation",
        ("community-relations", "health-disability"),
        (
            ("80代の女性、一人暮らし", "female", 80, 89),
            ("70代の男性、妻を亡くして一人暮らし", "male", 70, 79),
        ),
        (
            "{when}外出が減り、誰とも話さない日が続いている",
            "{when}サロンに来なくなり、連絡もとれない",
        ),
        (
            "買い物は週に一度だけ",
            "耳が遠く、電話に出ないことが多い",
            "以前は老人会の役員をしていた",
        ),
        (
            "また人と話せる場所に行きたいと話している",
            "見守りの仕組みにつなげたい",
        ),
        ("zaitaku-kaigo", "chiiki-houkatsu", "shakyo"),
        (
            ("shakyo", "地域の見守りとサロンへの参加のため"),
            ("chiiki-houkatsu", "介護予防の取り組みへの参加のため"),
        ),
        "一人暮らしの高齢者の孤立の予防",
        ("volunteer", "neighbour", "self", "family"),
        family=("県外に住む長男", "姪"),
    ),
    Theme(
        "single-parent",
        "single-parent",
        ("income", "child-rearing", "job-seeking"),
        (
            ("30代の母親、小学生の子2人", "female", 30, 39),
            ("40代の父親、中学生の子1人", "male", 40, 49),
        ),
        (
            "{when}離婚して、仕事と育児を一人で担っている",
            "{when}養育費の支払いが止まり、家計が苦しい",
        ),
        (
            "児童扶養手当の手続きがまだ",
            "パートを掛け持ちしている",
            "子どもの塾代を払えない",
        ),
        (
            "子どもとの時間を増やしたい",
            "資格を取って安定した仕事に就きたい",
        ),
        ("kodomo-katei-ka", "seikatsu-shien-shitsu", "kosodate-concierge"),
        (
            ("kodomo-katei-ka", "ひとり親家庭の手当と就業支援の相談のため"),
            ("seikatsu-shien-shitsu", "家計の相談のため"),
        ),
        "ひとり親家庭の家計と子育ての支援",
        ("self", "self", "agency"),
        sources=("小学校", "保育園"),
    ),
)


@dataclass(frozen=True)
class Story:
    """One consultation's fictional content and where it goes (agencies from the master data)."""

    theme: Theme
    summary: str
    subject_note: str
    subject: tuple[str, str | None, int, int]
    issues: list[str]  # issue codes, the main one first
    channel: str
    consulter_type: str
    urgency: str
    receiving: object  # Agency
    refer_to: object | None  # Agency
    referral_reason: str
    decline_reason: str
    case_title: str


class Storyteller:
    """Deterministic stories from a seed: the same seed tells the same city."""

    def __init__(self, *, seed: int, agencies, issue_codes):
        self.rng = random.Random(seed)  # noqa: S311 — fictional data, not secrets
        self.by_kind: dict[str, list] = {}
        for agency in agencies:
            self.by_kind.setdefault(agency.kind.code, []).append(agency)
        self.all = list(agencies)
        known = set(issue_codes)
        self.themes = [t for t in THEMES if t.main in known]

    def _agency(self, kinds, *, besides=None, prefer=()):
        rng = self.rng
        pool = [a for kind in kinds for a in self.by_kind.get(kind, ()) if a != besides]
        featured = [a for a in pool if a.code in prefer]
        if featured and rng.random() < 0.5:
            return rng.choice(featured)
        if pool:
            return rng.choice(pool)
        return rng.choice([a for a in self.all if a != besides])

    def tell(self, *, theme: Theme | None = None, receiving=None, prefer=()) -> Story:
        rng = self.rng
        theme = theme or rng.choice(self.themes)
        subject = rng.choice(theme.subjects)
        consulter = rng.choice(theme.consulters)
        channel, opener = rng.choice(OPENERS[consulter])
        opener = opener.format(family=rng.choice(theme.family), source=rng.choice(theme.sources))
        situation = rng.choice(theme.situations).format(when=rng.choice(WHEN))
        summary = (
            f"{opener}{subject[0]}。{situation}。{rng.choice(theme.details)}。"
            f"{rng.choice(theme.wishes)}。"
        )
        extras = rng.sample(theme.extras, rng.choice((0, 1, 1, 2)))
        receiving = receiving or self._agency(theme.receivers, prefer=prefer)
        kind, reason = rng.choice(theme.referrals)
        refer_to = self._agency((kind,), besides=receiving, prefer=prefer)
        urgency = (
            "urgent"
            if rng.random() < theme.urgent_share
            else rng.choice(("normal", "normal", "normal", "high"))
        )
        return Story(
            theme=theme,
            summary=summary,
            subject_note=f"{DEMO_MARK}{subject[0]}",
            subject=subject,
            issues=[theme.main, *extras],
            channel=channel,
            consulter_type=consulter,
            urgency=urgency,
            receiving=receiving,
            refer_to=refer_to,
            referral_reason=reason,
            decline_reason=rng.choice(DECLINE_REASONS),
            case_title=f"{theme.case_title}（{subject[0]}）",
        )
