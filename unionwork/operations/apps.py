from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the platform: backups and their restore drill, the deployment's own checks.

    It knows every module (like dashboard and demo) so that core keeps knowing none: the restore
    checks read the members' keys and the kept indicators."""

    name = "unionwork.operations"
    label = "operations"
    verbose_name = "运维"
