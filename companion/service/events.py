"""What the core tells the app without being asked, typed: models ready or failed, exit.

The model process sends these as JSON events (:mod:`companion.service.protocol`);
:func:`event_from_wire` gives the app the typed one, and the in-process
implementation builds the same from its own warm-up, so the app handles one set
of types whichever implementation it holds. ``hello`` is checked by the client
(protocol version) and ``token`` goes to the call that streams, so neither reaches
the app as an event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from companion.service import protocol
from companion.service.errors import ServiceError, from_wire


@dataclass(frozen=True)
class ModelsReady:
    """The models are loaded: seconds per step, and what does not work (by part)."""

    seconds: dict[str, float] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)
    """e.g. ``{"knowledge": "card x.md: field 'title' ..."}``; the rest works."""


@dataclass(frozen=True)
class ModelsFailed:
    """Nothing works: the models could not load (the error says why)."""

    error: ServiceError


@dataclass(frozen=True)
class CoreStopped:
    """The model process ended; ``expected`` when the app closed it."""

    expected: bool
    code: int | None = None


CoreEvent = ModelsReady | ModelsFailed | CoreStopped
"""Every event the app receives from :meth:`CompanionAPI.connect`."""


def event_from_wire(data: dict[str, Any]) -> CoreEvent | None:
    """The typed event a protocol event stands for; None for the protocol's own
    (``hello``, ``token``) and for kinds this version does not know."""
    kind = data.get("event")
    if kind == protocol.READY:
        seconds = data.get("seconds") or {}
        problems = data.get("problems") or {}
        return ModelsReady({str(k): float(v) for k, v in seconds.items()},
                           {str(k): str(v) for k, v in problems.items()})
    if kind == protocol.LOAD_FAILED:
        return ModelsFailed(from_wire(data.get("error")))
    if kind == protocol.EXIT:
        code = data.get("code")
        return CoreStopped(bool(data.get("expected")), code if isinstance(code, int) else None)
    return None
