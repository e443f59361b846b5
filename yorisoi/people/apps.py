from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "yorisoi.people"
    verbose_name = "本人・世帯"
