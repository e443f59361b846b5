from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "yorisoi.identity"
    verbose_name = _("名寄せ（同一人物の確認）")
