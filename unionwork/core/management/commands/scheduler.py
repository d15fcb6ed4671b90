"""The platform's scheduler: enqueues the daily jobs (reminders) on the task queue.

`make run` starts it beside `db_worker`; no cron is needed. `--once` checks once and exits.
"""

import datetime
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from unionwork.core import audit, schedule


class Command(BaseCommand):
    help = "定时任务：每分钟检查到期的每日任务（期限提醒、维稳提醒），排入任务队列，每天只排一次"

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="只检查一次后退出")
        parser.add_argument("--interval", type=int, default=60, help="检查间隔（秒），默认 60")
        parser.add_argument("--at", default="", help="按此时间检查（ISO 格式，测试用），默认现在")

    def handle(self, *args, **options):
        from unionwork.core.imports.engine import recover_stale

        with audit.acting_as(None, "scheduler"):  # on start: jobs a dead worker left running
            recover_stale()
        while True:
            now = datetime.datetime.fromisoformat(options["at"]) if options["at"] else timezone.now()
            with audit.acting_as(None, "scheduler"):
                started = schedule.run_due(now)
            # audit events a crashed process committed but never linked: chained within a minute
            audit.link_pending()
            for key in started:
                self.stdout.write(f"{timezone.localtime(now):%Y-%m-%d %H:%M} enqueued {key}")
            if options["once"]:
                if not started:
                    self.stdout.write("nothing due")
                return
            self.stdout.flush()
            time.sleep(max(options["interval"], 1))
