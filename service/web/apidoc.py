"""What a view decorator adds to the OpenAPI document: its responses, parameters, security and a note."""

from __future__ import annotations

from collections.abc import Callable
from copy import deepcopy
from typing import Any


def document(
    wrapper: Callable[..., Any],
    *,
    responses: dict[int, str],
    parameters: tuple[dict[str, Any], ...] = (),
    security: list[dict[str, list[str]]] | None = None,
    note: str = "",
) -> None:
    """Add to the documentation of `wrapper`, the function a decorator wraps a view in.

    flask-smorest reads `_apidoc` when the route is registered; it is copied so the wrapped function keeps its own.
    `responses` maps a status to the name of one of flask-smorest's default error responses.
    """
    apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
    manual = apidoc.setdefault("manual_doc", {})
    if security is not None:
        manual["security"] = security
    if note:
        manual["description"] = (manual.get("description", "") + f"\n\n{note}").strip()
    if parameters:
        manual.setdefault("parameters", []).extend(parameters)
    documented = apidoc.setdefault("response", {}).setdefault("responses", {})
    for status, name in responses.items():
        documented.setdefault(status, []).append(name)
    wrapper._apidoc = apidoc  # type: ignore[attr-defined]
