from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.directory import loader


class Command(BaseCommand):
    help = (
        "市町村のマスタデータ（機関・地区・分野・課題分類）をTOMLファイルから読み込みます。"
        "省略時は同梱の四日市市のファイル。何度実行しても重複しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(loader.DEFAULT_FILE))

    def handle(self, *args, path, **options):
        try:
            result = loader.load(Path(path))
        except loader.MasterDataError as exc:
            raise CommandError(
                "マスタデータを読み込めませんでした（何も変更していません）:\n"
                + "\n".join(f"- {p}" for p in exc.problems)
            ) from exc
        for table in loader.TABLES:
            self.stdout.write(
                f"{table}: 追加 {result.created.get(table, 0)}, 更新 "
                f"{result.updated.get(table, 0)}, 無効化 {result.deactivated.get(table, 0)}"
            )
