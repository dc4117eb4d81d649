"""The vocabulary of page furniture: the phrases that mark share bars, newsletter boxes, related links, comment
sections, cookie notices and footers, as regular expressions matched case-insensitively.

Two shapes: labels a text dump shows as whole lines ("Share this:", "Related Articles"), and the leads and prompts of
the boxes an HTML body keeps around its article ("Read more:", "Sign up for our newsletter"). `furniture` decides
with them. English phrases are written here as patterns; the same kinds of phrase in other languages are plain
phrases in `lexicon/furniture_phrases.json`, one list per kind, joined into these patterns.
"""

from __future__ import annotations

import re

from workers.pipeline import lexicon


def _whole_line(*phrases: str) -> re.Pattern[str]:
    """A line that is exactly one of the phrases, give or take closing punctuation."""
    return re.compile(r"^(?:" + "|".join(phrases) + r")\s*(?:\.\.\.|[:!.…»>])?$", re.IGNORECASE)


def _anywhere(*phrases: str) -> re.Pattern[str]:
    """A line that contains one of the phrases."""
    return re.compile("|".join(phrases), re.IGNORECASE)


def _listed(kind: str) -> str:
    """The lexicon's phrases of one kind as a regex alternation (any run of spaces between their words)."""
    return lexicon.alternation(lexicon.furniture_phrases(kind)).replace(r"\ ", r"\s+")


def _opening(kind: str) -> re.Pattern[str]:
    """A line that opens with one of the lexicon's phrases of that kind, as whole words."""
    return re.compile(rf"^\W*(?:{_listed(kind)})(?!\w)", re.IGNORECASE)


