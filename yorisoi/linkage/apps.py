from django.apps import AppConfig


class LinkageConfig(AppConfig):
    # An app only to host `manage.py link_people`: no models, no migrations. The engine beside
    # it never imports Django (tests/test_engine.py).
    name = "yorisoi.linkage"
    verbose_name = "名寄せ"
