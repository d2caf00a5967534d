from django.apps import AppConfig


class AccesslogConfig(AppConfig):
    name = "helhetsbild.accesslog"
