"""Changes to the organisation: committees and who holds which role."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.db import transaction

from helhetsbild.organisation.models import Committee, Membership

DEMO_COMMITTEES = {
    "KS": "Kommunstyrelsen",
    "SN": "Socialnämnden",
    "AMN": "Arbetsmarknadsnämnden",
    "UN": "Utbildningsnämnden",
}


def committee_ensure(*, code: str, name: str) -> Committee:
    committee, _created = Committee.objects.get_or_create(code=code, defaults={"name": name})
    return committee


@transaction.atomic
def user_with_role_ensure(
    *,
    username: str,
    password: str,
    full_name: str,
    role: str,
    committee: Committee | None = None,
    staff: bool = False,
) -> AbstractUser:
    """A user holding `role` (for `committee`), created with `password` if it does not exist yet."""
    user_model = get_user_model()
    user = user_model.objects.filter(username=username).first()
    if user is None:
        first, _sep, last = full_name.partition(" ")
        user = user_model.objects.create_user(
            username=username, password=password, first_name=first, last_name=last, is_staff=staff
        )
    Membership.objects.get_or_create(user=user, role=role, committee=committee)
    return user
