from django.core.management.base import BaseCommand, CommandError

from unionwork.core import audit


class Command(BaseCommand):
    help = "校验审计链（以密钥重算）并与最新锚点对照：发现被篡改、删除、插入的事件，链尾缺失、链被清空、重置或改写。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--anchor-file", default=None, help="锚点文件（默认 UNIONWORK_AUDIT_ANCHOR_FILE）"
        )
        parser.add_argument(
            "--anchor",
            action="append",
            default=[],
            help="另一处保存的锚点行（如日志中的 AUDIT-ANCHOR 行），可重复",
        )
        parser.add_argument(
            "--no-link",
            action="store_true",
            help="只读校验：不先链接已提交未入链的事件；未入链超过 UNIONWORK_AUDIT_LINK_MINUTES 分钟的事件报为问题",
        )

    def handle(self, *args, **opts):
        anchors, problems = audit.read_anchors(opts["anchor_file"])
        for text in opts["anchor"]:
            try:
                a = audit.Anchor.parse(text)
            except (ValueError, KeyError, TypeError) as exc:
                raise CommandError(f"无法读取锚点：{text}") from exc
            if not a.valid(audit.audit_key()):
                problems.append(f"给出的锚点签名无效：{text}")
                continue
            anchors.append(a)
        result = audit.verify(anchors=anchors, link=not opts["no_link"])
        result.problems[:0] = problems
        for problem in result.problems:
            self.stderr.write(problem)
        if result.problems:
            raise CommandError(
                f"审计链校验未通过：检查 {result.checked} 个事件，发现 {len(result.problems)} 处问题。"
            )
        if result.pending:
            self.stdout.write(f"另有 {result.pending} 个刚提交的事件尚未入链，留待下次校验。")
        if result.anchor is None:
            self.stderr.write("提示：没有锚点，无法发现被删除的链尾或被清空的表；请定期运行 audit_anchor。")
            self.stdout.write(f"审计链完好：共 {result.checked} 个事件（未与锚点对照）。")
        else:
            self.stdout.write(
                f"审计链完好：共 {result.checked} 个事件，与 {result.anchors} 个锚点相符"
                f"（最新锚点 {result.anchor.at}，{result.anchor.count} 个事件）。"
            )
