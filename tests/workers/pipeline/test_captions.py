"""Photo captions and credits: credit splitting, photographers, agencies, twin captions, media completion."""

from __future__ import annotations

import pytest

from workers.pipeline.captions import (
    agencies_in,
    are_twin_captions,
    complete_media,
    looks_like_credit,
    photographer_in,
    split_credit,
)
from workers.pipeline.document import Media


@pytest.mark.parametrize(
    ("caption", "expected_caption", "expected_credit"),
    [
        ("Crowds gather in Kyiv. (John Smith/AP)", "Crowds gather in Kyiv.", "John Smith/AP"),
        ("Biden speaks. (AP Photo/Evan Vucci)", "Biden speaks.", "AP Photo/Evan Vucci"),
        ("A man walks. Photo: Jane Doe/Reuters", "A man walks.", "Photo: Jane Doe/Reuters"),
        ("Smoke rises. REUTERS/Kevin Lamarque", "Smoke rises.", "REUTERS/Kevin Lamarque"),
        ("Fans cheer. Getty Images", "Fans cheer.", "Getty Images"),
        ("A rally in Paris. (EPA-EFE/IAN LANGSDON)", "A rally in Paris.", "EPA-EFE/IAN LANGSDON"),
        ("A space walk. (NASA via AP, File)", "A space walk.", "NASA via AP, File"),
        (
            "The house in Braunau, Austria.Leonhard Foeger / Reuters file",
            "The house in Braunau, Austria.",
            "Leonhard Foeger / Reuters file",
        ),
        (
            "Leaders toast. (Photo by Alexei Druzhinin / Sputnik / AFP) (Photo credit should read A. DRUZHININ/AFP)",
            "Leaders toast.",
            "Photo by Alexei Druzhinin / Sputnik / AFP; Photo credit should read A. DRUZHININ/AFP",
        ),
    ],
)
def test_split_credit(caption: str, expected_caption: str, expected_credit: str) -> None:
    assert split_credit(caption) == (expected_caption, expected_credit)


@pytest.mark.parametrize(
    "prose",
    [
        "He said the plan (which was new) would work (eventually).",
        "The company (NASDAQ: AAPL) rose 3 percent on Monday.",
        "He met officials from the US (and Canada).",
        "WASHINGTON (AP) — The Senate voted on Tuesday to pass the bill.",
        "The agency (Reuters) said the deal was done.",
        "He posted a video of the crash (via Twitter)",
        "Shares moved between the two exchanges (Paris/London)",
        "Putin (L) and Xi (R) met at the summit in Asia (CICA)",
    ],
)
def test_no_credit_in_ordinary_prose(prose: str) -> None:
    assert split_credit(prose) == (prose, None)


@pytest.mark.parametrize(
    ("credit", "photographer"),
    [
        ("SERGEY BOBOK/AFP via Getty Images", "Sergey Bobok"),
        ("Marienko Andrew/AP", "Marienko Andrew"),
        ("Photo by Alexei Druzhinin / Sputnik / AFP", "Alexei Druzhinin"),
        ("AP Photo/Evan Vucci", "Evan Vucci"),
        ("EPA-EFE/JEAN-PIERRE MULLER", "Jean-Pierre Muller"),
        ("Al Goldis, Associated Press", "Al Goldis"),
        ("Getty Images", None),
        ("Jaafar ASHTIYEH / AFP", "Jaafar Ashtiyeh"),
        ("Ringo H.W. Chiu, AP", "Ringo H.W. Chiu"),
        ("RenderBurger for Quanta Magazine", None),
        ("Kevin Mazur/Getty Images for Ithaca Holdings", "Kevin Mazur"),
        ("NASA/JPL-Caltech", None),
    ],
)
def test_photographer_in(credit: str, photographer: str | None) -> None:
    assert photographer_in(credit) == photographer


@pytest.mark.parametrize(
    ("credit", "agencies"),
    [
        (
            "ALEXEI DRUZHININ/AFP/Getty Images; Photo by Alexei Druzhinin / Sputnik / AFP",
            ["AFP", "Getty Images", "Sputnik"],
        ),
        ("SERGEY BOBOK/AFP via Getty Images", ["AFP", "Getty Images"]),
        ("Marienko Andrew/AP", ["AP"]),
        ("Al Goldis, Associated Press", ["AP"]),
        ("EPA-EFE/IAN LANGSDON", ["EFE", "EPA"]),
        ("Kay Nietfeld/dpa", ["dpa"]),
        ("Yui Mok/PA Wire", ["PA"]),
        ("ITAR-TASS", ["TASS"]),
        ("Xinhua/Shutterstock", ["Shutterstock", "Xinhua"]),
        ("Jane Doe for The Guardian", []),
        ("Image: getty", ["Getty Images"]),
    ],
)
def test_agencies_in(credit: str, agencies: list[str]) -> None:
    assert agencies_in(credit) == agencies


