"""Django's flush, which empties the whole database (development and tests), past the audit triggers."""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from unionwork.core.audit_db import set_append_only


class Command(FlushCommand):
    def handle(self, **options):
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
