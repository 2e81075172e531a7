"""One line saying whether the models are loading, ready or unavailable."""

from __future__ import annotations

from textual.widgets import Static

TEXT = {
    "loading": "Loading the language models… you can look around meanwhile.",
    "ready": "Ready.",
    "failed": "The models could not be loaded: reflection and search are unavailable.",
    "stopped": "The model process stopped: restart the app.",
}


class ModelStatus(Static):
    """Follows ``app.models_state`` (styles in app.tcss)."""

    def on_mount(self) -> None:
        self.watch(self.app, "models_state", self._show, init=True)

    def _show(self, state: str) -> None:
        for name in TEXT:
            self.set_class(name == state, f"-{name}")
        self.update(TEXT.get(state, state))
