from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "helhetsbild.organisation"
    verbose_name = "Organisation"
