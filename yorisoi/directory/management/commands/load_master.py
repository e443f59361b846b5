from pathlib import Path

from django.core.management.base import BaseCommand

from yorisoi.directory import loader


class Command(BaseCommand):
    help = (
        "市町村のマスタデータ（機関・地区・分野・課題分類）をTOMLファイルから読み込みます。"
        "省略時は同梱の四日市市のファイル。何度実行しても重複しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(loader.DEFAULT_FILE))

    def handle(self, *args, path, **options):
        loader.run_command(
            self,
            loader.load,
            Path(path),
            tables=loader.TABLES,
            failure="マスタデータを読み込めませんでした",
        )
