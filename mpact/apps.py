from django.apps import AppConfig


class MpactConfig(AppConfig):
    name = "mpact"
    verbose_name = "M-Pact"
