"""Before a message is saved: show detected patient identifiers and let the resident decide.

One key each: r redacts (identifiers become tags such as [PATIENT]), k keeps the
text as typed, e goes back to edit it. Nothing is saved until a choice is made.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from companion.privacy import Span
from companion.privacy.disclosure import SUGGESTIONS
from companion.sharing import IdentifierFinding
from companion.tui.screens.choice import ChoiceButtons


def highlighted(text: str, spans: Sequence[Span]) -> Text:
    """The message with each identifier shown reversed and labelled with its tag."""
    out = Text()
    cursor = 0
    for span in sorted(spans, key=lambda s: s.start):
        start, end = span.start, span.end
        if start < cursor:
            continue
        out.append(text[cursor:start])
        out.append(text[start:end], style="bold reverse red")
        out.append(f" {span.tag or span.kind.upper()}", style="italic red")
        cursor = end
    out.append(text[cursor:])
    return out


class PrivacyDialog(ChoiceButtons, ModalScreen[str]):
    """Dismisses with ``"redact"``, ``"keep"`` or ``"edit"``."""

    BINDINGS = [
        Binding("r", "choose('redact')", "Redact"),
        Binding("k", "choose('keep')", "Keep as typed"),
        Binding("e,escape", "choose('edit')", "Edit"),
    ]

    def __init__(self, text: str, spans: Sequence[Span], purpose: str = "saved"):
        super().__init__(classes="dialog")
        self.text = text
        self.spans = spans
        self.purpose = purpose

    def compose(self) -> ComposeResult:
        kinds = sorted({s.kind for s in self.spans})
        with Vertical(classes="dialog-box", id="privacy-box"):
            yield Static("Possible patient identifiers", classes="section-title")
            yield Static(f"Before this is {self.purpose}, check what looks like "
                         f"patient details ({', '.join(kinds)}):")
            yield Static(highlighted(self.text, self.spans), id="privacy-text")
            with Horizontal(classes="buttons"):
                yield Button("Redact (r)", id="redact", variant="primary")
                yield Button("Keep (k)", id="keep")
                yield Button("Edit (e)", id="edit")

    def on_mount(self) -> None:
        self.query_one("#redact", Button).focus()


class FindingsDialog(ChoiceButtons, ModalScreen[str]):
    """Identifiers, admissions and case facts found in an export: redact (r) the identifiers,
    keep (k) as written, or cancel (escape) to reword."""

    BINDINGS = [
        Binding("r", "choose('redact')", "Redact"),
        Binding("k", "choose('keep')", "Keep"),
        Binding("escape,c", "choose('cancel')", "Cancel"),
    ]

    def __init__(self, findings: Sequence[IdentifierFinding]):
        super().__init__(classes="dialog")
        self.findings = findings

    def compose(self) -> ComposeResult:
        lines = Text()
        for finding in self.findings[:12]:
            lines.append(f"• {finding.field}: ")
            lines.append(finding.text, style="bold reverse red")
            lines.append(f" ({finding.kind})\n", style="italic red")
        wording = [f for f in self.findings if f.kind in SUGGESTIONS]
        with Vertical(classes="dialog-box"):
            yield Static("Before this leaves the machine", classes="section-title")
            yield Static(lines, id="findings")
            if wording:
                hints = " ".join(SUGGESTIONS[k] for k in sorted({f.kind for f in wording}))
                yield Static(Text(hints, style="italic"), id="wording-hint")
            with Horizontal(classes="buttons"):
                yield Button("Redact (r)", id="redact", variant="primary")
                yield Button("Keep (k)", id="keep")
                yield Button("Cancel (esc)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#redact", Button).focus()
