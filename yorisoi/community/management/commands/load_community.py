from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yorisoi.community import loader


class Command(BaseCommand):
    help = (
        "地域づくり事業（事業ア〜オと拠点）をTOMLファイルから読み込みます。省略時は同梱の"
        "四日市市のファイル。先に load_master を実行してください。何度実行しても重複しません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(loader.DEFAULT_FILE))

    def handle(self, *args, path, **options):
        try:
            result = loader.load(Path(path))
        except loader.CommunityDataError as exc:
            raise CommandError(
                "地域づくりのデータを読み込めませんでした（何も変更していません）:\n"
                + "\n".join(f"- {p}" for p in exc.problems)
            ) from exc
        for table in loader.TABLES:
            self.stdout.write(
                f"{table}: 追加 {result.created.get(table, 0)}, 更新 "
                f"{result.updated.get(table, 0)}, 無効化 {result.deactivated.get(table, 0)}"
            )
