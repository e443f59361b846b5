"""The one import template (本人・世帯・相談): its columns, in the order the template file gives
them, each with the Japanese header a city's file carries and what the column holds.

A file's columns may come in any order; each header must be one of these (or an alias), and
every one of them must be there. The template files (views.template_xlsx, template_csv) and the
explanation sheet are written from this list, so the file, the check and the explanation
cannot drift apart."""

from typing import NamedTuple

from django.utils.translation import gettext_lazy as _


class Column(NamedTuple):
    key: str
    header: str
    required: bool
    help: str


COLUMNS = (
    Column("consultation_ref", "相談の外部ID", True,
           _("元のシステムでの相談の番号。機関ごとに一意。同じ番号の行をもう一度取り込むと更新になります。")),
    Column("person_ref", "本人の外部ID", True,
           _("元のシステムでの本人の番号。同じ本人の相談が何行あっても同じ番号にします。")),
    Column("name", "氏名", True, _("氏と名の間に空白。例: 山田 太郎")),
    Column("kana", "フリガナ", False, _("氏と名の間に空白。ひらがな・半角カナも可（全角カタカナにして登録します）。")),
    Column("birth_date", "生年月日", False, _("西暦（1970-03-02、1970/3/2）か和暦（昭和45年3月2日、S45.3.2）。")),
    Column("sex", "性別", False, _("女性・男性・その他・回答しない")),
    Column("address", "住所", False, ""),
    Column("phone", "電話番号", False, _("数字とハイフン。例: 059-354-0000")),
    Column("household_ref", "世帯の外部ID", False,
           _("同じ世帯の本人に同じ番号。空欄なら世帯は作りません。")),
    Column("relationship", "続柄", False, _("世帯主・配偶者・子 など。世帯の外部IDがあるとき必須。")),
    Column("received_on", "受付日", True, _("西暦か和暦。未来の日付は不可。")),
    Column("receiving_agency", "受付機関コード", False, _("取り込む人の機関のコード。空欄なら取り込む人の機関。")),
    Column("responsible_agency", "担当機関コード", False, _("取り込む人の機関のコード。空欄なら取り込む人の機関。")),
    Column("channel", "相談経路", True, _("窓口・電話・訪問 など（コード一覧のシート）。")),
    Column("consulter_type", "相談者", True, _("本人・家族・親族 など（コード一覧のシート）。")),
    Column("summary", "相談内容", True, _("相談の概要。4000字まで。")),
    Column("issues", "課題コード", False,
           _("課題分類のコードを「;」で区切って複数。受付で解決した相談のほかは1つ以上。")),
    Column("main_issue", "主な課題（◎）", False,
           _("課題コードのうち、いちばん大きいもの。課題が1つなら空欄でも可。")),
    Column("urgency", "緊急度", False, _("緊急・早めの対応が必要・通常（空欄は通常）。")),
    Column("outcome", "受付の結果", False,
           _("空欄（未決定）・相談受付で解決・自機関で継続支援。つなぎと多機関協働は画面から。")),
    Column("next_action_on", "次の対応予定日", False, _("今日以降の日付。空欄なら今日。")),
)  # fmt: skip

HEADERS = {c.header: c for c in COLUMNS}
# What other files call the same column.
ALIASES = {
    "概要": "相談内容",
    "電話": "電話番号",
    "主な課題": "主な課題（◎）",
    "ID": "相談の外部ID",
}
BY_KEY = {c.key: c for c in COLUMNS}

DATA_SHEET = "取り込みデータ"
HELP_SHEET = "説明"
CODES_SHEET = "コード一覧"
