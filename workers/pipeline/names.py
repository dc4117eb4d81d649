"""Personal names as news writes them: titles before them, surnames a reader searches by, name order."""

from __future__ import annotations

import re

from workers.pipeline import lexicon


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of a word list."""
    return frozenset(text.split())


# Words of office and address that precede a name in news copy ("U.S. Secretary of State Antony Blinken").
TITLE_WORDS = (
    word_set(
        """
    president vice minister secretary state spokesman spokeswoman spokesperson chancellor prime premier senator sen
    representative rep congressman congresswoman gov governor mayor director chief ceo chairman chairwoman chair
    general gen colonel col lieutenant lt sergeant sgt officer commissioner ambassador envoy judge justice
    professor king queen prince princess pope deputy assistant foreign defense defence interior
    leader sheikh emir sultan father captain capt commander admiral adm coach
    manager founder executive head analyst correspondent reporter editor economist attorney lawyer counsel
    speaker whip councillor councilor superintendent inspector detective constable sheriff
    """
    )
    | lexicon.honorifics()
)
# Words that make a name an organisation's (`Balmond Studio`, `Karazin Kharkiv National University`).
ORGANISATION_WORDS = word_set(
    "inc corp corporation company co ltd llc group bank council commission committee ministry department agency "
    "university party union association federation institute foundation court parliament congress senate army "
    "police office board fund organisation organization news times post press motors airlines studio studios "
    "design labs media records entertainment productions systems technologies partners capital holdings network "
    "institution center centre school hospital church club team league"
)
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_PARTICLES = frozenset({"de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "ibn"})

# Family names that come first in Chinese, Korean and Vietnamese names as English news writes them.
_SURNAME_FIRST_FAMILY_NAMES = word_set(
    """
    wang li zhang liu chen yang huang zhao wu zhou xu sun ma zhu hu guo he lin gao luo zheng liang xie song tang han
    feng deng cao peng zeng xiao tian dong pan yuan cai jiang yu du ye cheng wei su lu ding ren shen yao xi qin fu
    bai zou meng xiong jin hou shi lei long duan hao kong shao mao wan gu lai qiu dai fan fang tan jia xia yan hua
    kim lee park choi jung jeong kang cho yoon yun jang lim moon ahn shin oh seo kwon hwang song ryu hong ko
    nguyen tran le pham hoang phan vu vo dang bui do ho ngo duong ly
    """
)
# One romanised Chinese or Korean syllable; a given name of such syllables marks a family-name-first name.
_SYLLABLE = (
    r"(?:zh|ch|sh|ph|th|tr|ng|nh|kh|gh|hs|ts|hy|ky|gy|[bpmfdtnlgkhjqxrzcsyw])?"
    r"(?:iang|iong|uang|yeon|yeong|yong|eung|ang|eng|ing|ong|ung|ian|iao|uai|uan|yeo|yoo|eon|eok|ae|oe|eo|eu|ai|ei|"
    r"ao|ou|an|en|in|un|ia|ie|iu|ua|uo|ui|ue|er|yu|oo|ee|a|o|e|i|u|v|y)(?:n|ng|k|l|m|p)?"
)
_GIVEN_NAME = re.compile(rf"(?:{_SYLLABLE}){{1,3}}", re.IGNORECASE)


def tokens(name: str) -> list[str]:
    """Words of a name, on spaces."""
    return name.split()


def looks_like_organisation(name: str) -> bool:
    """An acronym (`NATO`, `U.N.`) or a name with an organisation word in it."""
    return name.replace(".", "").isupper() or any(word.casefold() in ORGANISATION_WORDS for word in tokens(name))


def is_title(word: str) -> bool:
    """True for a word of office or address (case and trailing period ignored)."""
    return word.casefold().rstrip(".") in TITLE_WORDS


def strip_titles(name: str) -> str:
    """`U.S. Secretary of State Antony Blinken` -> `Antony Blinken`; a name made only of titles is kept as is."""
    words = tokens(name)
    last_title = max((index for index, word in enumerate(words[:-1]) if is_title(word)), default=-1)
    kept = words[last_title + 1 :]
    # Lowercase words and short all-capital codes (`DL`, `QB`) before a name are roles, not part of it.
    while len(kept) > 1 and (not kept[0][:1].isupper() or (len(kept) > 2 and _is_code(kept[0]))):
        kept = kept[1:]
    return " ".join(kept)


def _is_code(word: str) -> bool:
    letters = word.replace(".", "")
    return letters.isupper() and len(letters) <= 3


def is_family_name_first(name: str) -> bool:
    """True for `Xi Jinping`, `Kim Jong Un`, `Moon Jae-in`: a known family name then romanised syllables."""
    words = tokens(name)
    if not 2 <= len(words) <= 3 or words[0].casefold() not in _SURNAME_FIRST_FAMILY_NAMES:
        return False
    given = [part for word in words[1:] for part in re.split(r"[-’']", word) if part]
    return all(_GIVEN_NAME.fullmatch(part) for part in given)


def family_name(name: str) -> str | None:
    """The family name a reader would search by, or None for a one-word name."""
    words = [word for word in tokens(name) if word.casefold().rstrip(".,") not in _SUFFIXES]
    if len(words) < 2:
        return None
    if is_family_name_first(" ".join(words)):
        return words[0]
    for index, word in enumerate(words[1:-1], start=1):
        if word.casefold() in _PARTICLES:  # `Ursula von der Leyen` -> `von der Leyen`
            return " ".join(words[index:])
    return words[-1]
