"""Re-encrypt and re-hash every member's ID number under the current key (see docs/keys.md)."""

from django.core.management.base import BaseCommand

from unionwork.core import audit
from unionwork.members import actions, pii

BATCH = actions.ROTATE_BATCH


class Command(BaseCommand):
    help = "把所有会员的身份证号改用当前密钥（UNIONWORK_PII_KEY 的第一个）重新加密并重算摘要。可中断后重跑。"

    def handle(self, *args, **opts):
        key_id = pii.current_key().key_id
        done = 0
        with audit.acting_as(None, "command:members_rotate_keys"):
            while True:
                n, key_id = actions.rotate_id_keys_batch(None, batch=BATCH)
                if not n:
                    break
                done += n
                self.stdout.write(f"已处理 {done} 人")
        self.stdout.write(self.style.SUCCESS(f"完成：{done} 人改用密钥 {key_id}。"))
