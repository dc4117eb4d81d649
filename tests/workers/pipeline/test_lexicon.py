"""The word lists: every data file loads, once, with the entries its users expect."""

from __future__ import annotations

from importlib import resources

from workers.pipeline import lexicon


def test_every_data_file_loads() -> None:
    for data in resources.files("workers.pipeline.lexicon").iterdir():
        if data.name.endswith(".txt"):
            assert lexicon.entries(data.name)
        elif data.name.endswith(".json"):
            assert lexicon.table(data.name)


def test_lists_are_read_once() -> None:
    assert lexicon.table("agencies.json") is lexicon.table("agencies.json")


def test_month_numbers_know_names_and_abbreviations() -> None:
    months = lexicon.month_numbers()
    assert (months["january"], months["sept"], months["may"], months["dec"]) == (1, 9, 5, 12)
    assert lexicon.month_numbers(("fr",))["août"] == 8


def test_word_lists() -> None:
    assert lexicon.weekdays()[0] == "monday" and len(lexicon.weekdays()) == 7
    assert {"by", "von", "av"} <= set(lexicon.byline_prefixes())
    assert lexicon.agency_spellings()["AP"][:2] == ("AP", "Associated Press")
    assert "sir" in lexicon.honorifics() and "sir" not in lexicon.honorifics(abbreviated_only=True)
    assert lexicon.justext_language_names()["de"] == "German"
    assert "according to" in lexicon.reporting_verbs()
