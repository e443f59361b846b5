from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    name = "yorisoi.outreach"
    verbose_name = _("アウトリーチ等を通じた継続的支援")
