from django.core.exceptions import ValidationError


class ActionError(ValidationError):
    """A change the platform refuses, with a message for the user (in Chinese)."""
