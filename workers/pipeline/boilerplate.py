"""Phrase lists and line classifiers for page furniture (share, newsletter, cookie, related, footer ...).

Shared by the text extractor and the HTML extractor: each classifier looks at one line or block of visible text
and says why it is not article text, or None. Phrases are regex fragments, matched case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


def _whole_line(*phrases: str) -> re.Pattern[str]:
    """A line that is exactly one of the phrases, give or take closing punctuation."""
    return re.compile(r"^(?:" + "|".join(phrases) + r")\s*(?:\.\.\.|[:!.…»>])?$", re.IGNORECASE)


def _anywhere(*phrases: str) -> re.Pattern[str]:
    """A line that contains one of the phrases."""
    return re.compile("|".join(phrases), re.IGNORECASE)


# Site widgets, placeholders and controls: never article text, whatever the page.
_WIDGET = _whole_line(
    r"advertisement",
    r"advertising",
    r"ads?",
    r"sponsored",
    r"paid post",
    r"promoted",
    r"supported by",
    r"presented by",
    r"(?:story|article) continues below(?: advertisement)?",
    r"continue reading below",
    r"scroll to continue(?: with content)?",
    r"skip (?:ad|advert)",
    r"loading(?:\.\.\.)?",
    r"please wait",
    r"javascript is (?:disabled|required).*",
    r"please enable javascript.*",
    r"skip to (?:main )?(?:content|navigation|footer)",
    r"close|menu|search|open|toggle|toggle navigation|main menu|go|submit|back|home",
    r"log ?in|sign ?in|log ?out|register|my account|account|subscribe|donate",
    r"play|pause|mute|unmute|replay|fullscreen|expand|collapse",
    r"show more|show less|load more|view all|see all|more|next|previous|prev|top|back to top",
    r"video|photo|photos|image|images|gallery|enlarge|audio|watch video|watch|listen|download|zoom",
    r"(?:hide|toggle|view) caption|caption",
    r"(?:wire|file|stock|staff|handout|pool|feature|cover|lead|main|top|header) (?:photo|image|picture|pic)s?",
    r"(?:photo|image)s? (?:gallery|credit)",
    r"\d+ of \d+|\d+ / \d+|\d+ photos?",
    r"view (?:gallery|slideshow|photos?)|open gallery|launch (?:gallery|slideshow)|slideshow",
    r"click to (?:enlarge|expand|zoom)",
    r"print this page",
    r"\(?function\b.*|undefined|null",
)
_HANDLE = re.compile(r"^@\w{2,}$|^https?://\S+$|^www\.\S+$|^\S+@\S+\.\w+$")
_SHARE_LABEL = _whole_line(
    r"share(?: (?:this|on|via|the|article|story|post|page)\b.*)?",
    r"tweet|tweet this|email|e-mail|print|pin|pin it|mail|send|save|saved|bookmark",
    r"facebook|twitter|x|pinterest|linkedin|whatsapp|reddit|tumblr|flipboard|telegram|messenger|sms|instagram",
    r"youtube|tiktok|snapchat|rss",
    r"copy|copy link|copied|link copied|share article|share story|more sharing options|sharing options",
    r"shares|\d+ shares|like|likes|follow|follow us|follow us on \w+|gift article",
    r"listen to (?:this )?article|text size|font size|a a|aa|a\+|a-|reprints?|permissions",
    r"click to (?:share|email|print)\b.*",
)
_COMMENT_PROMPT = _anywhere(
    r"\bcommenting\b",
    r"\bcomments? (?:are|is) (?:closed|disabled|moderated)\b",
    r"\b(?:leave|post|add|write|view|show|load|see|read|hide) (?:a |all |the |\d+ )?comments?\b",
    r"\bjoin the (?:discussion|conversation)\b",
    r"\bcomment policy\b",
    r"\bcommunity (?:guidelines|standards)\b",
    r"\blog ?in to (?:comment|reply|post)\b",
    r"\bbe the first to comment\b",
    r"\bcomments? section\b",
    r"\bhaving issues\b",
    r"\bdisqus\b",
)
# Parts of a reader-comment thread: headers, author lines, reply and vote controls.
_COMMENT_THREAD = _whole_line(
    r".{1,40}\s(?:says|said|wrote|commented|replied)\s*:",
    r"\[?\s*\d+\s+(?:responses?|replies|thoughts|comments?)\b.{0,100}",
    r"\[?\s*(?:top rated|reader|readers'?|user|latest|view all|read all|show all) comments\s*\]?",
    r"leave a (?:reply|comment)|reply|replies|cancel reply|post comment|in reply to.{0,60}",
    r"report|report abuse|flag|upvote|downvote|\d+ (?:likes?|votes?)|rating: .{0,20}votes?",
    r"newest|oldest|sort by.{0,20}",
    r"comments?(?: \(\d+\))?|discussion|conversation",
)
# The header of a comment section: after it, nothing is article text.
_COMMENT_SECTION_START = _whole_line(
    r"\[?\s*\d+\s+(?:responses?|replies|thoughts|comments?)\b.{0,100}",
    r"(?:top rated|reader|readers'?|user|latest) comments",
    r"leave a (?:reply|comment)",
    r"comments?\s*(?:\(\d+\))?",
    r"discussion",
    r"join the (?:discussion|conversation)",
    r".{1,40}\s(?:says|wrote|commented):",
)
_RELATED_HEADER = _whole_line(
    r"related(?: (?:articles?|stories|posts?|content|news|coverage|topics|links|reading|videos?))?",
    r"related:?.*",
    r"read more|read next|read also|also read|see also|keep reading|continue reading|further reading",
    r"more (?:from|on|in|about|stories|news|articles|videos|like this|to read|top stories)\b.*",
    r"recommended(?: for you| stories| articles| reading)?",
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)",
    r"most (?:popular|read|viewed|shared|emailed|commented)(?: \w+)?",
    r"trending(?: now| stories| news)?|popular(?: now| stories| posts)?",
    r"latest(?: news| stories| posts| articles| videos| headlines)?|top stories|more stories",
    r"editor'?s? picks?|don'?t miss|what to read next|in case you missed it",
    r"up next|next up|watch next|around the web|from the web",
    r"promoted(?: stories| content)?|sponsored(?: stories| content| links)?|partner content|paid content",
    r"(?:next|previous) (?:article|post|story)",
    r"tags?|topics?|filed under|categories",
)
_RELATED_LEAD = re.compile(
    r"^(?:read (?:more|also|next)|related|see also|also (?:read|see)|more|watch|listen|recommended|click here"
    r"|get the latest|download the|follow (?:us|\w+ on)|like us on|you may also like|previously)"
    r"\s*(?::|>|»|→|-|–)\s*\S",
    re.IGNORECASE,
)
_NEWSLETTER = _anywhere(
    r"\bnewsletters?\b",
    r"\bsign(?:ing)? up\b",
    r"\bsubscribe\b",
    r"\bsubscription\b",
    r"\bsubscriber\b",
    r"\binbox\b",
    r"\benter your e-?mail\b",
    r"\byour e-?mail address\b",
    r"\bopt[- ]in\b",
    r"\bunsubscribe\b",
)
_COOKIE = _anywhere(
    r"\bcookies?\b.*\b(?:use|accept|consent|policy|settings|preferences|browsing|experience)\b",
    r"\b(?:accept|consent|manage)\b.*\bcookies?\b",
    r"\bgdpr\b",
    r"\bdo not sell my\b",
    r"\bad ?blocker\b",
    r"\bdisable your ad\b",
)
_COPYRIGHT = _anywhere(r"©", r"\bcopyright\b", r"\ball rights reserved\b", r"\(c\) \d{4}\b")
_SITE_COPYRIGHT = _anywhere(r"(?:©|\bcopyright\b|\(c\))\s*(?:\d{4}|\w+ \d{4})", r"\ball rights reserved\b")
_IMAGE_CREDIT = _whole_line(
    r"(?:image|photo|picture|video|media) (?:copyright|source|credit|caption)\b.{0,80}",
    r"©(?!\s*\d{4}).{0,60}",
)
_FOOTER = _anywhere(
    r"\bterms (?:of|and|&) (?:use|service|conditions)\b",
    r"\bcontact us\b",
    r"\babout us\b",
    r"\bsite ?map\b",
    r"\bprivacy\b",
    r"\bpowered by\b",
    r"\bmay not be (?:published|reproduced|redistributed)\b",
    r"\bwithout (?:the )?(?:prior )?(?:written )?permission\b",
    r"\baccessibility\b",
    r"\bad ?choices\b",
    r"\bcareers\b",
    r"\badvertise with us\b",
    r"\bwork with us\b",
    r"\bback to top\b",
)
_NAME = r"(?:[A-ZÀ-Ý][\w'’.-]+\s*){1,4}"
_BYLINE = re.compile(
    rf"^(?i:by|par|von|por|di|door|av)\s+{_NAME}(?:(?:,|and|&|und|y|e|et)\s+{_NAME})*(?:[,|–—-]\s*.{{0,60}})?$"
    r"|^(?i:written|posted|reported|reviewed|edited|published) (?i:by)\b.{0,80}$"
    r"|^(?i:author|words|text|story|reporter|editor)\s*:\s*.{2,60}$",
)
_MONTH_DATE = (
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?[a-z]{3,9}\.?,?\s+\d{4}"
    r"|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})"
)
_CLOCK = r"(?:[,\s|•·–-]*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?"
_DATELINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated|modified|first published|created|date)\s*(?:on|at)?\s*:?\s*)?"
    rf"{_MONTH_DATE}{_CLOCK}(?:[\s|•·–-]+.{{0,40}})?$"
    r"|^(?:published|updated|posted|last updated|modified)\b.{0,60}$"
    r"|^\d+\s*(?:min(?:ute)?s?|hours?|hrs?|days?|weeks?|months?|[smhd])\s+(?:read|ago)\b.{0,30}$"
    r"|^.{0,60}\b\d+\s+min(?:ute)?s?\s+read$",
    re.IGNORECASE,
)


def classify_line(text: str) -> str | None:
    """Why one line or block is page furniture (a removal reason), or None when it may be article text."""
    line = text.strip()
    if not line:
        return "empty"
    words = len(line.split())
    short = words <= 12
    # Word limits first: a long paragraph that merely mentions cookies or a newsletter is article text.
    if short and (_WIDGET.match(line) or _HANDLE.match(line)):
        return "boilerplate"
    if short and _IMAGE_CREDIT.match(line):
        return "credit"
    if short and _SHARE_LABEL.match(line):
        return "share"
    if short and _COMMENT_THREAD.match(line):
        return "comment"
    if words <= 30 and _COMMENT_PROMPT.search(line):
        return "boilerplate"
    if short and _RELATED_HEADER.match(line):
        return "related"
    if words <= 30 and _RELATED_LEAD.match(line):
        return "related"
    if words <= 60 and _COOKIE.search(line):
        return "cookie"
    if words <= 40 and _NEWSLETTER.search(line):
        return "newsletter"
    if (words <= 30 and _FOOTER.search(line)) or (words <= 80 and _COPYRIGHT.search(line)):
        return "footer"
    if words <= 40 and _DATELINE.match(line):
        return "dateline"
    if words <= 14 and _BYLINE.match(line):
        return "byline"
    return None


def ends_article(text: str) -> bool:
    """True for a comment-section header or a copyright notice: after it, nothing is article text."""
    line = text.strip()
    if _COMMENT_SECTION_START.match(line):
        return True
    # A site's notice has a year or "all rights reserved"; "© Jane Doe" or "Image copyright AP" is a photo credit.
    return len(line.split()) <= 80 and bool(_SITE_COPYRIGHT.search(line)) and not _IMAGE_CREDIT.match(line)


def authors_in_byline(text: str) -> list[str]:
    """Author names of a "By A and B" line, in order."""
    match = re.match(r"^(?:by|par|von|por|di|door|av)\s+(.+)$", text.strip(), re.IGNORECASE)
    if not match:
        return []
    authors: list[str] = []
    for name in re.split(r"\s*(?:,|\band\b|&|\bund\b|\by\b|\bet\b)\s*", match.group(1)):
        name = re.split(r"\s*[|–—]\s*|\s+-\s+", name)[0].strip(" .")
        parts = name.split()
        if 2 <= len(parts) <= 4 and all(part[:1].isupper() for part in parts):
            authors.append(name)
    return authors


def looks_like_menu(lines: Iterable[str]) -> bool:
    """True for a run of short title-case labels (a menu, a breadcrumb, a tag list)."""
    labels = [line.strip() for line in lines if line.strip()]
    if len(labels) < 3:
        return False
    short = [label for label in labels if len(label.split()) <= 4 and not label.endswith((".", "!", "?"))]
    return len(short) >= 0.8 * len(labels)
