from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "yorisoi.accounts"
    verbose_name = "利用者とAPIトークン"
