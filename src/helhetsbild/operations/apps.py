from django.apps import AppConfig


class OperationsConfig(AppConfig):
    name = "helhetsbild.operations"

    def ready(self) -> None:
        from helhetsbild.operations import checks  # noqa: F401  registers the system check
