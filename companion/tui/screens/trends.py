"""Trends: check-in scores over time, as a plot with dates and as a table."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from companion.journal import Checkin
from companion.service.errors import ServiceError
from companion.tui.screens import companion_app

EMPTY = "No check-ins yet. Press c for a quick check-in; your trend appears here."


def _fmt(value: object) -> str:
    return "–" if value is None else str(value)


class TrendsScreen(Screen):
    """Well-being (0-100, higher is better) and the burnout item (1-5) by date."""

    BINDINGS = [
        Binding("c", "checkin", "Check-in"),
        Binding("escape", "app.pop_screen", "Back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(classes="main"):
            yield Static("Loading your check-ins…", id="trend-summary")
            yield Vertical(id="trend-plot-holder")
            table: DataTable = DataTable(id="trend-table", cursor_type="row", zebra_stripes=True)
            table.add_columns("Date", "Burnout (1-5)", "Well-being (0-100)")
            yield table
        yield Footer()

    def on_mount(self) -> None:
        self.title = "Trends"
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def action_checkin(self) -> None:
        companion_app(self).open_screen("checkin")

    @work(exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        app = companion_app(self)
        try:
            checkins = await app.api.checkins()
        except ServiceError as exc:
            app.report(exc, "loading your check-ins")
            return
        checkins = sorted(checkins, key=lambda c: (c.date, c.id))
        table = self.query_one("#trend-table", DataTable)
        table.clear()
        for item in checkins:
            table.add_row(item.date, _fmt(item.scores.get("burnout")),
                          _fmt(item.scores.get("wellbeing")))
        summary = self.query_one("#trend-summary", Static)
        if not checkins:
            summary.update(EMPTY)
            return
        last = checkins[-1].scores
        summary.update(f"{len(checkins)} check-in(s). Latest ({checkins[-1].date}): "
                       f"burnout {_fmt(last.get('burnout'))}/5, "
                       f"well-being {_fmt(last.get('wellbeing'))}/100.")
        await self._plot(checkins)

    async def _plot(self, checkins: list[Checkin]) -> None:
        from textual_plotext import PlotextPlot

        holder = self.query_one("#trend-plot-holder")
        await holder.remove_children()
        plot = PlotextPlot(id="trend-plot")
        await holder.mount(plot)
        plt = plot.plt
        dates = [c.date for c in checkins]
        xs = list(range(1, len(checkins) + 1))
        for key, label, side in (("wellbeing", "well-being (0-100)", "left"),
                                 ("burnout", "burnout (1-5)", "right")):
            points = [(x, c.scores.get(key)) for x, c in zip(xs, checkins, strict=True)]
            points = [(x, v) for x, v in points if v is not None]
            if points:
                plt.plot([x for x, _ in points], [v for _, v in points], label=label,
                         yside=side, marker="braille")
        step = max(1, len(xs) // 6)  # at most ~6 date labels fit at 80 columns
        plt.xticks([float(x) for x in xs[::step]], dates[::step])
        plt.xlim(0.5, len(xs) + 0.5)
        plt.ylim(0, 100, yside="left")  # type: ignore[arg-type]  # plotext's stub is wrong
        plt.ylim(1, 5, yside="right")  # type: ignore[arg-type]
        plt.title("Check-ins over time")
        plot.refresh()
