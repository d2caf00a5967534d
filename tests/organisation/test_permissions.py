import pytest

from helhetsbild.organisation.models import Role
from helhetsbild.organisation.permissions import POLICY, Action, actions_of, can, committees_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("role", "bound_to", "action", "expected"),
    [
        (Role.CASEWORKER, "SN", Action.PERSON_VIEW_IDENTIFIED, ["SN"]),
        (Role.CASEWORKER, "SN", Action.IMPORT_RUN, ["SN"]),
        (Role.ANALYST, None, Action.PERSON_VIEW_IDENTIFIED, []),
        (Role.CONTROLLER, None, Action.IMPORT_RUN, []),
        (Role.READER, None, Action.REGISTER_VIEW, []),
        (Role.ADMIN, None, Action.PERSON_VIEW_IDENTIFIED, []),
        (Role.ADMIN, None, Action.IMPORT_VIEW, ["AMN", "KS", "SN", "UN"]),
    ],
)
def test_roles_reach_only_their_committees(committees, role, bound_to, action, expected) -> None:  # type: ignore[no-untyped-def]
    user = make_user(role, committees[bound_to] if bound_to else None)
    assert sorted(committees_for(user, action).values_list("code", flat=True)) == expected


def test_a_deactivated_user_reaches_nothing(committees) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.CASEWORKER, committees["SN"])
    user.is_active = False
    user.save()
    assert not committees_for(user, Action.REGISTER_VIEW).exists()


def test_a_deactivated_committee_is_out_of_reach(committees) -> None:  # type: ignore[no-untyped-def]
    user = make_user(Role.CASEWORKER, committees["SN"])
    committees["SN"].active = False
    committees["SN"].save()
    assert not committees_for(user, Action.IMPORT_RUN).exists()


def test_every_role_has_a_policy_entry() -> None:
    assert set(POLICY) == set(Role.values)


@pytest.mark.parametrize(
    ("role", "bound_to"),
    [
        (Role.CASEWORKER, "SN"),
        (Role.ANALYST, None),
        (Role.CONTROLLER, None),
        (Role.READER, None),
        (Role.ADMIN, None),
    ],
)
@pytest.mark.parametrize("committee_active", [True, False])
def test_the_actions_of_a_user_are_those_can_allows(  # type: ignore[no-untyped-def]
    committees, role, bound_to, committee_active
) -> None:
    user = make_user(role, committees[bound_to] if bound_to else None)
    if not committee_active:
        for committee in committees.values():
            committee.active = False
            committee.save()
    assert actions_of(user) == {action for action in Action if can(user, action)}