def test_lowercase_pa_or_ap_in_words_is_no_agency() -> None:
    assert agencies_in("a map of the papal apartments") == []


@pytest.mark.parametrize(
    ("text", "is_credit"),
    [
        ("Al Goldis, Associated Press", True),
        ("Tom Davies Associated Press", True),
        ("NASA's Goddard Space Flight Center/David Ladd", True),
        ("Getty Images for Tribeca Festival", True),
        ("NASA Just Confirmed There Are Water Plumes Above The Surface of Jupiter's Moon Europa", False),
        ("Reuters reported the deal on Monday", False),
        ("and/or", False),
    ],
)
def test_looks_like_credit(text: str, is_credit: bool) -> None:
    assert looks_like_credit(text) is is_credit


def test_twin_when_short_caption_is_a_prefix() -> None:
    long = "An armored carrier burns in Kharkiv, Ukraine, Sunday, Feb. 27, 2022. The city authorities said more."
    assert are_twin_captions(long, "An armored carrier burns in Kharkiv, Ukraine, Sunday, Feb. 27, 2022.")


def test_twin_when_captions_share_start_and_most_words() -> None:
    long = "Putin (L) and Xi (R) toast before the fifth meeting of ministers in Dushanbe on June 15, 2019."
    assert are_twin_captions(long, "Putin (L) and Xi (R) toast in Dushanbe on June 15, 2019.")


def test_different_captions_are_not_twins() -> None:
    assert not are_twin_captions("Firefighters battle a blaze in Kharkiv.", "Residents queue for bread in Kyiv.")
    assert not are_twin_captions("Putin speaks.", "Putin speaks.")  # too short to tell


def test_complete_media_splits_credit_from_caption() -> None:
    media = complete_media(Media(caption="The scene of a fire. (SERGEY BOBOK/AFP via Getty Images)", url="x.jpg"))
    assert media == Media(
        caption="The scene of a fire.",
        credit="SERGEY BOBOK/AFP via Getty Images",
        photographer="Sergey Bobok",
        agencies=["AFP", "Getty Images"],
        url="x.jpg",
    )


def test_complete_media_reads_a_given_credit_and_keeps_the_caption() -> None:
    media = complete_media(Media(caption="A man walks (left).", credit="Photo: Jane Doe/Reuters"))
    assert (media.caption, media.photographer, media.agencies) == ("A man walks (left).", "Jane Doe", ["Reuters"])


def test_complete_media_reads_an_ellipsis_credit_label() -> None:
    media = complete_media(Media(caption="Trump at the club last week.Credit...Anna Moneymaker/The New York Times"))
    assert (media.caption, media.credit, media.photographer, media.agencies) == (
        "Trump at the club last week.",
        "Credit...Anna Moneymaker/The New York Times",
        "Anna Moneymaker",
        [],
    )


def test_complete_media_drops_the_given_credit_repeated_in_the_caption() -> None:
    media = complete_media(Media(caption="Fans cheer in Kyiv. (Jane Doe/AP)", credit="Photo: Jane Doe/AP"))
    assert (media.caption, media.credit, media.photographer) == (
        "Fans cheer in Kyiv.",
        "Photo: Jane Doe/AP",
        "Jane Doe",
    )
    other = complete_media(Media(caption="Fans cheer in Kyiv. (Jane Doe/AP)", credit="John Roe/Reuters"))
    assert other.caption == "Fans cheer in Kyiv. (Jane Doe/AP)"


def test_complete_media_keeps_what_is_known() -> None:
    media = complete_media(Media(caption="A.", credit="Jane Doe/Reuters", photographer="J. Doe", agencies=["X"]))
    assert (media.photographer, media.agencies) == ("J. Doe", ["X"])


def test_complete_media_without_credit_changes_nothing() -> None:
    assert complete_media(Media(caption="Sunset over the bay.")) == Media(caption="Sunset over the bay.")


def test_complete_media_is_idempotent() -> None:
    once = complete_media(Media(caption="Fans. (Kay Nietfeld/dpa)"))
    assert complete_media(once) == once
