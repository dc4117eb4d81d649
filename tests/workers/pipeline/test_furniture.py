"""Page furniture: why one line is not article text."""

from __future__ import annotations

import pytest

from tests.workers.pipeline.samples import PROSE
from workers.pipeline.furniture import classify_block, classify_line


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("Share this:", "share"),
        ("Facebook", "share"),
        ("Click to share on Twitter (Opens in new window)", "share"),
        ("Sign up for our daily newsletter", "newsletter"),
        ("Thanks for signing up!", "newsletter"),
        ("We use cookies to improve your experience on our site.", "cookie"),
        ("© 2019 Example Media. All rights reserved.", "footer"),
        ("Terms of Service Privacy Notice", "footer"),
        ("Related Articles", "related"),
        ("You may also like...", "related"),
        ("Read more: Bus fares rise again", "related"),
        ("Advertisement", "boilerplate"),
        ("wire photo", "boilerplate"),
        ("Please let us know if you're having issues with commenting.", "boilerplate"),
        ("34 Comments", "comment"),
        ("thelastchargersfan says:", "comment"),
        ("Rating: 36 Votes", "comment"),
        ("Published 11:11 PM EST Nov 19, 2019", "dateline"),
        ("Nov 18, 2019 at 9:24 pm ET • 2 min read", "dateline"),
        ("By Troy L. Smith, Cleveland.com", "byline"),
        ("Chris Davies - Nov 19, 2019, 10:31 pm CST", "dateline"),
        ("Greg Beacham, AP Sports Writer", "byline"),
        ("Home » News » World", "navigation"),
        ("Image copyright Getty Images", "credit"),
        ("Media playback is unsupported on your device", "boilerplate"),
        ("Follow Jane Doe on Twitter", "share"),
        ("The meeting is on November 20, 2019.", None),
        ("Privacy, like sustainability, is not a bolt-on thing, Cook said.", None),
        ("The company continued to sign up additional subscribers on Tuesday, Mayer said.", None),
        ("Privacy Policy", "footer"),
        ("More Great WIRED Stories", "related"),
        ("Also on example.com Bus fares rise again across the region", "related"),
        ("Subscribe to City Times and stay informed about your city.", "newsletter"),
        ("Like this story? Share it with a friend!", "boilerplate"),
        ("Also on Monday, the council voted.", None),
        ("— Jane Doe (@janedoe) November 1, 2019", None),
        ("If x > 5 then the result is large and positive", None),
        (PROSE[0], None),
        ("What happens next", None),
        ("The share price fell after the company said it would cut its dividend.", None),
    ],
)
def test_classify_line(line: str, reason: str | None) -> None:
    assert classify_line(line) == reason


@pytest.mark.parametrize(
    ("block", "reason"),
    [
        ("Auch interessant", "related"),
        ("LE PUEDE INTERESAR: La ficha del exfiscal en el tribunal", "related"),
        ("Notas relacionadas", "related"),
        ("Dowiedz się więcej", "related"),
        ("Anzeige, enthält Affiliate Links", "advertising"),
        ("*Werbung. Dieser Beitrag enthält Werbung für eine Marke.", "advertising"),
        ("Síguenos en Telegram, Instagram, Facebook y Twitter", "social"),
        ("HAZTE MIEMBRO Y DISFRUTA DE BENEFICIOS EXCLUSIVOS", "subscription"),
        ("Um den Tipp kommentieren zu können, müssen Sie eingeloggt sein.", "comment"),
        ("Kommentare (12)", "comment"),
        ("Teilen mit:", "share"),
        ("Wird geladen", "boilerplate"),
        ("Lesezeit: 4 Minuten", "boilerplate"),
        ("Weitere Informationen:", "boilerplate"),
        ("Weitere Informationen zum Hochwasser im Tal:", "boilerplate"),
        ("Gefällt mir Wird geladen …", "boilerplate"),
        ("3:59 PM", "dateline"),
        ("May 2, 2024", "dateline"),
        ("Bild anzeigen Bild schließen", "boilerplate"),
        ("Puede escribirnos o suscribirse aquí a nuestra newsletter.", "newsletter"),
        ("Letzte Änderung 14.02.2019", "boilerplate"),
        ("Kontakt", "boilerplate"),
        # Prose that opens with the same words is text.
        ("Anzeige gegen den Bürgermeister wurde am Montag bei der Staatsanwaltschaft erstattet.", None),
        ("Unterstützung kam von den Nachbargemeinden, die Feuerwehr war mit drei Wagen vor Ort.", None),
        ("Stand der Technik ist das seit 2019 nicht mehr.", None),
        ("Kontakt zu den Behörden gab es bis Montag nicht.", None),
    ],
)
def test_furniture_of_other_languages_in_an_html_body(block: str, reason: str | None) -> None:
    assert classify_block(block, 0.0, "body") == reason


def test_furniture_of_other_languages_as_text_dump_lines() -> None:
    assert classify_line("Auch interessant") == "related"
    assert classify_line("Publicidad") == "advertising"
    assert classify_line("Compartir") == "share"
    assert classify_line("Kommentare") == "comment"
