from django.apps import AppConfig


class GoalsConfig(AppConfig):
    name = "helhetsbild.goals"

    def ready(self) -> None:
        from helhetsbild.goals import receivers  # noqa: F401  (connects them)
