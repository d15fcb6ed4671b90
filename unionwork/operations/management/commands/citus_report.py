"""`manage.py citus_report`: where the schema does not yet follow Citus's rules (docs/scale.md)."""

from django.core.management.base import BaseCommand

from unionwork.operations import citus


class Command(BaseCommand):
    help = "列出数据库结构与 Citus 分布式规则的差距（分布列、主键与唯一约束、同位外键、参考表）。"

    def add_arguments(self, parser):
        parser.add_argument("--write-known", action="store_true", help="把当前差距记为已知（测试以此为准）")
        parser.add_argument("--markdown", action="store_true", help="以 Markdown 表格输出（docs/scale.md）")

    def handle(self, *args, **opts):
        missing = citus.unclassified()
        for name in missing:
            self.stdout.write(f"unclassified: {name} (declare it in unionwork/operations/citus.py)")
        gaps = citus.gaps()
        distributed = sorted(citus.DISTRIBUTED)
        if opts["markdown"]:
            self.stdout.write("| table | kind | gaps |\n|---|---|---|")
            for name in distributed + sorted(n for n in gaps if n not in citus.DISTRIBUTED):
                kind = "distributed" if name in citus.DISTRIBUTED else "reference"
                self.stdout.write(f"| `{name}` | {kind} | {'; '.join(gaps.get(name, [])) or 'none'} |")
        else:
            for line in citus.gap_lines():
                self.stdout.write(line)
        ready = [n for n in distributed if n not in gaps]
        self.stdout.write(
            f"{len(distributed)} distributed tables, {len(ready)} ready; "
            f"{sum(len(v) for v in gaps.values())} gaps in {len(gaps)} tables"
        )
        if opts["write_known"]:
            self.stdout.write(
                f"recorded {citus.write_known_gaps()} known gaps in {citus.KNOWN_GAPS_FILE.name}"
            )
