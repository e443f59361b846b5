from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResourcesConfig(AppConfig):
    name = "yorisoi.resources"
    verbose_name = _("社会資源（HSDS）")

    def ready(self):
        from . import signals

        signals.connect()
