"""manage.py create_api_token USERNAME --name NAME: create an API token and print its key once."""

from django.core.management.base import BaseCommand, CommandError

from unionwork.accounts.models import User
from unionwork.accounts.tokens import issue_token
from unionwork.core import audit
from unionwork.core.errors import ActionError


class Command(BaseCommand):
    help = "为账号创建接口令牌，并只显示一次令牌（标准输出只输出令牌本身，便于脚本读取）。"

    def add_arguments(self, parser):
        parser.add_argument("username", help="账号的用户名")
        parser.add_argument("--name", required=True, help="令牌名称，例如：统计系统对接")
        parser.add_argument(
            "--days", type=int, default=None, help="有效期天数（默认 UNIONWORK_API_TOKEN_DAYS）"
        )
        parser.add_argument("--read-only", action="store_true", help="只读令牌：任何写操作返回 403")

    def handle(self, *args, username, name, days=None, read_only=False, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"账号 {username} 不存在。")
        with audit.acting_as(None, "command:create_api_token"):
            try:
                token, key = issue_token(user, name, days=days, read_only=read_only)
            except ActionError as exc:
                raise CommandError(" ".join(exc.messages)) from exc
        self.stderr.write(
            f"已为 {user.get_username()} 创建令牌“{token.name}”（{token.prefix}…）。令牌只显示这一次，请妥善保存："
        )
        self.stdout.write(key)
