"""Entities: people with aliases, places and organisations, photographers left out, a missing model survived."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workers.pipeline.document import Media
from workers.pipeline.enrich import enrich
from workers.pipeline.entities import EntityIndex, Mention
from workers.pipeline.settings import DEFAULT_SPACY_MODEL, PipelineSettings


def by_name(enrichment: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entity["name"]: entity for entity in enrichment["entities"]}


def grouped(mentions: list[Mention]) -> dict[str, dict[str, Any]]:
    """The entities these mentions make, by name."""
    return {entity["name"]: entity for entity in EntityIndex(mentions).as_dicts()}


def opening(text: str, kind: str, paragraph: int) -> Mention:
    """A mention that opens its paragraph."""
    return Mention(text, kind, 0, len(text), paragraph=paragraph)


def entities_of(*paragraphs: str, media: list[Media] | None = None) -> dict[str, dict[str, Any]]:
    result = enrich(
        title=None, paragraphs=list(paragraphs), media=media or [], published_at=None, declared_language="en"
    )
    return by_name(result)


def test_seed_people_with_their_aliases(seed_expected: dict[str, Any], seed_enrichment: dict[str, Any]) -> None:
    entities = by_name(seed_enrichment)
    people = {name for name, entity in entities.items() if entity["type"] == "person"}
    assert people == {person["name"] for person in seed_expected["people"]}
    for person in seed_expected["people"]:
        assert set(person["aliases"]) <= set(entities[person["name"]]["aliases"]), person["name"]
    assert "Jinping" not in entities["Xi Jinping"]["aliases"]
    assert entities["Xi Jinping"]["aliases"] == []


def test_wang_joins_wang_yi_as_a_person(seed_enrichment: dict[str, Any]) -> None:
    wang = by_name(seed_enrichment)["Wang Yi"]
    assert wang["type"] == "person"
    assert wang["mentions"] >= 10
    assert "Wang" not in by_name(seed_enrichment)


def test_photographers_are_not_people_of_the_story(
    seed_expected: dict[str, Any], seed_enrichment: dict[str, Any]
) -> None:
    names = {name.casefold() for name in by_name(seed_enrichment)}
    for photographer in seed_expected["photographers_not_people_of_the_story"]:
        assert photographer.casefold() not in names


def test_seed_places_and_organisations(seed_expected: dict[str, Any], seed_enrichment: dict[str, Any]) -> None:
    entities = by_name(seed_enrichment)
    for place in seed_expected["places_include"]:
        assert entities[place]["type"] == "place", place
    for organisation in seed_expected["organisations_include"]:
        assert entities[organisation]["type"] == "organisation", organisation


def test_entity_shape_and_aliases_exclude_the_name(seed_enrichment: dict[str, Any]) -> None:
    for entity in seed_enrichment["entities"]:
        assert set(entity) == {"name", "type", "aliases", "mentions"}
        assert entity["type"] in {"person", "organisation", "place", "other"}
        assert entity["name"] not in entity["aliases"]
        assert entity["mentions"] >= 1


def test_title_before_a_name_makes_a_person() -> None:
    entities = entities_of("Chancellor Olaf Scholz visited the factory on Monday with his advisers.")
    assert entities["Olaf Scholz"]["type"] == "person"
    assert entities["Olaf Scholz"]["aliases"] == ["Scholz"]


def test_acronym_joins_its_long_form() -> None:
    entities = entities_of(
        "The United States imposed new sanctions on Friday.",
        "Officials in the U.S. said more would follow.",
    )
    assert "U.S." in entities["United States"]["aliases"]
    assert entities["United States"]["mentions"] == 2


def test_photo_credit_inside_a_caption_is_not_a_person() -> None:
    media = [Media(caption="Firefighters work at the scene in Lyon on Tuesday. (Photo by Jean Dupont / AFP)")]
    entities = entities_of("A fire broke out in a warehouse in Lyon on Tuesday, officials said.", media=media)
    assert "Jean Dupont" not in entities


def test_unloadable_model_leaves_entities_empty_with_a_warning() -> None:
    result = enrich(
        title=None,
        paragraphs=["Joe Biden said “we will act” on Monday."],
        media=[],
        published_at=None,
        declared_language="en",
        settings=PipelineSettings(spacy_models={"en": "no_such_model_package"}),
    )
    assert result["entities"] == []
    assert any("no_such_model_package" in warning for warning in result["warnings"])
    assert result["quotes"][0]["speaker"] == "Joe Biden"  # the rules still read the capitalised name


def test_a_name_tagged_person_less_often_than_otherwise_is_not_a_person() -> None:
    entities = entities_of(
        "Apple released the MacBook Pro on Tuesday.",
        "The MacBook Pro has a new keyboard, and the MacBook Pro costs more than before.",
        "Reviewers like the MacBook Pro.",
    )
    macbook = [entity for entity in entities.values() if entity["name"] == "MacBook Pro"]
    assert len(macbook) == 1
    assert macbook[0]["type"] != "person"
    assert "Pro" not in macbook[0]["aliases"]


def test_full_name_read_as_organisation_joins_the_person_its_surname_names() -> None:
    surname = [opening("Rudolph", "person", paragraph) for paragraph in (1, 2)]
    steelers = Mention("Steelers", "organisation", 20, 28, paragraph=2)
    entities = grouped([opening("Mason Rudolph", "organisation", 0), *surname, steelers])
    assert entities["Mason Rudolph"] == {
        "name": "Mason Rudolph",
        "type": "person",
        "aliases": ["Rudolph"],
        "mentions": 3,
    }
    assert entities["Steelers"]["type"] == "organisation"


def test_surname_read_as_organisation_joins_the_person_unless_it_dominates() -> None:
    person = [opening("Adam Neumann", "person", 0)]
    few = [opening("Neumann", "organisation", index) for index in range(1, 3)]
    many = [opening("Neumann", "organisation", index) for index in range(1, 9)]
    joined = grouped(person + few)
    assert joined["Adam Neumann"]["mentions"] == 3 and "Neumann" not in joined
    apart = grouped(person + many)
    assert apart["Adam Neumann"]["mentions"] == 1 and apart["Neumann"]["type"] == "organisation"


def test_a_model_for_another_language_is_used_for_that_language(tmp_path: Path) -> None:
    import spacy

    # A German model that knows two names, saved where the settings point: the pipeline loads it like any other.
    german = spacy.blank("de")
    ruler: Any = german.add_pipe("entity_ruler", name="ner")
    ruler.add_patterns([{"label": "PER", "pattern": "Olaf Scholz"}, {"label": "LOC", "pattern": "Berlin"}])
    german.to_disk(tmp_path / "de_test_model")
    settings = PipelineSettings(spacy_models={"en": DEFAULT_SPACY_MODEL, "de": str(tmp_path / "de_test_model")})
    result = enrich(
        title=None,
        paragraphs=[
            "Bundeskanzler Olaf Scholz hat am Montag in Berlin neue Hilfen für Unternehmen angekündigt, die unter "
            "den hohen Energiepreisen leiden. Die Regierung werde niemanden allein lassen, sagte er."
        ],
        media=[],
        published_at=None,
        declared_language=None,
        settings=settings,
    )
    assert result["language"] == "de"
    assert {(entity["name"], entity["type"]) for entity in result["entities"]} == {
        ("Olaf Scholz", "person"),
        ("Berlin", "place"),
    }


def test_variants_of_a_full_name_are_one_person() -> None:
    names = ["Joshua Apte", "Josh Apte", "Apte", "John F. Kennedy", "John Kennedy", "Robert Kennedy"]
    people = grouped([opening(name, "person", paragraph) for paragraph, name in enumerate(names)])
    assert set(people) == {"Joshua Apte", "John F. Kennedy", "Robert Kennedy"}
    assert people["Joshua Apte"]["mentions"] == 3
    assert set(people["Joshua Apte"]["aliases"]) == {"Josh Apte", "Apte"}
    assert people["John F. Kennedy"]["mentions"] == 2


def test_possessive_person_and_lowercase_names() -> None:
    from workers.pipeline.entities import find_mentions

    class FakeSpan:
        def __init__(self, text: str, start: int, label: str) -> None:
            self.start_char, self.end_char, self.label_ = start, start + len(text), label

    class FakeDoc:
        def __init__(self, text: str) -> None:
            found = [("Jeff Bezos’s Blue Origin", "PERSON"), ("crash", "PERSON")]
            self.ents = [FakeSpan(name, text.index(name), label) for name, label in found if name in text]

    class FakeModel:
        def pipe(self, texts: list[str], batch_size: int) -> list[FakeDoc]:
            return [FakeDoc(text) for text in texts]

    mentions = find_mentions(FakeModel(), ["Jeff Bezos’s Blue Origin won, after the crash of its rival."], [])
    assert [(mention.text, mention.kind) for mention in mentions] == [("Jeff Bezos", "person")]
