from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "yorisoi.participation"
    verbose_name = _("参加支援")
