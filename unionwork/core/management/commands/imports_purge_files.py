"""Delete the files of import jobs older than UNIONWORK_IMPORT_FILE_DAYS (7 by default).

Run it daily (the platform's worker schedules the task ``core.tasks.purge_import_files``; this
command does the same by hand or from a timer). The jobs stay, with their counts and messages.
"""

from django.core.management.base import BaseCommand

from unionwork.core.imports.jobs import purge_expired


class Command(BaseCommand):
    help = "Delete uploaded and marked error files of imports older than UNIONWORK_IMPORT_FILE_DAYS."

    def handle(self, *args, **options):
        n = purge_expired()
        self.stdout.write(f"import jobs whose files were deleted: {n}")
