from django.core.management.base import BaseCommand, CommandError

from yorisoi.accounts import services
from yorisoi.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "利用者のAPIトークンを発行します（トークンは一度だけ表示されます）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="integration", help="用途（見分けるための名前）")
        # Write by default, as before tokens had scopes: the command line serves integrations
        # set up by the operator, who says --scope read for one that only reads.
        parser.add_argument(
            "--scope", choices=ApiToken.Scope.values, default=ApiToken.Scope.WRITE, help="権限"
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="有効期間（日）。既定と上限は YORISOI_API_TOKEN_DAYS",
        )

    def handle(self, *args, username, name, scope, days, **options):
        try:
            user = User.objects.get(username=username, is_active=True)
        except User.DoesNotExist as exc:
            raise CommandError(f"有効な利用者 {username} が見つかりません。") from exc
        days = ApiToken.max_days() if days is None else days
        if not 1 <= days <= ApiToken.max_days():
            raise CommandError(f"有効期間は1〜{ApiToken.max_days()}日です。")
        # Audited like a token issued on the screen (channel "cli": no request).
        _, raw = services.token_issue(user=user, name=name, scope=scope, days=days)
        self.stdout.write(raw)
