from django.contrib.auth.models import User

from helhetsbild.accesslog.events import LABELS
from helhetsbild.accesslog.models import AccessEvent


def access_event_record(
    *,
    actor: User,
    action: str,
    pseudonym: str = "",
    committee_code: str = "",
    purpose: str = "",
    detail: str = "",
) -> AccessEvent:
    """Append one event; called inside the transaction of the read or change it records."""
    if action not in LABELS:
        raise ValueError(f"unregistered access event code: {action}")
    return AccessEvent.objects.create(
        user=actor,
        action=action,
        pseudonym=pseudonym,
        committee_code=committee_code,
        purpose=purpose,
        detail=detail,
    )
