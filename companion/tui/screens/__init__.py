"""The app's screens, one class per module; :func:`build_screen` makes one by name."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, cast

from textual.dom import DOMNode
from textual.screen import Screen

if TYPE_CHECKING:
    from companion.tui.app import CompanionApp

SCREENS: dict[str, tuple[str, str, str]] = {
    # name: (module, class, what the palette says)
    "home": ("home", "HomeScreen", "Home"),
    "checkin": ("checkin", "CheckinScreen", "Quick check-in"),
    "trends": ("trends", "TrendsScreen", "Trends: check-in scores over time"),
    "journal": ("journal", "JournalScreen", "Journal: past sessions"),
    "agenda": ("agenda", "AgendaScreen", "Mentor agenda: accepted topics"),
    "knowledge": ("knowledge", "KnowledgeScreen", "Knowledge: browse advice cards"),
    "settings": ("settings", "SettingsScreen", "Settings"),
    "plan": ("plan", "PlanScreen", "My plan for hard days (a safety plan)"),
    "grounding": ("grounding", "GroundingScreen", "Grounding: paced breathing or 5-4-3-2-1"),
    "reflection": ("reflection", "ReflectionScreen", "Reflection"),
}


def build_screen(name: str, **kwargs: Any) -> Screen:
    module, cls, _ = SCREENS[name]
    screen_cls = getattr(importlib.import_module(f"companion.tui.screens.{module}"), cls)
    return screen_cls(**kwargs)


def companion_app(node: DOMNode) -> CompanionApp:
    """The running app, typed: screens reach the core as ``companion_app(self).api``."""
    return cast("CompanionApp", node.app)
