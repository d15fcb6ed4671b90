"""Re-encrypt and re-hash every member's ID number under the current key (see docs/keys.md)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from unionwork.core import audit
from unionwork.core.imports import fast
from unionwork.members import pii
from unionwork.members.models import Member, Membership

BATCH = 5000


class Command(BaseCommand):
    help = "把所有会员的身份证号改用当前密钥（UNIONWORK_PII_KEY 的第一个）重新加密并重算摘要。可中断后重跑。"

    def handle(self, *args, **opts):
        key = pii.current_key()
        enc, h = pii.encryptor(key), pii.hasher(key)
        done = 0
        with audit.acting_as(None, "command:members_rotate_keys"):
            while True:
                with transaction.atomic():
                    batch = list(
                        Member.objects.exclude(pii_key=key.key_id)
                        .order_by("pk")
                        .select_for_update()
                        .only("pk", "id_cipher", "id_hash", "pii_key")[:BATCH]
                    )
                    if not batch:
                        break
                    for m in batch:
                        number = pii.decrypt(m.id_cipher, m.pii_key)
                        old_hash = m.id_hash
                        m.id_cipher, m.id_hash, m.pii_key = enc(number), h(number), key.key_id
                        Membership.objects.filter(member_id=m.pk, id_hash=old_hash).update(id_hash=m.id_hash)
                    Member.objects.bulk_update(batch, ["id_cipher", "id_hash", "pii_key"])
                    fast.record_groups(
                        "members.member",
                        "rotate_key",
                        [
                            {
                                "object_repr": f"身份证号改用密钥 {key.key_id}：{len(batch)} 人",
                                "after": {"key": key.key_id, "members": " ".join(str(m.pk) for m in batch)},
                            }
                        ],
                    )
                done += len(batch)
                self.stdout.write(f"已处理 {done} 人")
        self.stdout.write(self.style.SUCCESS(f"完成：{done} 人改用密钥 {key.key_id}。"))
