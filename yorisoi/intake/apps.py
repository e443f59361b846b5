from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "yorisoi.intake"
    verbose_name = _("包括的相談支援（相談受付・つなぎ）")
