"""Configuration read from the environment, with defaults that make the demo work untouched.

The three secrets default to key files generated in the data folder (mode 0600). That is meant
for the demo and for development only; production sets them in the environment.
"""

import base64
import contextlib
import os
import secrets
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


def key(env_var: str) -> str:
    """A secret from the environment, or else from its key file, created on first use."""
    value = os.environ.get(env_var)
    if value:
        return value
    path = data_dir() / KEY_FILES[env_var]
    if not path.exists():
        _write_new_key(path)
    return path.read_text().strip()


def _write_new_key(path: Path) -> None:
    """Write whole, then link into place: two processes starting at once end up with one key."""
    fresh = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
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
