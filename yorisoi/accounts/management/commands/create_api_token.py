from django.core.management.base import BaseCommand, CommandError

from yorisoi.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "利用者のAPIトークンを発行します（トークンは一度だけ表示されます）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="integration", help="用途（見分けるための名前）")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"有効な利用者 {username} が見つかりません。") from exc
        _, raw = ApiToken.issue(user=user, name=name)
        self.stdout.write(raw)