# Site widgets, placeholders and controls: never article text, whatever the page.
WIDGET = _whole_line(
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
    _listed("loading"),
)
SHARE_LABEL = _whole_line(
    r"share(?: (?:this|on|via|the|article|story|post|page)\b.*)?",
    r"tweet|tweet this|email|e-mail|print|pin|pin it|mail|send|save|saved|bookmark",
    r"facebook|twitter|x|pinterest|linkedin|whatsapp|reddit|tumblr|flipboard|telegram|messenger|sms|instagram",
    r"youtube|tiktok|snapchat|rss",
    r"copy|copy link|copied|link copied|share article|share story|more sharing options|sharing options",
    r"(?:share )?permalink|short ?link",
    r"shares|\d+ shares|like|likes|follow|follow us|follow us on \w+|gift article",
    r"listen to (?:this )?article|text size|font size|a a|aa|a\+|a-|reprints?|permissions",
    r"click to (?:share|email|print)\b.*",
    r"follow \w+(?: \w+)? on",
    r"follow .{1,40} on (?:twitter|facebook|instagram|linkedin|x|youtube|tiktok)",
    _listed("share"),
)
WIDGET_PHRASE = _anywhere(
    r"\bopens? in (?:a )?new (?:window|tab)\b",
    r"\bexternal links?\b",
    r"\bsharing options\b",
    r"^follow (?:the )?topics\b",
    r"^welcome to\b",
    r"\bshare (?:it|this (?:story|article|post|page)) with\b",
    r"\blike this (?:story|article|post)\b",
    r"^(?:close|open|hide|show|toggle) (?:the )?(?:share|sharing|menu|panel|navigation|search|comments)\b",
    r"^(?:get|copy) (?:the |a |this )?(?:short )?(?:url|link)\b",
    r"\b(?:playback|video|audio) (?:is )?(?:unsupported|not supported|unavailable)\b",
    r"\byour (?:browser|device) (?:does not|doesn't|is not|isn't) support\b",
    r"\bclick (?:here|for|to)\b",
    r"\bthis (?:shop|post|article) (?:has been|was|is) (?:compensated|sponsored)\b",
)
# A bare handle, address or link: what a share bar or an author box shows, never a sentence.
HANDLE = re.compile(r"^@\w{2,}$|^https?://\S+$|^www\.\S+$|^\S+@\S+\.\w+$")
# "Home » News » World", "BLOG > Weight Loss > Tips": labels chained by arrows.
BREADCRUMB = re.compile(r"^(?:[^\s»›>]+(?: [^\s»›>]+){0,4}\s*[»›>]\s*)+(?:[^\s»›>]+(?: [^\s»›>]+){0,4})?$")
COMMENT_PROMPT = _anywhere(
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
    _listed("comment_prompts"),
)
# Parts of a reader-comment thread: headers, author lines, reply and vote controls.
COMMENT_THREAD = _whole_line(
    r".{1,40}\s(?:says|said|wrote|commented|replied)\s*:",
    r"\[?\s*\d+\s+(?:responses?|replies|thoughts|comments?)\b.{0,100}",
    r"\[?\s*(?:top rated|reader|readers'?|user|latest|view all|read all|show all) comments\s*\]?",
    r"leave a (?:reply|comment)|reply|replies|cancel reply|post comment|in reply to.{0,60}",
    r"report|report abuse|flag|upvote|downvote|\d+ (?:likes?|votes?)|rating: .{0,20}votes?",
    r"newest|oldest|sort by.{0,20}",
    r"comments?(?: \(\d+\))?|discussion|conversation",
    rf"(?:{_listed('comments')})(?: \(?\d+\)?)?",
)
# The header of an author's or a company's short biography, which closes an article or a press release.
BIO_HEADER = re.compile(
    r"^(?i:about (?:the )?(?:authors?|writers?|reporters?|contributors?)|about|sobre|über|à propos de|a proposito di)"
    r"(?: (?:[A-ZÀ-Ý][\w'’.&-]*|de|da|van|von))*:?$"
)
# The header of a comment section: after it, nothing is article text.
COMMENT_SECTION_START = _whole_line(
    r"\[?\s*\d+\s+(?:responses?|replies|thoughts|comments?)\b.{0,100}",
    r"(?:top rated|reader|readers'?|user|latest) comments",
    r"leave a (?:reply|comment)",
    r"comments?\s*(?:\(\d+\))?",
    r"discussion",
    r"join the (?:discussion|conversation)",
    r".{1,40}\s(?:says|wrote|commented):",
)
RELATED_HEADER = _whole_line(
    r"related(?: (?:articles?|stories|posts?|content|news|coverage|topics|links|reading|videos?))?",
    r"related:?.*",
    r"read more|read next|read also|also read|see also|keep reading|continue reading|further reading",
    r"more (?:from|on|in|about|stories|news|articles|videos|like this|to read|top stories)\b.*",
    r"(?:more|top|latest|related|recommended|popular|trending|other) (?:\S+ ){0,3}"
    r"(?:stories|news|articles|videos|reads)",
    r"recommended(?: for you| stories| articles| reading)?",
    r"you (?:may|might) (?:also )?(?:like|enjoy|be interested in)",
    r"most (?:popular|read|viewed|shared|emailed|commented)(?: \w+)?",
    r"trending(?: now| stories| news)?|popular(?: now| stories| posts)?",
    r"latest(?: news| stories| posts| articles| videos| headlines)?|top stories|more stories",
    r"editor'?s? picks?|don'?t miss|what to read next|in case you missed it",
    r"up next|next up|watch next|around the web|from the web",
    r"promoted(?: stories| content)?|sponsored(?: stories| content| links)?|partner content|paid content",
    r"(?:next|previous) (?:article|post|story)",
    r"tags?|topics?|categories",
    r"filed (?:under|to|in)\b.*",
    rf"(?:{_listed('related')})\b.*",
)
RELATED_LEAD = re.compile(
    r"^(?:read (?:more|also|next)|related|see also|also (?:read|see)|more|watch|listen|recommended|click here"
    r"|get the latest|download the|follow (?:us|\w+ on)|like us on|you may also like|previously)"
    r"\s*(?::|>|»|→|-|–)\s*\S",
    re.IGNORECASE,
)
# "Also on example.com <teaser headline>"
ALSO_ON_SITE = re.compile(r"^also on [\w.-]+\.[a-z]{2,}\b", re.IGNORECASE)
NEWSLETTER = _anywhere(
    r"\bnewsletters?\b",
    r"\b(?:news|breaking news|daily|email) ?(?:e-?mails?|alerts?)\b",
    r"\bsign(?:ing)? up (?:for|to) (?:our|the|free|a free)\b",
    r"\bsubscribe (?:to|for) (?:our|the)\b",
    r"^(?:subscribe|sign up|register)\b.{0,120}$",
    r"\bin your inbox\b",
    r"\benter your e-?mail\b",
    r"\byour e-?mail address\b",
    r"\bopt[- ]in\b",
    r"\bunsubscribe\b",
)
# Words that mark a newsletter box in a short line, but also turn up in reporting.
NEWSLETTER_WORD = _anywhere(r"\bsign(?:ing)? up\b", r"\bsubscri(?:be|ption|ber)s?\b", r"\binbox\b")
COOKIE = _anywhere(
    r"\bcookies?\b.*\b(?:use|accept|consent|policy|settings|preferences|browsing|experience)\b",
    r"\b(?:accept|consent|manage)\b.*\bcookies?\b",
    r"\bgdpr\b",
    r"\bdo not sell my\b",
    r"\bad ?blocker\b",
    r"\bdisable your ad\b",
)
COPYRIGHT = _anywhere(r"©", r"\bcopyright\b", r"\ball rights reserved\b", r"\(c\) \d{4}\b")
SITE_COPYRIGHT = _anywhere(r"(?:©|\bcopyright\b|\(c\))\s*(?:\d{4}|\w+ \d{4})", r"\ball rights reserved\b")
IMAGE_CREDIT = _whole_line(
    r"(?:image|photo|picture|video|media) (?:copyright|source|credit|caption)\b.{0,80}",
    r"©(?!\s*\d{4}).{0,60}",
)
FOOTER = _anywhere(
    r"\bterms (?:of|and|&) (?:use|service|conditions)\b",
    r"\bprivacy (?:policy|notice|statement|settings)\b",
    r"\bpowered by\b",
    r"\bmay not be (?:published|reproduced|redistributed)\b",
    r"\bwithout (?:the )?(?:prior )?(?:written )?permission\b",
    r"\bad ?choices\b",
    r"\badvertise with us\b",
    r"\bwork with us\b",
    r"\bback to top\b",
)
# Footer link labels that are also ordinary words in a story ("privacy", "careers").
FOOTER_WORD = _anywhere(
    r"\bcontact(?: us)?\b", r"\babout us\b", r"\bsite ?map\b", r"\bprivacy\b", r"\baccessibility\b", r"\bcareers\b"
)


