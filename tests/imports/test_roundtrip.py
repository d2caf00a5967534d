"""Property: whatever text a source system writes in a free-text cell, and however it quotes it,
the register stores exactly that text (less surrounding white space)."""

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from helhetsbild.imports.models import BatchState
from helhetsbild.register.models import Episode
from tests.factories import personnummer, run_import, write_kind

ANNA = personnummer("19900101", "980")
# Any printable text up to the column's length, quotes, delimiters and line breaks included.
free_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), whitelist_characters='\n\r\t;,"'),
    max_size=200,
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(detail=free_text, delimiter=st.sampled_from([";", ","]))
def test_free_text_survives_the_round_trip(
    committees, tmp_path: Path, detail: str, delimiter: str
) -> None:  # type: ignore[no-untyped-def]
    run_import(
        committees["KS"],
        "personer",
        write_kind(tmp_path / "p.csv", "personer", [[ANNA, "K", "1990-01-01", "", "", ""]]),
    )
    path = write_kind(
        tmp_path / "i.csv",
        "insatser",
        [[ANNA, "praktik", "2024-02-01", "", detail]],
        delimiter=delimiter,
    )

    result = run_import(committees["AMN"], "insatser", path)

    assert result.state in (BatchState.COMMITTED, BatchState.DUPLICATE), result.issues
    assert Episode.objects.get().detail == detail.strip()
