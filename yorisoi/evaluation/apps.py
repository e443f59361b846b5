from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "yorisoi.evaluation"
    verbose_name = _("評価（PDCA）")
