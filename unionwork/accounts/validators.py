from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterKindsValidator:
    """At least ``kinds`` of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, kinds: int = 3):
        self.kinds = kinds

    @staticmethod
    def count_kinds(password: str) -> int:
        return sum(
            [
                any(c.islower() for c in password),
                any(c.isupper() for c in password),
                any(c.isdigit() for c in password),
                any(not c.isalnum() for c in password),
            ]
        )

    def validate(self, password, user=None):
        if self.count_kinds(password) < self.kinds:
            raise ValidationError(
                _("密码须包含小写字母、大写字母、数字、符号中的至少 %(kinds)d 种。") % {"kinds": self.kinds},
                code="password_too_simple",
            )

    def get_help_text(self):
        return _("密码须包含小写字母、大写字母、数字、符号中的至少 %(kinds)d 种。") % {"kinds": self.kinds}
