"""Key rotation: every person found again under the new keys, nothing half-done after a crash."""

import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from helhetsbild import config
from helhetsbild.accesslog.models import AccessEvent
from helhetsbild.accesslog.selectors import log_verify
from helhetsbild.imports.models import QuarantineRow
from helhetsbild.operations import rotation
from helhetsbild.operations.keyring import ENCRYPTION, PSEUDONYM, KeyProblem, Keyring
from helhetsbild.operations.models import FormerPseudonym, KeyRotation
from helhetsbild.operations.rotation import (
    RotationRefused,
    key_rotation_confirm,
    key_rotation_resume,
    keys_rotate,
)
from helhetsbild.operations.selectors import former_pseudonyms, person_of_former_pseudonym
from helhetsbild.register.identity import decrypt, decrypt_text, parse_personnummer, pseudonym
from helhetsbild.register.models import Person, PersonRecord
from helhetsbild.register.selectors import person_id_by_number
from tests.factories import TODAY, caseworker, run_import, write_kind
from tests.operations.small_register import ANNA, BO, CARL, NUMBERS, small_register

UseKeys = Callable[[Keyring], None]


def _find(committees, number: str) -> int | None:  # type: ignore[no-untyped-def]
    committee = committees["KS"]
    return person_id_by_number(
        caseworker(committee), committee, parse_personnummer(number, today=TODAY)
    )


def _stored() -> dict[int, tuple[str, bytes]]:
    return {
        person.pk: (person.pseudonym, bytes(person.personnummer_encrypted))
        for person in Person.objects.all()
    }


def _log() -> list[tuple[int, str, str]]:
    return list(
        AccessEvent.objects.order_by("sequence").values_list("sequence", "pseudonym", "entry_hash")
    )


def _key_files(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in sorted(folder.iterdir()) if "key" in path.name}


def _new_keys(folder: Path) -> Keyring:
    return Keyring(
        config.read_key_file(folder / "pseudonym_key"),
        config.read_key_file(folder / "encryption_key"),
    )


