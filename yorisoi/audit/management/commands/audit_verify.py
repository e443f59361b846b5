"""`manage.py audit_verify`: recompute the audit chain and check the anchors (R6)."""

from django.core.management.base import BaseCommand, CommandError

from yorisoi.audit.chain import ANCHOR_FILE, anchor_dir, anchors_read, chain_verify


class Command(BaseCommand):
    help = (
        "監査ログのハッシュの連鎖を最初から計算し直し、日次のアンカー（データベースの外のファイル）"
        "と照合します。改ざん・削除・並べ替えがあれば最初の箇所を示し、終了コード 1 で終わります。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=100_000, help="progress line every N events"
        )

    def handle(self, *args, every, **options):
        try:
            anchors = list(anchors_read())
        except ValueError as error:
            raise CommandError(f"anchor file damaged: {error}") from error
        if not anchors:
            # Not an error (a new installation has none yet), but worth saying: without an
            # anchor, a history rewritten or cut short as a whole looks like an honest one.
            self.stderr.write(
                f"warning: no anchor in {anchor_dir() / ANCHOR_FILE}; the daily job "
                "(enqueue_daily_jobs) writes one: only the chain itself was checked"
            )
        verdict = chain_verify(
            anchors=anchors,
            every=every,
            progress=lambda seq: self.stdout.write(f"… {seq} events verified"),
        )
        if not verdict.ok:
            raise CommandError(
                f"audit chain BROKEN after {verdict.count} good events: {verdict.broken}"
            )
        latest = (
            f", the latest of {anchors[-1]['day']} at {anchors[-1]['count']} events"
            if anchors
            else ""
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"audit chain intact: {verdict.count} events, head {verdict.head_hash[:16]}…, "
                f"{verdict.anchors_checked} of {len(anchors)} anchors checked{latest}"
            )
        )
