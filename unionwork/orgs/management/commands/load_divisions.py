from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from unionwork.core import audit
from unionwork.core.errors import ActionError
from unionwork.orgs.divisions import load_divisions

DEFAULT = Path(__file__).resolve().parents[2] / "data"


class Command(BaseCommand):
    help = "载入一个城市的统计用区划（china-division 的 CSV 格式）作为组织树。"

    def add_arguments(self, parser):
        parser.add_argument("--dir", default=str(DEFAULT), help="含 cities/areas/streets/villages.csv 的目录")
        parser.add_argument("--city", default=None, help="城市代码，例如 2102（目录中有多个城市时必填）")

    def handle(self, *args, **opts):
        with audit.acting_as(None, "command:load_divisions"):
            try:
                result = load_divisions(Path(opts["dir"]), opts["city"])
            except ActionError as exc:
                raise CommandError("; ".join(exc.messages)) from exc
        for kind in ("city", "district", "township", "community"):
            self.stdout.write(
                f"{kind}: 新增 {result.created.get(kind, 0)}，已有 {result.existing.get(kind, 0)}"
            )
