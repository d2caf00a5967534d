"""The `helhetsbild` console script: Django's management commands under one name.

`helhetsbild import`, `synth`, `status --json` and `demo` are management commands of the apps;
any other Django command (migrate, createsuperuser) works too. A command whose module name has an
underscore answers to the hyphenated name as well (`rotate-keys` runs `rotate_keys`), because
people type hyphens and Python modules cannot have them.
"""

import os
import sys

from helhetsbild.config import KeyFileRefused


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "helhetsbild.settings")
    from django.core.management import execute_from_command_line

    arguments = sys.argv[1:]
    try:
        if arguments:
            arguments[0] = command_name(arguments[0])
        execute_from_command_line(["helhetsbild", *arguments])
    except KeyFileRefused as error:
        sys.exit(str(error))


def command_name(typed: str) -> str:
    """The command `typed` names: itself if it exists (`api-token` does), else with underscores."""
    if "-" not in typed or typed.startswith("-"):
        return typed
    import django
    from django.core.management import get_commands

    django.setup()
    commands = get_commands()
    underscored = typed.replace("-", "_")
    return underscored if typed not in commands and underscored in commands else typed


if __name__ == "__main__":
    main()
