from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "yorisoi.people.identity"
    label = "identity"  # 名寄せ: its own tables and audit targets, inside the people package
    verbose_name = _("名寄せ（同一人物の確認）")
