"""Bytes to clean unicode: decoding, mojibake repair, NFC, whitespace."""

from __future__ import annotations

import functools
import re
import unicodedata

import ftfy
import ftfy.badness
import ftfy.chardata

_CHARSET_IN_CONTENT_TYPE = re.compile(r"charset\s*=\s*\"?([\w.:-]+)", re.IGNORECASE)
_CHARSET_IN_META = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_HORIZONTAL_SPACE = re.compile(r"[^\S\n]+")
_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")


def decode(raw: bytes, content_type: str | None = None) -> str:
    """Decode bytes by BOM, declared charset, then UTF-8, falling back to cp1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw[3:].decode("utf-8", errors="replace")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16", errors="replace")
    declared = []
    if content_type and (header_match := _CHARSET_IN_CONTENT_TYPE.search(content_type)):
        declared.append(header_match.group(1))
    if meta_match := _CHARSET_IN_META.search(raw[:4096]):
        declared.append(meta_match.group(1).decode("ascii", errors="ignore"))
    # UTF-8 first: pages often declare latin-1 while serving UTF-8, and a clean UTF-8 decode is never an accident.
    for encoding in ["utf-8", *declared]:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1252", errors="replace")


REPAIR = ftfy.TextFixerConfig(
    explain=False,
    uncurl_quotes=False,
    fix_line_breaks=True,
    normalization="NFC",
    fix_latin_ligatures=False,
    fix_character_width=False,
)
# ftfy turns each \r\n into \n; doing that for the whole text first spares ftfy every line of a CRLF page. A \r\r\n
# is left to ftfy, which reads it as two line breaks.
_CRLF = re.compile(r"(?<!\r)\r\n")
# When a branch of ftfy's mojibake expression can be recognised by any of several classes of characters, the class
# with the fewest of these ordinary typographic characters is the one looked for.
_TYPOGRAPHY = frozenset("‘’“”‚„–—…«»·•\u00a0\u00ad")


def repair(text: str) -> str:
    """ftfy.fix_text(text, REPAIR) up to NFC, without handing ftfy the lines it would leave as they are.

    ftfy normalises each line it is handed to NFC; the lines it is not handed are left for the NFC over the whole
    text that clean_text applies anyway.

    ftfy repairs a text one line at a time (fix_text's own loop, reproduced here with its one piece of state: HTML
    entities are left alone from the first line with markup on). Most lines of a page, markup or prose, hold none of
    the characters ftfy acts on, and ftfy's mojibake search over them was a fifth of parse()'s time.
    """
    config = REPAIR
    text = _CRLF.sub("\n", text)
    fixed: list[str] = []
    position = 0
    while position < len(text):
        line_end = text.find("\n", position) + 1 or len(text)
        line_end = min(line_end, position + config.max_decode_length)
        line = text[position:line_end]
        if config.unescape_html == "auto" and "<" in line:
            config = config._replace(unescape_html=False)
        if _ftfy_acts_on(entities=config.unescape_html == "auto").search(line):
            fixed.append(ftfy.fix_and_explain(line, config).text)
        else:
            fixed.append(line)
        position = line_end
    return "".join(fixed)


@functools.cache
def _ftfy_acts_on(*, entities: bool) -> re.Pattern[str]:
    """A character class that every line ftfy would change (with REPAIR, NFC aside) has a character of.

    Each fixer REPAIR turns on acts on known characters: `&` for HTML entities (only while `entities`), ESC, the C1
    controls, line breaks other than \n, lone surrogates and the control characters ftfy removes. Mojibake is
    repaired only where ftfy's badness expression matches, and a match of one of its branches holds a character of
    each class that branch requires; so one class per branch is enough, the one with the least ordinary typography,
    and curly quotes or dashes alone do not send a line to ftfy.
    """
    acted_on = {"\x1b", "\r", "\x0b", "\x0c", "\x85", "\u2028", "\u2029"}
    acted_on |= {chr(code) for code in ftfy.chardata.CONTROL_CHARS}
    acted_on |= {chr(code) for code in range(0x80, 0xA0)} | {chr(code) for code in range(0xD800, 0xE000)}
    if entities:
        acted_on.add("&")
    mojibake_signs = _one_class_per_branch(ftfy.badness.BADNESS_RE)
    if mojibake_signs is None:  # an expression this reading does not cover (a later ftfy): every non-ASCII line goes
        return re.compile("[" + "".join(map(re.escape, sorted(acted_on))) + "\u0080-\U0010ffff]")
    return re.compile("[" + "".join(map(re.escape, sorted(acted_on | mojibake_signs))) + "]")


def _one_class_per_branch(expression: re.Pattern[str]) -> set[str] | None:
    """For each branch of `expression`, the members of one class of non-ASCII characters it requires.

    None when some branch requires no such class: a match of it need not hold any particular character, so no set of
    characters rules it out.
    """
    from re import _constants as codes  # type: ignore[attr-defined]
    from re import _parser as parser  # type: ignore[attr-defined]

    if expression.flags & re.IGNORECASE:  # its literals would stand for their other cases too
        return None
    tree = parser.parse(expression.pattern, expression.flags)
    branches = tree[0][1][1] if len(tree) == 1 and tree[0][0] is codes.BRANCH else [tree]
    signs: set[str] = set()
    for branch in branches:
        classes: list[set[str]] = []
        for operation, argument in branch:
            members: set[str] = set()
            if operation is codes.LITERAL:
                members.add(chr(argument))
            elif operation is codes.IN and all(item in (codes.LITERAL, codes.RANGE) for item, _ in argument):
                for item, value in argument:
                    low, high = (value, value) if item is codes.LITERAL else value
                    members |= {chr(code) for code in range(low, high + 1)}
            if members and all(ord(member) > 0x7F for member in members):
                classes.append(members)
        if not classes:
            return None
        signs |= min(classes, key=lambda members: (len(members & _TYPOGRAPHY), len(members)))
    return signs


def clean_text(text: str) -> str:
    """Repair mojibake, normalise to NFC, unify line ends and drop invisible characters."""
    text = repair(text)
    text = _ZERO_WIDTH.sub("", text)
    return unicodedata.normalize("NFC", text)


def clean_line(line: str) -> str:
    """Collapse runs of horizontal whitespace (including NBSP) and trim."""
    return _HORIZONTAL_SPACE.sub(" ", line.replace("\u00a0", " ")).strip()
