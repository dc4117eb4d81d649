"""A schema's dump compiled into plain Python, for documents read far more often than they are written.

marshmallow dumps a document through several method calls per value (get_value, serialize, _serialize): 1.2 ms of
CPU for the seed article here, against 0.17 ms compiled. The documents the API serves were validated against the
same schema before they were stored, so nearly every value already has the type its field dumps to. A compiled dump
walks the schema's fields as marshmallow does, keeps only the keys the schema declares, passes a value through when
its field would return it unchanged and hands any other value to the field itself: the same output as `schema.dump`
for any mapping, at a fraction of the cost for the usual one. A schema it cannot follow exactly is dumped by
marshmallow.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import orjson
from flask import current_app
from marshmallow import Schema, fields, missing
from marshmallow.decorators import POST_DUMP, PRE_DUMP

from service.web.schemas import Timestamp

Dump = Callable[[Mapping[str, Any]], Any]
Convert = Callable[[Any], Any]


def compile_dump(schema: Schema) -> Dump:
    """A function giving what `schema.dump(document)` gives for a mapping `document`."""
    if not _followable(schema):
        return schema.dump
    plan = [
        (field.attribute or name, name if field.data_key is None else field.data_key, _converter(field))
        for name, field in schema.dump_fields.items()
    ]

    def dump(document: Mapping[str, Any]) -> dict[str, Any]:
        dumped = {}
        for attribute, key, convert in plan:
            value = document.get(attribute, missing)
            if value is not missing:  # a key the document lacks is left out, as marshmallow leaves it out
                dumped[key] = convert(value)
        return dumped

    return dump


def _followable(schema: Schema) -> bool:
    """Whether a plain key look-up per field does what marshmallow does for this schema.

    Not with dump hooks, `many`, defaults filled in for missing keys, fields that read no key
    (Method, Function), dotted attributes (marshmallow walks them), or names a dict also has as an attribute
    (marshmallow falls back to `getattr` for a missing key, which would find the dict's method).
    """
    if schema.many or schema._hooks[PRE_DUMP] or schema._hooks[POST_DUMP]:
        return False
    for name, field in schema.dump_fields.items():
        attribute = field.attribute or name
        if field.dump_default is not missing or not field._CHECK_ATTRIBUTE:
            return False
        if "." in attribute or hasattr(dict, attribute):
            return False
    return True


def _converter(field: fields.Field[Any]) -> Convert:
    """What `field._serialize` does to a value that is present."""
    serialize = field._serialize
    if isinstance(field, fields.Nested):
        nested = compile_dump(field.schema)  # marshmallow's own dump when the nested schema cannot be followed
        # JSON read from the database is dicts; anything else (None included) goes through the field.
        return lambda value: nested(value) if type(value) is dict else serialize(value, None, None)
    if isinstance(field, fields.List):
        inner = _converter(field.inner)
        return lambda value: None if value is None else [inner(item) for item in value]
    unchanged = _unchanged_types(field)
    if unchanged is ANY_TYPE:
        return _same
    return lambda value: value if type(value) in unchanged else serialize(value, None, None)


# Raw and the base Field return every value as it is.
ANY_TYPE: tuple[type, ...] = (object,)


def _unchanged_types(field: fields.Field[Any]) -> tuple[type, ...]:
    """The exact types of values this field dumps as they are (str for a String, int for an Integer, ...)."""
    method = type(field)._serialize
    if method is fields.Field._serialize:
        return ANY_TYPE
    if method is fields.String._serialize or method is Timestamp._serialize:
        return (str,)
    if (
        isinstance(field, fields.Number)
        and method is fields.Number._serialize
        and type(field)._format_num is fields.Number._format_num
        and not field.as_string
        and field.num_type in (int, float)
    ):
        return (field.num_type,)
    return ()


def _same(value: Any) -> Any:
    return value


def json_body(document: Any) -> bytes:
    """A dumped document as a response body, as Flask's jsonify writes it (keys sorted, a final newline) but with
    non-ASCII characters as UTF-8 rather than escaped: the same JSON, several times faster."""
    try:
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)
    except orjson.JSONEncodeError:
        # orjson stops at 64-bit integers; JSON does not, and a client's metadata may hold a larger one.
        return current_app.json.dumps(document, separators=(",", ":")).encode() + b"\n"
