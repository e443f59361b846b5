from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "yorisoi.audit"
    verbose_name = "監査ログ"
