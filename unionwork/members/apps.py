from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "unionwork.members"
    label = "members"
    verbose_name = _("会员")

    def ready(self):
        from unionwork.core import audit
        from unionwork.members import signals

        signals.connect()
        # How this module's verbs read in the audit trail.
        for verb, label in signals.VERB_LABELS.items():
            audit.VERB_LABELS.setdefault(verb, label)
