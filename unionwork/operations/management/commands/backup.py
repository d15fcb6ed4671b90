"""`manage.py backup DIR`: the database (pg_dump -Fc, or SQLite's online backup), the uploaded
files and a manifest, in a new directory under DIR (docs/administration.md, "Backups")."""

from django.core.management.base import BaseCommand, CommandError

from unionwork.operations import backup


class Command(BaseCommand):
    help = "备份：数据库（PostgreSQL 用 pg_dump 自定义格式，SQLite 用在线备份）、上传文件和清单，写入 DIR 下的新目录。密钥不在备份中，须另行保管。"

    def add_arguments(self, parser):
        parser.add_argument("destination", help="备份写入此目录下的新子目录 unionwork-<时间>/")

    def handle(self, *args, **opts):
        try:
            target = backup.backup(opts["destination"])
        except backup.BackupError as exc:
            raise CommandError(str(exc)) from exc
        manifest = backup.read_manifest(target)[1]
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"备份完成：{target}（{len(manifest['tables'])} 张表 {rows:,} 行，审计事件 "
            f"{manifest['audit']['count']:,} 个，上传文件 {manifest['media']['files']} 个）。"
        )
        self.stdout.write(
            "密钥不在备份中：UNIONWORK_PII_KEY 和 UNIONWORK_AUDIT_KEY 须与备份分开保管（docs/keys.md）。"
        )
        self.stdout.write(str(target))
