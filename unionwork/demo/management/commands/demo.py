from django.core.management.base import BaseCommand

from unionwork.demo.foundation import DEMO_PASSWORD, seed_foundation


class Command(BaseCommand):
    help = "载入大连真实行政区划与演示数据（演示数据均标明“演示”）。可重复运行，不会重复添加。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city"], default="small")

    def handle(self, *args, **opts):
        added = seed_foundation()
        self.stdout.write(f"组织：新增 {added['units']} 个；账号：新增 {added['accounts']} 个（演示密码 {DEMO_PASSWORD}）")
