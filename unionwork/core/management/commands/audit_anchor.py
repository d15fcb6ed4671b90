from django.core.management.base import BaseCommand, CommandError

from unionwork.core import audit


class Command(BaseCommand):
    help = "锚定审计链：把签名的链头（事件数、最后事件、时间）追加到数据库外的锚点文件并写入日志。"

    def add_arguments(self, parser):
        parser.add_argument("--file", default=None, help="锚点文件（默认 UNIONWORK_AUDIT_ANCHOR_FILE）")

    def handle(self, *args, **opts):
        try:
            a = audit.anchor(opts["file"])
        except audit.AuditAnchorError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已锚定审计链：{a.count} 个事件，最后事件 #{a.last_id}，时间 {a.at}。")
        self.stdout.write(a.line())
