"""Plain-text extraction: article region, title, furniture classes, captions, and F1 floors on real page dumps."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from tests.workers.pipeline.samples import MENU, PROSE, dump, shingle_f1
from workers.pipeline import parse
from workers.pipeline.text import extract_text

PAGE_DUMPS = Path(__file__).resolve().parents[2] / "fixtures" / "text"


def body_of(text: str) -> list[str]:
    return [paragraph.text for paragraph in extract_text(text).paragraphs]


def test_article_between_menu_and_footer() -> None:
    text = dump(
        *MENU,
        "Council expands bus network to northern suburbs",
        *PROSE,
        "Related Articles",
        "Bus fares rise again",
        "New tram line opens",
        "© 2024 City Times. All rights reserved.",
    )
    extraction = extract_text(text)
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert extraction.title == "Council expands bus network to northern suburbs"


def test_menu_run_far_from_article_is_one_removed_entry() -> None:
    extraction = extract_text(dump(*MENU, "Council expands bus network", *PROSE))
    navigation = [item for item in extraction.removed if item.reason == "navigation"]
    assert len(navigation) == 1
    assert all(label in navigation[0].text for label in MENU[1:])


def test_nothing_inside_the_article_is_silently_dropped() -> None:
    blocks = ["Council expands bus network", PROSE[0], "Advertisement", PROSE[1], "Share this:", PROSE[2], PROSE[3]]
    extraction = extract_text(dump(*blocks))
    removed = {item.text: item.reason for item in extraction.removed}
    assert removed == {"Advertisement": "boilerplate", "Share this:": "share"}


def test_title_is_the_headline_above_byline_and_date() -> None:
    text = dump(
        *MENU,
        "Council expands bus network to northern suburbs",
        "By Jane Doe and John Smith",
        "Published 9:24 pm ET Nov 18, 2019",
        *PROSE,
    )
    extraction = extract_text(text)
    assert extraction.title == "Council expands bus network to northern suburbs"
    assert extraction.authors == ["Jane Doe", "John Smith"]
    assert body_of(text) == PROSE


def test_title_above_a_long_share_bar() -> None:
    share_bar = ["Share", "Facebook", "Twitter", "LinkedIn", "Email", "Print", "Reddit", "Flipboard", "WhatsApp"] * 2
    extraction = extract_text(dump(*MENU, "Council expands bus network to northern suburbs", *share_bar, *PROSE))
    assert extraction.title == "Council expands bus network to northern suburbs"


def test_first_line_headline_of_a_clean_dump() -> None:
    extraction = extract_text(dump("Council Expands Bus Network", *PROSE))
    assert extraction.title == "Council Expands Bus Network"
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE


def test_subheading_inside_the_article_is_kept_as_heading() -> None:
    extraction = extract_text(dump("Council expands bus network", PROSE[0], PROSE[1], "What happens next", PROSE[2]))
    assert [(paragraph.text, paragraph.kind) for paragraph in extraction.paragraphs][2] == (
        "What happens next",
        "heading",
    )


def test_list_after_a_colon_line_is_kept() -> None:
    items = ["8 ripe pears", "1 lemon", "6 tbsp pectin", "1 tsp cinnamon"]
    extraction = extract_text(dump("Council expands bus network", *PROSE[:2], "You will need:", *items, *PROSE[2:]))
    paragraphs = [(paragraph.text, paragraph.kind) for paragraph in extraction.paragraphs]
    assert paragraphs == [
        *[(text, "body") for text in PROSE[:2]],
        ("You will need:", "body"),
        *[(item, "list") for item in items],
        *[(text, "body") for text in PROSE[2:]],
    ]


def test_list_closing_the_article_is_kept() -> None:
    items = [
        "Hundreds of new routes that will make your commute faster and easier",
        "Buses every ten minutes at peak time",
    ]
    body = body_of(
        dump("Council expands bus network", *PROSE, "What the plan brings:", *items, "Related Articles", "x y")
    )
    assert body == [*PROSE, "What the plan brings:", *items]


def test_prose_in_a_language_outside_the_common_stop_lists() -> None:
    polish = [
        "Rada miasta zagłosowała we wtorek za rozbudową sieci autobusowej na północne przedmieścia, nad którym "
        "dyskutowano od ponad dwóch lat i który budził wiele emocji wśród mieszkańców.",
        "Zwolennicy twierdzą, że nowe linie skrócą czas dojazdu tysiącom pracowników, a krytycy ostrzegają, że koszty "
        "projektu mogą jeszcze wzrosnąć w kolejnych latach.",
        "Burmistrz powiedziała, że pierwsze autobusy pojadą wiosną, a rada ponownie oceni sieć po roku działania i "
        "wtedy zdecyduje o kolejnych liniach.",
    ]
    menu = ["Strona główna", "Wiadomości", "Sport", "Biznes", "Kultura", "Pogoda"]
    extraction = extract_text(dump(*menu, "Rada miasta rozbudowuje sieć autobusową", *polish, "Kontakt", "Reklama"))
    assert extraction.title == "Rada miasta rozbudowuje sieć autobusową"
    assert [paragraph.text for paragraph in extraction.paragraphs] == polish


def test_markdown_headings() -> None:
    extraction = extract_text(dump("# Council expands bus network", *PROSE[:2], "## What happens next?", *PROSE[2:]))
    assert extraction.title == "Council expands bus network"
    assert [(paragraph.text, paragraph.kind) for paragraph in extraction.paragraphs] == [
        *[(text, "body") for text in PROSE[:2]],
        ("What happens next?", "heading"),
        *[(text, "body") for text in PROSE[2:]],
    ]


def test_reader_comments_after_the_article_are_not_body() -> None:
    comments = [
        "12 Comments",
        "busfan says:",
        "November 19, 2019 at 6:34 am",
        "This is great news for everyone who lives up north and has to drive to work every single day.",
        "roadwarrior says:",
        "November 19, 2019 at 7:02 am",
        "What a waste of money when the roads in the city centre are falling apart and nobody fixes them.",
    ]
    assert body_of(dump("Council expands bus network", *PROSE, *comments)) == PROSE


def test_teaser_list_with_dates_after_the_article_is_not_body() -> None:
    teasers = []
    for number in range(3):
        teasers += [
            f"Another story number {number} about the city",
            "Jane Doe",
            f"Tuesday November {number + 10}, 2019",
            "The council is expected to discuss a new plan for parking in the old town, officials said on "
            "Monday, after months of complaints from shop owners about the lack of spaces.",
        ]
    assert body_of(dump("Council expands bus network", *PROSE, "More from City Times", *teasers)) == PROSE


def test_teasers_with_headline_glued_to_summary_are_related() -> None:
    teaser = (
        "Police Arrest Two After Downtown Bank RobberyTwo men were arrested on Tuesday after a robbery at a bank in "
        "the downtown area, police said in a statement."
    )
    extraction = extract_text(
        dump(teaser, teaser.replace("Two After", "Three After"), "Council expands bus network", *PROSE)
    )
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert [item.reason for item in extraction.removed if item.text.startswith("Police")] == ["related", "related"]


def test_teasers_with_headline_running_into_a_dateline_are_related() -> None:
    teaser = (
        "UN regrets new US position on settlements UNITED NATIONS: The secretary general regrets the decision by "
        "the United States to reverse its position, a spokesman said on Tuesday."
    )
    quote = (
        "In an interview on Tuesday evening the minister told the BBC: The plan is good and it will work well for "
        "all of the people who live in the northern suburbs of the city."
    )
    extraction = extract_text(dump(teaser, "Council expands bus network", PROSE[0], quote, *PROSE[1:]))
    assert [paragraph.text for paragraph in extraction.paragraphs] == [PROSE[0], quote, *PROSE[1:]]
    assert extraction.removed[0].reason == "related"


def test_block_repeating_the_whole_article_is_a_duplicate() -> None:
    extraction = extract_text(dump("Council expands bus network", *PROSE, " ".join(PROSE)))
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert [item.reason for item in extraction.removed] == ["duplicate"]


def test_identical_repeated_paragraphs_are_kept() -> None:
    question = "What did you think when you first heard about the plan to expand the buses to the northern suburbs?"
    blocks = [PROSE[0], question, PROSE[1], question, PROSE[2]]
    assert body_of(dump("Council expands bus network", *blocks)) == blocks


def test_author_biography_after_the_article_is_not_body() -> None:
    bio = (
        "Jane Doe has covered city hall for the City Times since 2015 and previously reported on transport and "
        "housing for several regional newspapers across the north of the country."
    )
    assert body_of(dump("Council expands bus network", *PROSE, "About Jane Doe", bio)) == PROSE


def test_long_teaser_link_inside_the_article_does_not_cut_it() -> None:
    teaser = (
        "Also on example.com Bus fares rise again across the region as operators blame fuel costs and staff shortages"
    )
    blocks = ["Council expands bus network", PROSE[0], teaser, *PROSE[1:]]
    assert body_of(dump(*blocks)) == PROSE


def test_links_under_a_related_header_inside_the_article_are_related() -> None:
    links = ["Bus fares rise again across the region as operators blame fuel", "New tram line opens"]
    extraction = extract_text(dump("Council expands bus network", *PROSE[:2], "Related articles", *links, *PROSE[2:]))
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert [item.reason for item in extraction.removed if item.text in links] == ["related", "related"]


def test_twin_captions_are_one_media_item() -> None:
    long = "The mayor speaks at the council meeting in the town hall on Tuesday, Nov. 19, 2019. The vote was close."
    short = "The mayor speaks at the council meeting in the town hall on Tuesday, Nov. 19, 2019. (Jane Doe/AP)"
    extraction = extract_text(dump("Council expands bus network", PROSE[0], long, short, *PROSE[1:]))
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert len(extraction.media) == 1
    media = extraction.media[0]
    assert media.caption == long
    assert media.alt_captions == [short.removesuffix(" (Jane Doe/AP)")]
    assert (media.credit, media.photographer, media.agencies) == ("Jane Doe/AP", "Jane Doe", ["AP"])
    assert [item.text for item in extraction.removed if item.reason == "caption"] == [long, short]


def test_caption_with_its_credit_on_the_next_line() -> None:
    extraction = extract_text(
        dump(
            "Council expands bus network to northern suburbs",
            "The mayor at the town hall",
            "Al Goldis, Associated Press",
            *PROSE,
        )
    )
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert [(m.caption, m.credit, m.photographer, m.agencies) for m in extraction.media] == [
        ("The mayor at the town hall", "Al Goldis, Associated Press", "Al Goldis", ["AP"])
    ]


def test_labelled_captions_take_the_credit_above_them() -> None:
    blocks = [
        "Council expands bus network",
        PROSE[0],
        "Image copyright Getty Images",
        "Image caption The mayor at the town hall",
        PROSE[1],
        "Media captionWhat the new routes look like",
        *PROSE[2:],
    ]
    extraction = extract_text(dump(*blocks))
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert [(m.caption, m.credit, m.agencies) for m in extraction.media] == [
        ("The mayor at the town hall", "Getty Images", ["Getty Images"]),
        ("What the new routes look like", None, []),
    ]


def test_standalone_credit_line_is_not_a_headline() -> None:
    extraction = extract_text(dump("Council expands bus network", "Photo by Kirk Irwin/Getty Images", *PROSE))
    assert extraction.title == "Council expands bus network"
    assert ("Photo by Kirk Irwin/Getty Images", "credit") in [(item.text, item.reason) for item in extraction.removed]


def test_repeated_caption_is_one_media_item() -> None:
    caption = "The mayor at the town hall on Tuesday. (Jane Doe/AP)"
    extraction = extract_text(dump("Council expands bus network", PROSE[0], caption, *PROSE[1:3], caption, PROSE[3]))
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE
    assert [media.caption for media in extraction.media] == ["The mayor at the town hall on Tuesday."]
    assert [item.reason for item in extraction.removed] == ["caption", "caption"]


def test_source_line_under_the_last_paragraph_is_no_photo_credit() -> None:
    extraction = extract_text(dump("Council expands bus network", *PROSE, "Reuters"))
    assert extraction.media == []
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE


def test_prose_with_parentheses_is_not_a_caption() -> None:
    paragraphs = [
        "WASHINGTON (AP) — The Senate voted on Tuesday to pass the bill, which now goes to the House (where it is "
        "expected to face a closer vote).",
        "The company (NASDAQ: ACME) said profits rose (by about 4 percent) in the third quarter of the year.",
        "Officials from the United States (and Canada) met in Ottawa to discuss the border (again) this week.",
        "Oil prices fell on Tuesday as traders weighed signs of weaker demand in Asia against supply cuts agreed by "
        "producers last month, and analysts said the market was likely to stay volatile until the end of the year. "
        "(Reuters)",
        *PROSE,
    ]
    extraction = extract_text(dump("Senate passes the bill", *paragraphs))
    assert extraction.media == []
    assert [paragraph.text for paragraph in extraction.paragraphs] == paragraphs


def test_header_gives_authors_dates_and_standfirst() -> None:
    text = dump(
        *MENU,
        "Council expands bus network to northern suburbs",
        "Residents will get new routes from the spring, the council decided after two years of debate",
        "By Jane Doe",
        "Published 11:11 PM EST Nov 19, 2019 | Updated 9:00 AM EST Nov 20, 2019",
        *PROSE,
    )
    extraction = extract_text(text)
    assert extraction.title == "Council expands bus network to northern suburbs"
    assert extraction.subtitle is not None and extraction.subtitle.startswith("Residents will get new routes")
    assert extraction.authors == ["Jane Doe"]
    assert (extraction.published_at, extraction.modified_at) == (
        "2019-11-19T23:11:00-05:00",
        "2019-11-20T09:00:00-05:00",
    )
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE


def test_pasted_text_with_single_newlines_between_paragraphs() -> None:
    extraction = extract_text("Council expands bus network to northern suburbs\n" + "\n".join(PROSE) + "\n")
    assert extraction.title == "Council expands bus network to northern suburbs"
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE


def test_page_dump_with_single_newlines_between_blocks() -> None:
    text = "\n".join(
        [*MENU, "Council expands bus network to northern suburbs", *PROSE, "Related Articles", "Bus fares rise"]
    )
    extraction = extract_text(text)
    assert extraction.title == "Council expands bus network to northern suburbs"
    assert [paragraph.text for paragraph in extraction.paragraphs] == PROSE


def test_hard_wrapped_paragraphs_are_joined() -> None:
    wrapped = "\n\n".join(textwrap.fill(paragraph, 60) for paragraph in PROSE)
    assert body_of("Council expands bus network to northern suburbs\n\n" + wrapped) == PROSE


def test_page_without_prose_keeps_what_is_not_furniture() -> None:
    extraction = extract_text(dump("Home", "Scores", "Palm Bay 70, Rockledge 44", "Heritage 53, Titusville 9"))
    assert [paragraph.text for paragraph in extraction.paragraphs] == [
        "Scores",
        "Palm Bay 70, Rockledge 44",
        "Heritage 53, Titusville 9",
    ]
    assert extraction.warnings == ["no article prose found: kept every block not recognised as page furniture"]


def test_empty_and_furniture_only_dumps() -> None:
    assert extract_text("").paragraphs == []
    assert extract_text("\n\n \n").paragraphs == []


# Per-page floors a little under today's scores: a drop below one means a regression on that kind of page.
F1_FLOORS = {
    "08f793762792": 0.95,  # sports article: long menus, newsletter box, teaser list
    "14cc2a0ca59c": 0.95,  # science news: caption with credit, all-caps author line, footer
    "35b158918c67": 0.95,  # regional news: 200 menu entries, byline, "You may also like" list
    "65ce3a4577a0": 0.95,  # wire story: caption with credit below it, subheading, repeated dateline
}


@pytest.mark.parametrize("page", sorted(F1_FLOORS))
def test_page_dump_f1_floor(page: str) -> None:
    text_path = next(PAGE_DUMPS.glob(f"{page}*.txt"))
    truth = json.loads(text_path.with_suffix(".truth.json").read_text(encoding="utf-8"))["articleBody"]
    parsed = parse(text_path.read_bytes(), declared_format="text", language="en")
    assert shingle_f1(truth, parsed["body"]) >= F1_FLOORS[page]
