from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.operations.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "データベースとアップロードされたファイルを DIR にバックアップします（DIR.partial に書いてから"
        "名前を変えます）。中身は個人情報です: 暗号化した、限られた人だけが読める場所に置いてください。"
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DIR", help="作るフォルダ（まだないこと）")

    def handle(self, *args, directory, **options):
        try:
            summary = backup_create(directory=Path(directory))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"バックアップしました: {summary.engine}、{summary.tables} 表・{summary.rows} 行、"
            f"{summary.files} ファイル・{summary.bytes:,} バイト → {directory}"
        )
