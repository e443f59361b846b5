from django.core.management.base import BaseCommand

from yorisoi.resources import taxonomy


class Command(BaseCommand):
    help = "社会資源の分類（居場所、就労体験 …）を読み込みます。何度実行しても重複しません。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=str(taxonomy.DEFAULT_FILE), help="分類のJSONファイル")

    def handle(self, *args, file, **options):
        changed = taxonomy.load(file)
        self.stdout.write(f"社会資源の分類: {changed} 件を追加・更新しました。")
