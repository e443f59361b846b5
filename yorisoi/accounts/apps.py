from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yorisoi.accounts"
    verbose_name = "利用者とAPIトークン"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import mark_signed_in

        user_logged_in.connect(mark_signed_in, dispatch_uid="yorisoi.accounts.signed_in")
