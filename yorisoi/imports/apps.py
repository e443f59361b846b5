from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "yorisoi.imports"
    verbose_name = _("既存記録の取り込み")
