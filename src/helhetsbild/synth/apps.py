from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "helhetsbild.synth"