def test_after_rotation_every_person_is_found_by_personnummer_with_new_pseudonyms(
    committees, key_folder: Path, use_keys: UseKeys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    ids = {number: _find(committees, number) for number in NUMBERS}
    assert all(ids.values())
    old_pseudonyms = dict(Person.objects.values_list("pk", "pseudonym"))
    quarantined = [decrypt_text(row.values_encrypted) for row in QuarantineRow.objects.all()]
    log_before = _log()
    old_keys = Keyring.current()

    result = keys_rotate()

    assert (result.rotation.persons, result.rotation.quarantine_rows) == (4, 1)
    assert result.key_files == [key_folder / "pseudonym_key", key_folder / "encryption_key"]
    assert result.environment == []
    new_keys = _new_keys(key_folder)
    assert (key_folder / "pseudonym_key.previous").read_text() == old_keys.pseudonym_key
    assert (key_folder / "encryption_key.previous").read_text() == old_keys.encryption_key
    for name in ("pseudonym_key", "encryption_key"):
        assert stat.S_IMODE((key_folder / name).stat().st_mode) == 0o600
        assert not (key_folder / f"{name}.next").exists()
    assert (result.rotation.pseudonym_key_id, result.rotation.encryption_key_id) == (
        new_keys.pseudonym_key_id,
        new_keys.encryption_key_id,
    )

    use_keys(new_keys)
    assert {number: _find(committees, number) for number in NUMBERS} == ids
    for number, person_id in ids.items():
        person = Person.objects.get(pk=person_id)
        digits = parse_personnummer(number, today=TODAY).digits
        assert decrypt(person.personnummer_encrypted).digits == digits
        assert person.pseudonym == new_keys.pseudonym(digits) != old_pseudonyms[person_id]
    for person in Person.objects.all():  # the samordningsnummer identity too
        assert person.pseudonym == pseudonym(decrypt(person.personnummer_encrypted))
        assert former_pseudonyms(person) == [old_pseudonyms[person.pk]]
        assert person_of_former_pseudonym(old_pseudonyms[person.pk]) == person
    assert [
        decrypt_text(row.values_encrypted) for row in QuarantineRow.objects.all()
    ] == quarantined
    assert _log()[: len(log_before)] == log_before, "the hash-chained log is never rewritten"
    assert log_verify().first_break is None
    anna = Person.objects.get(pk=ids[ANNA])
    searches = AccessEvent.objects.filter(pseudonym__in=[anna.pseudonym, *former_pseudonyms(anna)])
    assert searches.count() == 2, "the search before and the one after the rotation"


def test_imports_after_rotation_land_on_the_same_persons(
    committees, key_folder: Path, use_keys: UseKeys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    ids = {number: _find(committees, number) for number in (ANNA, BO, CARL)}
    keys_rotate()
    use_keys(_new_keys(key_folder))
    persons = Person.objects.count()

    later = write_kind(
        tmp_path / "personer-sn.csv",
        "personer",
        [[ANNA, "K", "1990-01-01", "", "", ""], [BO, "M", "1985-03-15", "", "", ""]],
    )
    assert run_import(committees["SN"], "personer", later).succeeded

    assert Person.objects.count() == persons
    owned_by_sn = set(
        PersonRecord.objects.filter(committee=committees["SN"]).values_list("person_id", flat=True)
    )
    assert owned_by_sn == {ids[ANNA], ids[BO]}


def test_a_failure_inside_the_transaction_leaves_old_keys_and_data_usable(
    committees, key_folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    ids = {number: _find(committees, number) for number in NUMBERS}
    stored, files = _stored(), _key_files(key_folder)

    def fail_at_quarantine(old: Keyring, new: Keyring) -> int:
        assert Person.objects.filter(pseudonym=new.pseudonym(ANNA.replace("-", ""))).exists()
        raise RuntimeError("strömavbrott")  # the persons are re-keyed by now, in the transaction

    monkeypatch.setattr(rotation, "_reencrypt_quarantine", fail_at_quarantine)
    with pytest.raises(RuntimeError, match="strömavbrott"):
        keys_rotate()

    assert _stored() == stored
    assert _key_files(key_folder) == files, "no .next, no .previous, the same keys"
    assert not KeyRotation.objects.exists() and not FormerPseudonym.objects.exists()
    assert {number: _find(committees, number) for number in NUMBERS} == ids


def test_a_crash_after_the_commit_is_finished_by_the_next_run(
    committees, key_folder: Path, use_keys: UseKeys, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    ids = {number: _find(committees, number) for number in NUMBERS}
    old_keys = Keyring.current()

    def crash(self: rotation.KeySwitch) -> None:
        raise RuntimeError("processen dödades")

    with monkeypatch.context() as patch:
        patch.setattr(rotation.KeySwitch, "promote", crash)
        with pytest.raises(RuntimeError):
            keys_rotate()
    assert KeyRotation.objects.count() == 1, "the database has the rotation"
    assert config.read_key_file(key_folder / "pseudonym_key") == old_keys.pseudonym_key
    with pytest.raises(RotationRefused, match="avbrutet"):
        keys_rotate()

    message = key_rotation_resume()

    assert message and "slutfört" in message
    new_keys = _new_keys(key_folder)
    assert new_keys.pseudonym_key_id == KeyRotation.objects.get().pseudonym_key_id
    assert (key_folder / "pseudonym_key.previous").read_text() == old_keys.pseudonym_key
    use_keys(new_keys)
    assert {number: _find(committees, number) for number in NUMBERS} == ids


def test_staged_keys_the_database_never_saw_are_discarded(committees, key_folder: Path) -> None:  # type: ignore[no-untyped-def]
    files = _key_files(key_folder)
    (key_folder / "pseudonym_key.next").write_text(config.new_key())

    message = key_rotation_resume()

    assert message and "borttagna" in message
    assert _key_files(key_folder) == files
    assert key_rotation_resume() is None


def test_a_second_rotation_waits_for_confirmation_and_rekeys_the_former_pseudonyms(
    committees, key_folder: Path, use_keys: UseKeys, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    first = dict(Person.objects.values_list("pk", "pseudonym"))
    keys_rotate()
    with pytest.raises(RotationRefused, match="inte bekräftat"):
        keys_rotate()
    with pytest.raises(RotationRefused, match="har inte nycklarna"):
        key_rotation_confirm()

    use_keys(_new_keys(key_folder))
    assert key_rotation_confirm().confirmed_at is not None
    assert not list(key_folder.glob("*.previous"))
    second = dict(Person.objects.values_list("pk", "pseudonym"))
    result = keys_rotate()
    use_keys(_new_keys(key_folder))

    assert result.rotation.former_pseudonyms == 4, "the first rotation's, re-encrypted"
    for person in Person.objects.all():
        assert former_pseudonyms(person) == [second[person.pk], first[person.pk]]
        assert person_of_former_pseudonym(first[person.pk]) == person


def test_a_key_from_the_environment_is_never_generated_here(
    committees, key_folder: Path, settings, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv(PSEUDONYM, settings.PSEUDONYM_KEY)
    with pytest.raises(RotationRefused, match="--new-pseudonym-key-file"):
        keys_rotate()
    files = _key_files(key_folder)

    result = keys_rotate(pseudonym_key=config.new_key())

    assert result.environment == [PSEUDONYM]
    assert result.key_files == [key_folder / "encryption_key"]
    assert (key_folder / "pseudonym_key").read_text() == files["pseudonym_key"]
    assert not (key_folder / "pseudonym_key.previous").exists()
    assert (key_folder / "encryption_key.previous").read_text() == files["encryption_key"]


@pytest.mark.parametrize(
    ("keys", "reason"),
    [
        ({"pseudonym_key": "kort"}, "för kort"),
        ({"encryption_key": "ingen-fernet-nyckel"}, "Fernet"),
        ({"same": PSEUDONYM}, "skilja sig"),
        ({"same": ENCRYPTION}, "skilja sig"),
    ],
)
def test_unusable_new_keys_are_refused_before_anything_changes(
    committees, key_folder: Path, settings, keys: dict[str, str], reason: str
) -> None:  # type: ignore[no-untyped-def]
    given = {"pseudonym_key": config.new_key(), "encryption_key": config.new_key()}
    same = keys.pop("same", None)
    if same == PSEUDONYM:
        given["pseudonym_key"] = settings.PSEUDONYM_KEY
    if same == ENCRYPTION:
        given["encryption_key"] = settings.ENCRYPTION_KEY
    files = _key_files(key_folder)

    with pytest.raises(KeyProblem, match=reason):
        keys_rotate(**{**given, **keys})

    assert _key_files(key_folder) == files and not KeyRotation.objects.exists()


def test_a_pseudonym_the_current_key_did_not_make_stops_the_rotation(
    committees, key_folder: Path, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    small_register(committees, tmp_path)
    stranger = Person.objects.get(pk=_find(committees, BO))
    Person.objects.filter(pk=stranger.pk).update(pseudonym="0" * 64)
    stored = _stored()

    with pytest.raises(RotationRefused, match=f"nr {stranger.pk} har en pseudonym"):
        keys_rotate()

    assert _stored() == stored and not list(key_folder.glob("*.next"))
