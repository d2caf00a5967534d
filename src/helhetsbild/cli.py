"""The `helhetsbild` console script: Django's management commands under one name.

`helhetsbild import`, `synth`, `status --json` and `demo` are management commands of the apps;
any other Django command (migrate, createsuperuser) works too.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhetsbild.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["helhetsbild", *sys.argv[1:]])


if __name__ == "__main__":
    main()
