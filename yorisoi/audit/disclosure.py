"""A person's disclosure report (開示請求, 個人情報保護法): who saw or changed what about them,
when, and on which legal basis — built as the neutral reports.Report, rendered as PDF or xlsx
by yorisoi.reports (the evaluation report's renderers and embedded Japanese font).

The rows are the person's trail (selectors.person_scope) grouped as the screen groups them;
another person's id or name never appears (selectors.readable)."""

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from yorisoi import reports

from .selectors import TrailLine


def build(person, lines: list[TrailLine], *, since: date | None, until: date | None):
    span = _("期間: %(since)s 〜 %(until)s") % {
        "since": since.isoformat() if since else _("記録の最初"),
        "until": until.isoformat() if until else _("作成日"),
    }
    table = reports.Table(
        title=_("閲覧・操作の記録（%(count)s 行）") % {"count": len(lines)},
        columns=[_("日時"), _("回数"), _("利用者（所属機関）"), _("操作"), _("対象"), _("根拠")],
        rows=[
            [
                f"{line.day.isoformat()} {_times(line)}",
                line.times,
                f"{line.actor}（{line.agency}）" if line.agency else line.actor,
                line.action_label,
                line.record,
                line.basis_label,
            ]
            for line in lines
        ],
        notes=[
            _(
                "同じ日に同じ利用者が同じ記録を同じ根拠で見た・変更した回数は、1行にまとめています。"
            ),
            _(
                "対象: 本人の記録、本人が表示された一覧・検索・照合、本人の世帯・相談・つなぎ・"
                "ケース・アウトリーチ・参加支援の記録。ケースの会議・同意・アセスメント・支援プランの"
                "記録は、ケースごとの閲覧記録にあります。"
            ),
        ],
    )
    return reports.Report(
        title=_("個人情報の閲覧・操作の記録（開示請求への回答）"),
        subtitle=f"{person.full_name}　{span}",
        generated_at=timezone.localtime(),
        sections=[reports.Section(heading=_("閲覧・操作の記録"), table=table)],
    )


def _times(line: TrailLine) -> str:
    first = timezone.localtime(line.first_at).strftime("%H:%M")
    last = timezone.localtime(line.last_at).strftime("%H:%M")
    return first if first == last else f"{first}〜{last}"
