from django.core.management.base import BaseCommand

from yorisoi.notifications.tasks import build_daily_digests, flag_overdue_referrals


class Command(BaseCommand):
    help = (
        "毎日の処理（期限超過のつなぎの通知、日次のまとめ）をバックグラウンドの待ち行列に入れます。"
    )

    def handle(self, *args, **options):
        for job in (flag_overdue_referrals, build_daily_digests):
            result = job.enqueue()
            self.stdout.write(f"{job.name}: {result.id}")
