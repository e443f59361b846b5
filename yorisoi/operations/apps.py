from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """What an operator runs: backup and restore (issue 13)."""

    name = "yorisoi.operations"
    verbose_name = _("運用")
