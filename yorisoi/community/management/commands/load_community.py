from pathlib import Path

from django.core.management.base import BaseCommand

from yorisoi.community import loader
from yorisoi.directory.loader import run_command


class Command(BaseCommand):
    help = (
        "地域づくり事業（事業ア〜オと拠点）をTOMLファイルから読み込みます。省略時は同梱の"
        "四日市市のファイル。先に load_master を実行してください。何度実行しても重複しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(loader.DEFAULT_FILE))

    def handle(self, *args, path, **options):
        run_command(
            self,
            loader.load,
            Path(path),
            tables=loader.TABLES,
            failure="地域づくりのデータを読み込めませんでした",
        )
