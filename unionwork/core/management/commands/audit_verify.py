from django.core.management.base import BaseCommand, CommandError

from unionwork.core import audit


class Command(BaseCommand):
    help = "校验审计链：发现被篡改、删除或插入的审计事件。"

    def handle(self, *args, **opts):
        result = audit.verify()
        for problem in result.problems:
            self.stderr.write(problem)
        if not result.ok:
            raise CommandError(f"审计链校验未通过：检查 {result.checked} 个事件，发现 {len(result.problems)} 处问题。")
        self.stdout.write(f"审计链完好：共 {result.checked} 个事件。")
