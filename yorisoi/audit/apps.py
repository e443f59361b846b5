from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "yorisoi.audit"
    verbose_name = "監査ログ"

    def ready(self):
        # Imported here: the receivers need the app registry ready.
        from . import receivers

        receivers.connect()
