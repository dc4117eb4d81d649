"""Personal names: titles before them, family names, name order."""

from __future__ import annotations

import pytest

from workers.pipeline.names import family_name, is_family_name_first, strip_titles


@pytest.mark.parametrize(
    ("name", "family_first", "family"),
    [
        ("Wang Yi", True, "Wang"),
        ("Xi Jinping", True, "Xi"),
        ("Kim Jong Un", True, "Kim"),
        ("Moon Jae-in", True, "Moon"),
        ("Lee Smith", False, "Smith"),
        ("Jet Li", False, "Li"),
        ("Vladimir Putin", False, "Putin"),
        ("Ursula von der Leyen", False, "von der Leyen"),
        ("Martin Luther King Jr.", False, "King"),
        ("Madonna", False, None),
    ],
)
def test_family_names(name: str, family_first: bool, family: str | None) -> None:
    assert is_family_name_first(name) is family_first
    assert family_name(name) == family


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("U.S. Secretary of State Antony Blinken", "Antony Blinken"),
        ("European Commission spokesman Peter Stano", "Peter Stano"),
        ("Chinese Foreign Minister Wang Yi", "Wang Yi"),
        ("Prime Minister Boris Johnson", "Boris Johnson"),
        ("Dr. Anthony Fauci", "Anthony Fauci"),
        ("Martin Luther King", "Martin Luther King"),
    ],
)
def test_titles_are_stripped(written: str, name: str) -> None:
    assert strip_titles(written) == name


def test_role_codes_before_a_name_are_dropped() -> None:
    assert strip_titles("DL Myles Garrett") == "Myles Garrett"
    assert strip_titles("J.R. Smith") == "J.R. Smith"
