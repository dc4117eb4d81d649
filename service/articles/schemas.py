"""Article schemas: the submit request, the article contract, listing and its query."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema
from webargs.fields import DelimitedList

from service.articles.models import ArticleStatus
from service.web.schemas import IsoDate, Schema, Timestamp

SOURCE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$"
# At most 8 characters, the width of the stored hint: language plus a region or script subtag.
LANGUAGE = validate.Regexp(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,4})?$", error="Not an ISO 639-1 code such as 'en' or 'pt-BR'.")


def _http_url(**kwargs: Any) -> fields.Url:
    return fields.Url(schemes={"http", "https"}, require_tld=False, validate=validate.Length(max=4000), **kwargs)


# --- Requests -------------------------------------------------------------------------------------------------


class SubmitOptionsSchema(Schema):
    """What a client may say about a document besides the document itself (also the query of raw-body posts)."""

    url = _http_url(metadata={"description": "Where the article was published."})
    source = fields.String(
        validate=validate.Regexp(SOURCE_PATTERN, error="Letters, digits and . _ : / - only, at most 200."),
        metadata={"description": "Who sent it (a feed, a crawler, a CMS). Exact duplicates are detected per source."},
    )
    published_at = Timestamp(metadata={"description": "Publication time; resolves relative dates in the text."})
    language = fields.String(validate=LANGUAGE, metadata={"description": "ISO 639-1 language, if known."})
    external_id = fields.String(validate=validate.Length(min=1, max=500))
    format = fields.String(
        load_default="auto",
        validate=validate.OneOf(["auto", "text", "html"]),
        metadata={"description": "Force plain-text or HTML parsing; auto sniffs the document."},
    )


class ArticleSubmitSchema(SubmitOptionsSchema):
    """A JSON submission: exactly one of text or html, plus what is known about it."""

    text = fields.String(validate=validate.Length(min=1), metadata={"description": "The article as plain text."})
    html = fields.String(validate=validate.Length(min=1), metadata={"description": "The article page as HTML."})
    metadata = fields.Dict(
        keys=fields.String(), metadata={"description": "Free-form client data, stored and returned as given."}
    )

    @validates_schema
    def exactly_one_document(self, data: dict[str, Any], **kwargs: Any) -> None:
        given = [name for name in ("text", "html") if name in data]
        if not given:
            raise ValidationError("Give the article as 'text' or as 'html'.", field_name="text")
        if len(given) == 2:
            raise ValidationError("Give 'text' or 'html', not both.", field_name="html")
        if not data[given[0]].strip():
            raise ValidationError("The document is blank.", field_name=given[0])


# --- The article contract -------------------------------------------------------------------------------------


class ParagraphSchema(Schema):
    index = fields.Integer(required=True, validate=validate.Range(min=0))
    text = fields.String(required=True, validate=validate.Length(min=1))
    kind = fields.String(required=True, validate=validate.OneOf(["body", "heading", "blockquote", "list"]))


class MediaSchema(Schema):
    caption = fields.String(required=True)
    alt_captions = fields.List(fields.String(), required=True)
    credit = fields.String(allow_none=True)
    photographer = fields.String(allow_none=True)
    agencies = fields.List(fields.String(), required=True)
    url = fields.String(allow_none=True)


class QuotePartSchema(Schema):
    text = fields.String(required=True)
    paragraph = fields.Integer(required=True, validate=validate.Range(min=0))
    start = fields.Integer(required=True, validate=validate.Range(min=0))
    end = fields.Integer(required=True, validate=validate.Range(min=0))


class QuoteSchema(Schema):
    """One quote as newsrooms count it; `text`, `paragraph`, `start`, `end` are those of its first part."""

    text = fields.String(required=True)
    speaker = fields.String(allow_none=True)
    speaker_mention = fields.String(allow_none=True)
    speaker_kind = fields.String(allow_none=True, validate=validate.OneOf(["person", "organisation", "description"]))
    cue = fields.String(allow_none=True)
    paragraph = fields.Integer(required=True, validate=validate.Range(min=0))
    start = fields.Integer(required=True, validate=validate.Range(min=0))
    end = fields.Integer(required=True, validate=validate.Range(min=0))
    # Articles parsed before quotes had parts have none stored; the API then leaves the field out.
    parts = fields.List(fields.Nested(QuotePartSchema))


class EntitySchema(Schema):
    name = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(["person", "organisation", "place", "other"]))
    aliases = fields.List(fields.String(), required=True)
    mentions = fields.Integer(required=True, validate=validate.Range(min=0))


class DateMentionSchema(Schema):
    text = fields.String(required=True)
    date = IsoDate(allow_none=True, metadata={"description": "ISO 8601 date, or null when it cannot be resolved."})
    paragraph = fields.Integer(allow_none=True)
    media = fields.Integer(allow_none=True)


class RemovedSchema(Schema):
    text = fields.String(required=True)
    reason = fields.String(required=True)


class StatsSchema(Schema):
    word_count = fields.Integer(required=True)
    paragraph_count = fields.Integer(required=True)
    reading_time_s = fields.Integer(required=True)


class FingerprintsSchema(Schema):
    class Meta:
        # The near-duplicate index may add keys (LSH bands); clients only rely on the two below.
        unknown = "include"

    content_sha256 = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))
    simhash = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{16}$"))


class NearDuplicateSchema(Schema):
    id = fields.String(required=True)
    similarity = fields.Float(required=True, validate=validate.Range(min=0, max=1))


class ErrorSchema(Schema):
    code = fields.String(required=True, metadata={"description": "Stable machine-readable reason."})
    title = fields.String(required=True)
    detail = fields.String(required=True)
    messages = fields.Raw(metadata={"description": "Validation messages, when the parser's output broke the contract."})


class LinksSchema(Schema):
    self = fields.String(required=True)
    raw = fields.String(required=True)


class ArticleSchema(Schema):
    """The article contract: what clients read, and what the worker must produce before anything is stored."""

    # identity and processing state
    id = fields.String(required=True)
    status = fields.String(required=True, validate=validate.OneOf(ArticleStatus.ALL))
    source = fields.String(required=True)
    url = fields.String(allow_none=True)
    canonical_url = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    received_at = Timestamp(required=True)
    processed_at = Timestamp(allow_none=True)
    parser_version = fields.String(allow_none=True)
    format = fields.String(allow_none=True, validate=validate.OneOf(["text", "html"]))
    metadata = fields.Dict(keys=fields.String())
    links = fields.Nested(LinksSchema)
    # metadata found in the document
    title = fields.String(allow_none=True)
    subtitle = fields.String(allow_none=True)
    authors = fields.List(fields.String())
    site_name = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    lead_image = fields.String(allow_none=True)
    published_at = Timestamp(allow_none=True)
    modified_at = Timestamp(allow_none=True)
    language = fields.String(allow_none=True)
    language_confidence = fields.Float(allow_none=True, validate=validate.Range(min=0, max=1))
    # text
    body = fields.String(allow_none=True)
    paragraphs = fields.List(fields.Nested(ParagraphSchema))
    media = fields.List(fields.Nested(MediaSchema))
    removed = fields.List(fields.Nested(RemovedSchema))
    # enrichment
    quotes = fields.List(fields.Nested(QuoteSchema))
    entities = fields.List(fields.Nested(EntitySchema))
    dates = fields.List(fields.Nested(DateMentionSchema))
    keywords = fields.List(fields.String())
    stats = fields.Nested(StatsSchema, allow_none=True)
    fingerprints = fields.Nested(FingerprintsSchema, allow_none=True)
    duplicate_of = fields.String(allow_none=True)
    near_duplicates = fields.List(fields.Nested(NearDuplicateSchema))
    warnings = fields.List(fields.String())
    error = fields.Nested(ErrorSchema, allow_none=True)


class ProcessedArticleSchema(ArticleSchema):
    """The contract as it must hold once an article is done: every parsed field present."""

    title = fields.String(required=True, allow_none=True)
    body = fields.String(required=True, validate=validate.Length(min=1))
    paragraphs = fields.List(fields.Nested(ParagraphSchema), required=True, validate=validate.Length(min=1))
    media = fields.List(fields.Nested(MediaSchema), required=True)
    removed = fields.List(fields.Nested(RemovedSchema), required=True)
    quotes = fields.List(fields.Nested(QuoteSchema), required=True)
    entities = fields.List(fields.Nested(EntitySchema), required=True)
    dates = fields.List(fields.Nested(DateMentionSchema), required=True)
    stats = fields.Nested(StatsSchema, required=True)
    fingerprints = fields.Nested(FingerprintsSchema, required=True)


class ReceivedArticleSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    duplicate = fields.Boolean(required=True)


class SubmittedSchema(ReceivedArticleSchema):
    """The answer to a submission: where to find the article, and whether it was a duplicate."""

    links = fields.Nested(LinksSchema, required=True)


class ArticleSummarySchema(ArticleSchema):
    """An article in a listing: identity, state and title."""

    class Meta:
        fields = ("id", "status", "source", "url", "title", "received_at", "processed_at", "links")


def _entity_name(kind: str) -> fields.String:
    return fields.String(
        validate=validate.Length(min=1, max=300),
        metadata={"description": f"Only articles naming this {kind} (name or alias, any case)."},
    )


class ArticleListQuerySchema(Schema):
    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=100))
    cursor = fields.String(
        validate=validate.Length(max=200), metadata={"description": "The next_cursor of the previous page."}
    )
    q = fields.String(
        validate=validate.Length(min=1, max=500),
        metadata={"description": 'Full text over title and body: words, "a phrase", -excluded.'},
    )
    status = fields.String(validate=validate.OneOf(ArticleStatus.ALL))
    source = fields.String(validate=validate.Length(min=1, max=200))
    language = fields.String(validate=LANGUAGE, metadata={"description": "ISO 639-1 language of the article."})
    person = _entity_name("person")
    organisation = _entity_name("organisation")
    place = _entity_name("place")
    published_after = Timestamp(metadata={"description": "Published at or after this time (ISO 8601)."})
    published_before = Timestamp(metadata={"description": "Published before this time (ISO 8601)."})


class ArticlePageSchema(Schema):
    items = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    next_cursor = fields.String(allow_none=True, required=True)


# Identity fields always come back, whatever `fields=` selects, so a partial article is still an article.
ALWAYS_SELECTED = ("id", "status", "source", "received_at")
SELECTABLE_FIELDS = tuple(ArticleSchema().fields)


class ArticleReadQuerySchema(Schema):
    selected = DelimitedList(
        fields.String(validate=validate.OneOf(SELECTABLE_FIELDS)),
        data_key="fields",
        validate=validate.Length(min=1),
        metadata={
            "description": "Comma-separated parts of the article to return, e.g. `title,entities`; "
            f"{', '.join(ALWAYS_SELECTED)} always come."
        },
    )


class BatchItemResultSchema(Schema):
    """One item of a batch: its position, its HTTP-like status, and the article or the problem."""

    index = fields.Integer(required=True, metadata={"description": "Position of the item in the request, from 0."})
    status = fields.Integer(required=True, metadata={"description": "202 queued, 200 duplicate, 4xx refused."})
    id = fields.String()
    duplicate = fields.Boolean()
    links = fields.Nested(LinksSchema)
    problem = fields.Dict(metadata={"description": "Problem details (RFC 9457) when this item was refused."})


class BatchSummarySchema(Schema):
    submitted = fields.Integer(required=True)
    duplicates = fields.Integer(required=True)
    failed = fields.Integer(required=True)


class BatchResultSchema(Schema):
    items = fields.List(fields.Nested(BatchItemResultSchema), required=True)
    summary = fields.Nested(BatchSummarySchema, required=True)


class ReprocessSchema(Schema):
    id = fields.String(required=True)
    status = fields.String(required=True)
    queued = fields.Boolean(required=True, metadata={"description": "False when it was already queued or processing."})
    links = fields.Nested(LinksSchema, required=True)
