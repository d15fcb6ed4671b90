"""`manage.py restore DIR`: a backup into a new, empty database and MEDIA_ROOT, then the checks
(tables, kept figures, audit chain, ID numbers decrypt, files). `--check-only` runs the checks on
the configured database as it is (after a `migrate`, say)."""

from django.core.management.base import BaseCommand, CommandError

from unionwork.operations import backup


class Command(BaseCommand):
    help = "从备份目录恢复到新建的空数据库（DATABASE_URL）和 MEDIA_ROOT，然后核对：各表行数、指标值、审计链、身份证号可解密、上传文件。"

    def add_arguments(self, parser):
        parser.add_argument("source", help="backup 写出的目录 unionwork-<时间>/")
        parser.add_argument("--check-only", action="store_true", help="不恢复，只核对当前数据库与备份清单")

    def handle(self, *args, **opts):
        try:
            if opts["check_only"]:
                manifest = backup.read_manifest(opts["source"])[1]
                backup.check_keys(manifest)
            else:
                manifest = backup.restore(opts["source"])
                self.stdout.write(f"已恢复 {opts['source']}（备份于 {manifest['started']}）。核对：")
            checks = backup.check(manifest)
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        for c in checks:
            self.stdout.write(f"{'✓' if c.ok else '✗'} {c.name}: {c.detail}")
            for note in c.notes:
                self.stdout.write(f"  ! {note}")
        failed = [c.name for c in checks if not c.ok]
        if failed:
            raise CommandError(f"恢复核对未通过：{', '.join(failed)}")
        if checks[0].name == "migrations" and checks[0].notes:
            raise CommandError("其余核对须在 migrate 之后进行：见上面的提示")
        self.stdout.write("恢复核对全部通过。")
