"""Send the stability reminders by hand. They run daily without it: `manage.py scheduler` (started
by `make run`) enqueues `stability.reminders` once a day (see core/schedule.py)."""

from django.core.management.base import BaseCommand

from unionwork.stability.tasks import send_reminders


class Command(BaseCommand):
    help = "发送维稳提醒：报告待报/逾期、案件逾期（默认排入任务队列，--now 在本进程内立即执行）"

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="在本进程内立即执行，不经任务队列")

    def handle(self, *args, **options):
        if options["now"]:
            result = send_reminders.call()
            self.stdout.write(f"reminders: {result}")
        else:
            result = send_reminders.enqueue()
            self.stdout.write(f"enqueued {result.id} ({result.status})")
