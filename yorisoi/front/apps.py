from django.apps import AppConfig


class FrontConfig(AppConfig):
    name = "yorisoi.front"
    verbose_name = "画面共通"
