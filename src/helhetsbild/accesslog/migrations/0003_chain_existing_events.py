"""Chain the events written before the chain existed, in the order they were written, and set
the head. Their hash can only vouch for them from now on: what they said before this migration
is taken as it stands."""

from typing import Any

from django.db import migrations

from helhetsbild.accesslog.chain import GENESIS, Entry, digest


def chain_existing(apps: Any, schema_editor: Any) -> None:
    access_event = apps.get_model("accesslog", "AccessEvent")
    log_chain = apps.get_model("accesslog", "LogChain")
    previous, sequence = GENESIS, 0
    for event in access_event.objects.select_related("user").order_by("at", "id").iterator():
        sequence += 1
        event.sequence, event.username, event.previous_hash = (
            sequence,
            event.user.username,
            previous,
        )
        event.entry_hash = digest(
            Entry(
                sequence=sequence,
                at=event.at,
                user_id=event.user_id,
                username=event.username,
                action=event.action,
                pseudonym=event.pseudonym,
                committee_code=event.committee_code,
                purpose=event.purpose,
                detail=event.detail,
                previous_hash=previous,
            )
        )
        event.save(update_fields=["sequence", "username", "previous_hash", "entry_hash"])
        previous = event.entry_hash
    log_chain.objects.create(pk=1, head_sequence=sequence, head_hash=previous)


def unchain(apps: Any, schema_editor: Any) -> None:
    apps.get_model("accesslog", "LogChain").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("accesslog", "0002_hash_chain")]

    operations = [migrations.RunPython(chain_existing, unchain)]