# Boxes around and inside an article body: announced links to other stories, sharing and follow prompts,
# subscription pitches, moderation notices, tag lists and separators, in the languages the pipeline meets most.
BOX_LEAD = re.compile(
    r"^\W*((related|more|trending|recommended|popular)\s*(?=[:|>»]|$)|"
    r"related (stories|articles?|content|coverage|posts?|news|reading|links?)|related\b[\w ]{0,25}:|"
    r"read more|see more|read also|also read|"
    r"also on [\w.]+|also see|see also|don'?t miss|most (read|popular)|up next|watch next|"
    r"more [\w' ]{0,30}(stories|news|articles|videos)(?=\W*$|\s+(from|on|in)\b)|more from [\w .]+:|"
    rf"you (may|might) (also )?like|{_listed('related')})(?!\w)\W*",
    re.IGNORECASE,
)
SHARE_PROMPT = _anywhere(
    r"^\W*share (this|on|via)\b",
    r"\bshare (it|this) with (a friend|friends|your friends)\b",
    r"^\W*(tweet|email|print|whatsapp|facebook|twitter|linkedin|pinterest|reddit)( this)?\W*$",
    r"\bclick to share\b",
    r"^\W*share\W*$",
    rf"^\W*(?:{_listed('share')})\W*$",
)
NEWSLETTER_BOX = _anywhere(
    r"\b(sign up|subscribe|get|receive|join)\b.{0,60}\bnewsletters?\b",
    r"\bnewsletters?\b.{0,60}\b(sign up|subscribe|inbox)\b",
    r"^\W*(\w+\s+){0,3}newsletters?\W*$",
    r"sign up (for|to) (our|the)\b",
    r"subscribe (to our|now|today)",
    r"delivered (to|through) your (inbox|letterbox)",
    r"get our (daily|weekly)",
    r"inscreva-se",
    r"iscriviti",
)
FOLLOW_PROMPT = _anywhere(
    r"^\W*(follow|like|join) (us|him|her|them|[\w@.' ]{1,40}) on (twitter|facebook|instagram|youtube|linkedin|"
    r"tiktok|telegram)",
    r"^\W*(listen|download|itunes|spotify|apple podcasts|stitcher)\s*:\s*https?://",
    r"^\W*follow\b.{0,80}\bhttps?://",
    r"^\W*more [\w' ]{1,30}:\s*https?://",
    rf"^\W*(?:{_listed('follow')})(?!\w)",
)
TAGS = re.compile(
    r"^\W*((tags|topics|categories|category|keywords|etiquetas|schlagworte)\s*([:|]|$)|(tagged|filed under)\b)",
    re.IGNORECASE,
)
SUBSCRIPTION_PITCH = _anywhere(
    r"^\W*if you (enjoyed|liked|value|appreciate)d? (this|our|reading)\b",
    r"^\W*(support|become a member|subscribe to) (our|us|independent) (journalism|reporting)",
)
MODERATION_NOTICE = _anywhere(
    r"\bcomments? (are|is|will be) (moderated|closed|reviewed)\b",
    r"\b(we|our|please)\b.{0,60}\bcomments?\b.{0,60}\b(moderat\w*|guidelines|policy|spam|civil)\b",
)
COPYRIGHT_LEAD = re.compile(r"^\W*(©|\(c\)|copyright\b|all rights reserved)", re.IGNORECASE)
COMMENTS_LABEL = re.compile(
    r"^\W*(\d+\s+)?(comments?|leave a (comment|reply)|tell us what you think|post a comment|add a comment|"
    rf"join the (discussion|conversation)|show comments|view comments|{_listed('comments')})\W*(\d+\W*)?$",
    re.IGNORECASE,
)
COMMENT_LOGIN = _anywhere(_listed("comment_prompts"))
# "Anzeige -", "*Werbung.", "Publicidad |": an advertising label opening a line, then the ad or a disclosure.
AD_LABEL = re.compile(
    rf"^\W*(?:advertisement|sponsored(?: content)?|{_listed('advertising')})(?:\W*$|\s*[-–—:,.|*]+)",
    re.IGNORECASE,
)
SUPPORT_PITCH = _opening("support")
READING_TIME = re.compile(
    rf"^\W*(?:{_listed('reading_time')})(?!\w)|^\W*\d+\s*(?:min(?:ute)?s?|minuten)\.?\s+(?:read|lesen)\b",
    re.IGNORECASE,
)
# Separator rules ("___") and CMS shortcodes left unrendered ("[button ...]...[/button]").
RULE = re.compile(r"^[\W_]+$")
SHORTCODE = re.compile(r"^\[\w+[^\]]*\].*\[/\w+\]$")
