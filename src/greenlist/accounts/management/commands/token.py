from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from greenlist.accounts.models import TOKEN_LIFETIME_DAYS, User
from greenlist.accounts.tokens import issue


class Command(BaseCommand):
    help = (
        "为用户创建 HTTP API 令牌（令牌只显示一次，在最后一行）："
        f"greenlist token create 用户名 [--name 用途] [--days 有效天数，默认 {TOKEN_LIFETIME_DAYS}]"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行创建")
        parser.add_argument("--days", type=int, default=TOKEN_LIFETIME_DAYS, help="有效天数（至少 1 天）")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"用户“{options['username']}”不存在。") from exc
        if options["days"] < 1:
            raise CommandError("--days 须为至少 1 的整数（令牌有效天数）。")
        token, record = issue(user, options["name"], days=options["days"])
        self.stdout.write(
            f"已为 {user.username}（{user.get_role_display()}）创建令牌，"
            f"有效期至 {timezone.localtime(record.expires_at):%Y-%m-%d %H:%M}，请妥善保存，它不会再次显示："
        )
        # The contract (docs/contracts/cli.md): the token is the last line printed.
        self.stdout.write(token)
