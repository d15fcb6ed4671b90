import time

from django.core.management.base import BaseCommand, CommandError

from unionwork.core import audit, indicators
from unionwork.demo.foundation import DEMO_PASSWORD, seed_foundation

# The volumes of the large scales. A province's are about ten times a city's; they are spread over
# the one real tree the project holds (Dalian's), so a district holds ten times as much: the
# growth of every cost with the data is what the province scale measures (docs/benchmarks.md).
SCALES = {
    "city": {"enterprises": 100_000, "unions": 30_000, "members": 2_000_000},
    "province": {"enterprises": 1_000_000, "unions": 300_000, "members": 20_000_000},
}
SCALE_LABELS = {"city": "城市规模", "province": "省级规模"}


class Command(BaseCommand):
    help = (
        "载入大连真实行政区划与演示数据（演示数据均标明“演示”）。可重复运行，不会重复添加。"
        " --scale small 用于开发与测试；--scale city 生成城市规模数据（约 10 万企业、3 万基层工会、200 万会员）；"
        "--scale province 生成省级规模的数据量（约 100 万企业、30 万基层工会、2,000 万会员，"
        "分布在大连的真实行政区划上，用于测量规模增长）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["small", "city", "province"], default="small")
        parser.add_argument("--members", type=int, help="会员数（city 默认 200 万，province 默认 2,000 万）")
        parser.add_argument("--enterprises", type=int, help="企业数（city 默认 10 万，province 默认 100 万）")
        parser.add_argument("--unions", type=int, help="基层工会数（city 默认 3 万，province 默认 30 万）")

    @staticmethod
    def analyze():
        from django.db import connection

        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                # VACUUM too: it sets the visibility map, without which an index-only scan (a
                # list's bounded count, a figure read) visits every row's page to check it.
                cur.execute("VACUUM (ANALYZE)")
            else:
                cur.execute("ANALYZE")
        return "已更新"

    def step(self, label, fn, *args, **kwargs):
        started = time.monotonic()
        self.stdout.write(f"{label}……")
        result = fn(*args, **kwargs)
        self.stdout.write(f"{label}：{result}（{time.monotonic() - started:.1f} 秒）")
        return result

    @staticmethod
    def volumes(opts) -> dict[str, int]:
        """The generated volumes of a large scale: its preset, each overridable by an option."""
        preset = SCALES[opts["scale"]]
        out = {k: opts.get(k) if opts.get(k) is not None else v for k, v in preset.items()}
        if min(out.values()) < 1 or out["unions"] > out["enterprises"]:
            raise CommandError("数量须为正数，且基层工会数不能多于企业数。")
        return out

    def handle(self, *args, **opts):
        from unionwork.assessment import demo as assessment_demo
        from unionwork.bargaining import demo as bargaining_demo
        from unionwork.building import demo as building_demo
        from unionwork.culture import demo as culture_demo
        from unionwork.documents import demo as documents_demo
        from unionwork.founding import demo as founding_demo
        from unionwork.members import demo as members_demo
        from unionwork.stability.demo import seed_demo as stability_demo
        from unionwork.stations import demo as stations_demo
        from unionwork.visits import demo as visits_demo

        large = opts["scale"] in SCALES
        volumes = self.volumes(opts) if large else {}
        self.step("组织树与演示账号", seed_foundation)
        if large:
            self.step(
                f"企业与基层工会（{SCALE_LABELS[opts['scale']]}）",
                founding_demo.seed_city,
                self.stdout,
                enterprises=volumes["enterprises"],
                unions=volumes["unions"],
            )
            self.step(
                f"会员（{SCALE_LABELS[opts['scale']]}）",
                members_demo.seed_city,
                n=volumes["members"],
                unions=min(2000, volumes["unions"]),  # the founding step made them
                stdout=self.stdout,
            )
        else:
            self.step("企业与基层工会", founding_demo.seed_small, self.stdout)
            self.step("会员", members_demo.seed_small)
        self.step("维稳工作", stability_demo, self.stdout)
        self.step("集体协商与职代会", bargaining_demo.seed_small, self.stdout)
        self.step("职工服务站", stations_demo.seed_small, self.stdout)
        city_register = {k: volumes.get(k) for k in ("enterprises", "unions")} == {
            k: SCALES["city"][k] for k in ("enterprises", "unions")
        }
        if opts["scale"] == "city" and city_register:  # the source document's city figure, exactly
            self.step("职工服务站（原文 8,620 / 8,865）", stations_demo.seed_city, self.stdout)
        self.step("公文督办", documents_demo.seed_small, self.stdout)
        self.step("双走双促", visits_demo.seed_small)
        self.step("工会建设", building_demo.seed_small, self.stdout)
        self.step("职工文化", culture_demo.seed_small, self.stdout)
        self.step("待确认的建会登记", founding_demo.seed_pending)
        # Bulk demo loads bypass the per-record bumps: recompute every indicator's current month.
        # (Indicators counted together, such as the founding figures, share one scan.)
        with audit.acting_as(None, "command:demo"):

            def each(ind, rows):
                self.stdout.write(f"指标 {ind.label}（{ind.key}）：{rows} 行")

            self.step("指标", lambda: f"{len(indicators.rebuild_many(on_each=each))} 项")
            # The kept union count month by month since last year's end, for the founding
            # target's pace (otherwise it reads nothing at the deadline: founding/demo.py).
            self.step("基层工会数的本年历史", founding_demo.seed_union_history)
        # The assessment scores the other modules' kept figures: after their rebuild.
        self.step("百分考核", assessment_demo.seed_small, self.stdout)
        # Fresh planner statistics and visibility maps of every table, as a running server's
        # autovacuum keeps them (a server may run without it, and bulk loads outpace it): with the
        # audit trail's statistics from before the members' import (1.5 million events later),
        # PostgreSQL read a district's whole trail for one page.
        self.step("统计信息（VACUUM / ANALYZE）", self.analyze)
        self.stdout.write(self.style.SUCCESS(f"演示数据就绪。演示账号密码：{DEMO_PASSWORD}"))
