from django.core.management.base import BaseCommand

from yorisoi.audit.tasks import anchor_audit_chain
from yorisoi.evaluation.tasks import purge_old_reports
from yorisoi.front.tasks import build_daily_digests
from yorisoi.intake.tasks import flag_overdue_referrals
from yorisoi.participation.tasks import remind_follow_ups
from yorisoi.people.identity.tasks import score_match_candidates


class Command(BaseCommand):
    help = (
        "毎日の処理（期限超過のつなぎの通知、参加支援のフォローアップ日の通知、日次のまとめ、"
        "保存期間を過ぎた報告書ファイルの削除、名寄せの候補の採点、監査ログのアンカーの書き出し）をバックグラウンドの待ち行列に入れます。"
    )

    def handle(self, *args, **options):
        # In order (the worker takes them first in, first out): the digest counts the new notices.
        jobs = (
            flag_overdue_referrals,
            remind_follow_ups,
            build_daily_digests,
            purge_old_reports,
            score_match_candidates,
            anchor_audit_chain,  # last: anchors the day's trail, the jobs' own events too
        )
        for job in jobs:
            result = job.enqueue()
            self.stdout.write(f"{job.name}: {result.id}")
