from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.operations.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "DIR のバックアップを空のデータベース（と MEDIA_ROOT）に復元し、このコードの版まで migrate "
        "します。ハッシュが合わない、復元先が空でない（--force なし）、バックアップのほうが新しい版の"
        "ときは何もせずに止まります。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="backup で作ったフォルダ")
        parser.add_argument(
            "--force",
            action="store_true",
            help="空でないデータベースと MEDIA_ROOT を消して上書きします",
        )

    def handle(self, *args, directory, force, **options):
        try:
            summary = backup_restore(directory=Path(directory), force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"復元しました: {summary.engine}、{summary.tables} 表・{summary.rows} 行、"
            f"{summary.files} ファイル（適用したマイグレーション {summary.migrations_applied} 件）"
        )
