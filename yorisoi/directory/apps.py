from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "yorisoi.directory"
    verbose_name = "マスタデータ（機関・地区・課題分類）"
