from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "yorisoi.cases"
    verbose_name = _("多機関協働（ケース・会議・プラン）")
