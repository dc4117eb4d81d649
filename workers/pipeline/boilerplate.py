"""Phrase lists and line classifiers for page furniture (share, newsletter, cookie, related, footer ...).

Shared by the text extractor and the HTML extractor: each classifier looks at one line or block of visible text
and says why it is not article text, or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# A short line that is nothing but one of these is a widget label, whatever the page.
_SHARE_LABELS = re.compile(
    r"^(?:share(?: (?:this|on|via|the|article|story|post|page)\b.*)?|tweet|tweet this|email|e-mail|print|pin"
    r"|pin it|facebook|twitter|x|pinterest|linkedin|whatsapp|reddit|tumblr|flipboard|telegram|messenger|sms"
    r"|copy|copy link|copied|link copied|mail|send|save|saved|bookmark|share article|share story|comment"
    r"|comments|\d+ comments?|shares|\d+ shares|like|likes|follow|follow us|follow us on \w+|gift article"
    r"|listen|listen to (?:this )?article|text size|font size|a a|aa|a\+|a-|reprints?|permissions"
    r"|more sharing options|sharing options|share via)[:!.]?$",
    re.IGNORECASE,
)
_NEWSLETTER = re.compile(
    r"\bnewsletters?\b|\bsign(?:ing)? up\b|\bsubscribe\b|\bsubscription\b|\bsubscriber\b|\binbox\b"
    r"|\benter your e-?mail\b|\byour e-?mail address\b|\bopt[- ]in\b|\bunsubscribe\b",
    re.IGNORECASE,
)
_COOKIE = re.compile(
    r"\bcookies?\b.*\b(?:use|accept|consent|policy|settings|preferences|browsing|experience)\b|\b(?:accept"
    r"|consent|manage)\b.*\bcookies?\b|\bprivacy (?:policy|settings|notice|preferences)\b|\bgdpr\b"
    r"|\bdo not sell my\b|\bad ?blocker\b|\bdisable your ad\b",
    re.IGNORECASE,
)
_COMMENT_PROMPT = re.compile(
    r"\bcommenting\b|\bcomments? (?:are|is) (?:closed|disabled|moderated)\b|\b(?:leave|post|add|write|view|show"
    r"|load|see|read|hide) (?:a |all |the |\d+ )?comments?\b|\bjoin the (?:discussion|conversation)\b"
    r"|\bcomment policy\b|\bcommunity (?:guidelines|standards)\b|\blog ?in to (?:comment|reply|post)\b"
    r"|\bbe the first to comment\b|\bcomments? section\b|^comments?(?: \(\d+\))?$|^\d+ comments?$|^discussion$"
    r"|^conversation$|\bhaving issues\b|\bdisqus\b",
    re.IGNORECASE,
)
_COMMENT_SECTION = re.compile(
    r"^.{1,40}\s(?:says|said|wrote|commented|replied)\s*:$|^\d+\s+(?:responses?|replies|thoughts|comments?)\b.{0,100}$"
    r"|^(?:\[\s*)?(?:leave a (?:reply|comment)|reply|replies|report|report abuse|flag|upvote|downvote"
    r"|\d+ (?:likes?|votes?)|rating: .{0,20}votes?|top rated comments|newest|oldest|sort by.{0,20}|read all comments|view all comments"
    r"|\d+ comments?|comments?(?: \(\d+\))?|cancel reply|post comment|in reply to.{0,60})(?:\s*\])?[:.]?$",
    re.IGNORECASE,
)
_RELATED_HEADER = re.compile(
    r"^(?:related(?: (?:articles?|stories|posts?|content|news|coverage|topics|links|reading|videos?))?"
    r"|read more|read next|read also|also read|see also|more (?:from|on|in|about|stories|news|articles|videos"
    r"|like this|to read|top stories)\b.*|recommended(?: for you| stories| articles| reading)?|you (?:may"
    r"|might) (?:also )?(?:like|enjoy|be interested in)|most (?:popular|read|viewed|shared|emailed"
    r"|commented)(?: \w+)?|trending(?: now| stories| news)?|popular(?: now| stories| posts)?|latest(?: news"
    r"| stories| posts| articles| videos| headlines)?|top stories|editor'?s? picks?|don'?t miss"
    r"|what to read next|in case you missed it|more stories|up next|next up|watch next|further reading"
    r"|around the web|from the web|promoted(?: stories| content)?|sponsored(?: stories| content| links)?"
    r"|partner content|paid content|related:?.*|keep reading|continue reading|next article|previous article"
    r"|next post|previous post|next story|previous story|tags?|topics?|filed under|categories)[:.]?$",
    re.IGNORECASE,
)
_RELATED_LEAD = re.compile(
    r"^(?:read (?:more|also|next)|related|see also|also (?:read|see)|more|watch|listen|recommended|click here"
    r"|get the latest|download the|follow (?:us|\w+ on)|like us on|you may also like|previously)\s*(?::|>|»|→|-"
    r"|–)\s*\S",
    re.IGNORECASE,
)
_FOOTER = re.compile(
    r"©|\bcopyright\b|\ball rights reserved\b|\bterms (?:of|and) (?:use|service|conditions)\b|\bcontact us\b"
    r"|\babout us\b|\bsite ?map\b|\bprivacy\b|\bpowered by\b|\bmay not be (?:published|reproduced"
    r"|redistributed)\b|\bwithout (?:the )?(?:prior )?(?:written )?permission\b|\bterms & conditions\b"
    r"|\baccessibility\b|\bad ?choices\b|\bcareers\b|\badvertise with us\b|\bwork with us\b|\bback to top\b",
    re.IGNORECASE,
)
_ADVERT = re.compile(
    r"^(?:advertisement|advertising|ad|ads|sponsored|story continues below(?: advertisement)?"
    r"|continue reading below|article continues below(?: advertisement)?|scroll to continue(?: with content)?"
    r"|skip (?:ad|advert)|paid post|promoted|supported by|presented by|loading|loading\.\.\.|please wait"
    r"|javascript is (?:disabled|required)|please enable javascript.*|skip to (?:main )?(?:content|navigation"
    r"|footer)|close|menu|search|open|toggle|toggle navigation|main menu|go|submit|back|home|log ?in|sign ?in"
    r"|log ?out|register|my account|account|subscribe|donate|play|pause|mute|unmute|replay|fullscreen|expand"
    r"|collapse|show more|show less|load more|view all|see all|more|next|previous|prev|top|back to top|video"
    r"|photo|photos|image|images|gallery|enlarge|hide caption|toggle caption|view caption|caption|(?:wire|file"
    r"|stock|staff|handout|pool|feature|cover|lead|main|top|header) (?:photo|image|picture|pic)s?|(?:photo"
    r"|image)s? (?:gallery|credit)|\d+ of \d+|\d+ / \d+|\d+ photos?|view (?:gallery|slideshow|photos?)"
    r"|open gallery|launch (?:gallery|slideshow)|slideshow|click to (?:enlarge|expand|zoom)|zoom|audio"
    r"|watch video|watch|listen|download|print this page|\(?function\b.*|undefined|null)[:.!]?$",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"^(?:by|par|von|por|di|door|av)\s+(?:[A-ZÀ-Ý][\w'’.-]+\s*){1,4}(?:(?:,|and|&|und|y|e"
    r"|et)\s+(?:[A-ZÀ-Ý][\w'’.-]+\s*){1,4})*(?:[,|–—-]\s*.{0,60})?$|^(?:written|posted|reported|reviewed|edited"
    r"|published) by\b.{0,80}$|^(?:author|words|text|story|reporter|editor)\s*:\s*.{2,60}$"
)
_DATELINE = re.compile(
    r"^(?:(?:published|updated|posted|last updated|modified|first published|created|date)\s*(?:on"
    r"|at)?\s*:?\s*)?(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?(?:\d{1,2}(?:st|nd|rd"
    r"|th)?\s+(?:of\s+)?[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}"
    r"|\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4})(?:[,\s"
    r"|•·–-]*(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?(?:\s*[A-Z]{2,4})?)?(?:[\s|•·–-]+.{0,40})?$"
    r"|^(?:published|updated|posted|last updated|modified)\b.{0,60}$|^\d+\s+(?:min(?:ute)?s?|hours?|days?"
    r"|weeks?|months?)\s+(?:read|ago)\b.{0,30}$|.{0,60}\b\d+\s+min(?:ute)?s?\s+read$",
    re.IGNORECASE,
)
_HANDLE = re.compile(r"^@\w{2,}$|^https?://\S+$|^www\.\S+$|^\S+@\S+\.\w+$")


def classify_line(text: str) -> str | None:
    """Why one short line or block is page furniture (a removal reason), or None when it may be article text."""
    line = text.strip()
    if not line:
        return "empty"
    words = line.split()
    short = len(words) <= 12
    if _ADVERT.match(line) or (_HANDLE.match(line)):
        return "boilerplate"
    if short and _SHARE_LABELS.match(line):
        return "share"
    if short and _COMMENT_SECTION.match(line):
        return "comment"
    if _COMMENT_PROMPT.search(line) and len(words) <= 30:
        return "boilerplate"
    if short and _RELATED_HEADER.match(line):
        return "related"
    if _RELATED_LEAD.match(line) and len(words) <= 30:
        return "related"
    if _COOKIE.search(line) and len(words) <= 60:
        return "cookie"
    if _NEWSLETTER.search(line) and len(words) <= 40:
        return "newsletter"
    if _FOOTER.search(line) and len(words) <= 30:
        return "footer"
    if _DATELINE.match(line):
        return "dateline"
    if _BYLINE.match(line) and len(words) <= 14:
        return "byline"
    return None


_COMMENT_SECTION_START = re.compile(
    r"^\[?\s*\d+\s+(?:responses?|replies|thoughts|comments?)\b.{0,100}$|^(?:top rated|reader|readers'?|user|latest)"
    r" comments$|^leave a (?:reply|comment)$|^comments?\s*(?:\(\d+\))?$|^discussion$"
    r"|^join the (?:discussion|conversation)$|^.{1,40}\s(?:says|wrote|commented):$",
    re.IGNORECASE,
)


def starts_comment_section(text: str) -> bool:
    """True for the header of a reader-comment section (after it, nothing is article text)."""
    return bool(_COMMENT_SECTION_START.match(text.strip()))


def authors_in_byline(text: str) -> list[str]:
    """Author names of a "By A and B" line, in order."""
    match = re.match(r"^(?:by|par|von|por|di|door|av)\s+(.+)$", text.strip(), re.IGNORECASE)
    if not match:
        return []
    names = re.split(r"\s*(?:,|\band\b|&|\bund\b|\by\b|\bet\b)\s*", match.group(1))
    authors: list[str] = []
    for name in names:
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
