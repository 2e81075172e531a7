"""Command palette entries for every screen and app-wide action."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from companion.tui.app import CompanionApp


class CompanionCommands(Provider):
    """Screens, flows and actions, searchable from ctrl+p."""

    def _commands(self) -> list[tuple[str, Callable[[], object], str]]:
        from companion.tui.screens import SCREENS

        app = cast("CompanionApp", self.app)
        entries: list[tuple[str, Callable[[], object], str]] = []
        for name, (_, _, label) in SCREENS.items():
            if name not in {"reflection", "home"}:
                entries.append((label, partial(app.open_screen, name), f"Open {label.lower()}"))
        entries.append(("Home", app.action_home, "Back to the home screen"))
        for flow in app.flows:
            entries.append((f"Start reflection: {flow.title}",
                            partial(app.open_screen, "reflection", flow=flow),
                            flow.description))
        entries += [
            ("Crisis and support resources", app.action_resources,
             "988, Physician Support Line, Crisis Text Line, 911 (f2 from any screen)"),
            ("Help: keys", app.action_help, "Show every key binding"),
            ("Toggle light/dark theme", app.action_toggle_theme, "Switch the colour theme"),
            ("Lock now", app.action_lock, "Hide the journal until the passphrase is typed"),
            ("Quit", app.action_quit, "Leave Resident Companion"),
        ]
        return entries

    async def discover(self) -> Hits:
        for label, callback, help_text in self._commands():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback, help_text in self._commands():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)
