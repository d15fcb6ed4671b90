from django.core.management.base import BaseCommand, CommandError

from unionwork.core import audit, indicators


class Command(BaseCommand):
    help = "按各模块自己的统计重算指标本月的数值（批量写入之后、新增指标之后或修复时）。"

    def add_arguments(self, parser):
        parser.add_argument("keys", nargs="*", help="指标键，如 members.inactive；不填则重算全部")

    def handle(self, *args, **opts):
        known = {
            i.key: i for i in indicators.all_indicators() if i.own_counts is not None or i.family is not None
        }
        keys = opts["keys"] or sorted(known)
        unknown = [k for k in keys if k not in known]
        if unknown:
            raise CommandError(
                f"没有这些可重算的指标：{'、'.join(unknown)}。可用：{'、'.join(sorted(known))}"
            )
        with audit.acting_as(None, "command:indicators_rebuild"):
            # Indicators counted together (a module's family) share one scan of their records.
            indicators.rebuild_many(
                keys,
                on_each=lambda ind, rows: self.stdout.write(f"{ind.label}（{ind.key}）：写入 {rows} 行。"),
            )
