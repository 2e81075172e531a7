"""Typed values to and from JSON, and calling one API method from a wire request.

Every operation is a method of :class:`~companion.service.api.CompanionAPI`
with type hints on its parameters and result; those hints are the schema (and
:class:`~companion.service.local.LocalCompanion` has the same signatures, which a
test checks). A request's params are validated strictly into the hinted types
(pydantic ``TypeAdapter``), the method runs, and its result is dumped to
JSON-ready data; the other side validates that data back into the same types.
The in-process implementation and the model process both go through
:func:`dispatch`, so they cannot drift apart.
"""

from __future__ import annotations

import inspect
import threading
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter, ValidationError

from companion.service.errors import ProtocolError

TokenHandler = Callable[[str], None]
RUNTIME_PARAMS = frozenset({"on_token", "cancel"})
"""Parameters given by the server, never sent on the wire."""


@dataclass(frozen=True)
class MethodSpec:
    """One API operation: its parameter types, its result type, what it takes at run time."""

    name: str
    params: dict[str, Any]
    required: frozenset[str]
    returns: Any
    streams: bool
    """Takes ``on_token``: the pieces it streams travel as ``token`` events."""


@cache
def adapter(hint: Any) -> TypeAdapter[Any]:
    return TypeAdapter(hint)


def to_json(value: Any, hint: Any) -> Any:
    """JSON-ready data for ``value`` of type ``hint``."""
    return adapter(hint).dump_python(value, mode="json")


def from_json(data: Any, hint: Any) -> Any:
    """The typed value ``data`` stands for; raises ``ValidationError``."""
    return adapter(hint).validate_python(data)


def convert(value: Any, hint: Any) -> Any:
    """A core value (e.g. a dataclass with dicts inside) as the typed ``hint``."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    return adapter(hint).validate_python(value, from_attributes=True)


@cache
def methods() -> dict[str, MethodSpec]:
    """The API's operations, read from CompanionAPI's public, typed methods."""
    from companion.service.api import CompanionAPI

    specs = {}
    for name, function in inspect.getmembers(CompanionAPI, inspect.iscoroutinefunction):
        if name.startswith("_") or name == "close":
            continue
        hints = typing.get_type_hints(function)
        signature = inspect.signature(function)
        params = {p: hints[p] for p in signature.parameters if p != "self"
                  and p not in RUNTIME_PARAMS}
        required = frozenset(p for p, info in signature.parameters.items()
                             if p in params and info.default is inspect.Parameter.empty)
        specs[name] = MethodSpec(name, params, required, hints["return"],
                                 streams="on_token" in signature.parameters)
    return specs


_TAKES_CANCEL: dict[tuple[type, str], bool] = {}


def _takes_cancel(cls: type, method: str) -> bool:
    key = (cls, method)
    if key not in _TAKES_CANCEL:
        _TAKES_CANCEL[key] = "cancel" in inspect.signature(getattr(cls, method)).parameters
    return _TAKES_CANCEL[key]


def dispatch(target: Any, method: str, params: object,
             on_token: TokenHandler | None = None,
             cancel: threading.Event | None = None) -> Any:
    """Run one request on ``target`` (a LocalCompanion); return its JSON-ready result.

    ``on_token`` goes to a streaming method, ``cancel`` to one that takes it.

    Raises:
        ProtocolError: unknown method, unknown or missing parameter, wrong type.
        Whatever the method raises (the caller turns it into an error payload).
    """
    spec = methods().get(method)
    if spec is None:
        raise ProtocolError(f"unknown method {method!r}")
    if not isinstance(params, dict):
        raise ProtocolError(f"{method}: params must be an object")
    unknown = sorted(set(params) - set(spec.params))
    missing = sorted(spec.required - set(params))
    if unknown or missing:
        raise ProtocolError(f"{method}: unknown parameter(s) {unknown}, missing {missing}")
    kwargs: dict[str, Any] = {}
    for name, value in params.items():
        try:
            kwargs[name] = adapter(spec.params[name]).validate_python(value, strict=True)
        except ValidationError as exc:
            raise ProtocolError(f"{method}: parameter {name!r}: {exc.errors()[0]['msg']}") \
                from exc
    if spec.streams:
        kwargs["on_token"] = on_token
    if _takes_cancel(type(target), method):
        kwargs["cancel"] = cancel
    return to_json(getattr(target, method)(**kwargs), spec.returns)


def encode_params(method: str, params: dict[str, Any]) -> dict[str, Any]:
    """A call's params as JSON-ready data, by the method's parameter types."""
    spec = methods()[method]
    return {name: to_json(value, spec.params[name]) for name, value in params.items()}


def decode_result(method: str, data: Any) -> Any:
    """A reply's result as the method's typed result."""
    try:
        return from_json(data, methods()[method].returns)
    except ValidationError as exc:
        raise ProtocolError(f"{method}: the reply does not fit its type: {exc}") from exc
