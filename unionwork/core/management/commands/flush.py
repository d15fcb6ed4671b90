"""Django's flush empties the whole database, the audit trail included: a development and test
operation only. It refuses to run outside DEBUG (and outside a test run); where it may run, it
lifts the audit triggers for the moment of the flush."""

from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from unionwork.core.audit.db import set_append_only


def flush_allowed() -> bool:
    """DEBUG on, or a test run (Django's test environment is set up: transactional tests flush)."""
    from django.test.utils import _TestState

    return bool(settings.DEBUG) or getattr(_TestState, "saved_data", None) is not None


class Command(FlushCommand):
    def handle(self, **options):
        if not flush_allowed():
            raise CommandError(
                "flush 会清空整个数据库（包括审计记录），只能在开发环境（DEBUG=1）中运行；生产环境拒绝执行。"
            )
        connection = connections[options["database"]]
        tables = connection.introspection.table_names()
        guarded = "core_auditevent" in tables
        if guarded:
            set_append_only(connection, on=False)
        try:
            return super().handle(**options)
        finally:
            if guarded:
                set_append_only(connection, on=True)
