from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from greenlist.accounts.models import User
from greenlist.accounts.tokens import issue_token


class Command(BaseCommand):
    help = "为用户创建 HTTP API 令牌（令牌只显示一次）：greenlist token create 用户名 [--name 用途]"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行创建")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist as exc:
            raise CommandError(f"用户“{options['username']}”不存在。") from exc
        token = issue_token(user, options["name"])
        self.stdout.write(
            f"已为 {user.username}（{user.get_role_display()}）创建令牌，请妥善保存，它不会再次显示："
        )
        self.stdout.write(token)
