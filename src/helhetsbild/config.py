"""Configuration read from the environment, with defaults that make the demo work untouched.

The three secrets default to key files generated in the data folder (mode 0600). That is meant
for the demo and for development only; production sets them in the environment.
"""

import base64
import contextlib
import os
import secrets
import stat
from pathlib import Path

KEY_FILES = {
    "HELHETSBILD_SECRET_KEY": "secret_key",
    "HELHETSBILD_PSEUDONYM_KEY": "pseudonym_key",
    "HELHETSBILD_ENCRYPTION_KEY": "encryption_key",
}


def data_dir() -> Path:
    """The folder for the SQLite database, key files, kept import files and the analysis store."""
    path = Path(os.environ.get("HELHETSBILD_DATA_DIR", "./data")).resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def database_url() -> str:
    return (
        os.environ.get("HELHETSBILD_DATABASE_URL")
        or f"sqlite:///{data_dir() / 'helhetsbild.sqlite3'}"
    )


class KeyFileRefused(Exception):
    """A key file that is empty or that others may read or change: start-up stops rather than
    use a key that may have leaked. Raised before Django's translations exist, so the message is
    Swedish as written."""


def key(env_var: str) -> str:
    """A secret from the environment, or else from its key file, created on first use. Never
    from the database: whoever can read a copy of the database must not also hold its keys."""
    value = os.environ.get(env_var)
    if value:
        return value
    path = data_dir() / KEY_FILES[env_var]
    if not path.exists():
        _write_new_key(path)
    return read_key_file(path)


def read_key_file(path: Path) -> str:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileRefused(
            f"Nyckelfilen {path} har rättigheterna {mode:o} och kan läsas eller ändras av andra "
            f"än ägaren. Utred om nyckeln kan ha läckt, och begränsa filen med 'chmod 600 {path}'."
        )
    value = path.read_text().strip()
    if not value:
        raise KeyFileRefused(f"Nyckelfilen {path} är tom.")
    return value


def new_key() -> str:
    """256 random bits, URL-safe base64: usable as pseudonym key, Fernet key and secret key."""
    return base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()


def _write_new_key(path: Path) -> None:
    """Write whole, then link into place: two processes starting at once end up with one key."""
    fresh = new_key()
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(fresh)
    try:
        with contextlib.suppress(FileExistsError):  # another process won; its key stands
            os.link(partial, path)
    finally:
        partial.unlink()


def flag(env_var: str, default: bool = False) -> bool:
    value = os.environ.get(env_var)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "ja", "on"}


def bounded_int(env_var: str, *, default: int, minimum: int) -> int:
    """An integer setting that must not go below a safe floor; a lower value stops start-up."""
    value = int(os.environ.get(env_var, default))
    if value < minimum:
        raise ValueError(f"{env_var}={value} is below the safe minimum {minimum}")
    return value


def choice(env_var: str, choices: dict[str, str], default: str) -> str:
    """The value a setting names among fixed choices; a name not among them stops start-up."""
    name = os.environ.get(env_var, default)
    if name not in choices:
        raise ValueError(f"{env_var}={name!r} is not one of {', '.join(sorted(choices))}")
    return choices[name]


# What single sign-on cannot work without, once an issuer turns it on.
OIDC_REQUIRED = ("AUTHORIZATION_ENDPOINT", "TOKEN_ENDPOINT", "JWKS_ENDPOINT", "CLIENT_ID")


def oidc(name: str, default: str = "") -> str:
    """A setting of single sign-on: `HELHETSBILD_OIDC_<name>`."""
    return os.environ.get(f"HELHETSBILD_OIDC_{name}", default).strip()


def oidc_enabled() -> bool:
    """Single sign-on is on when an issuer is configured; half a configuration stops start-up
    rather than leaving a login button that fails."""
    if not oidc("ISSUER"):
        return False
    missing = [f"HELHETSBILD_OIDC_{name}" for name in OIDC_REQUIRED if not oidc(name)]
    if missing:
        raise ValueError(f"HELHETSBILD_OIDC_ISSUER is set but {', '.join(missing)} is not")
    return True
