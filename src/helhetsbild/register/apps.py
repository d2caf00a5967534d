from django.apps import AppConfig


class RegisterConfig(AppConfig):
    name = "helhetsbild.register"
