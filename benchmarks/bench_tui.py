"""The app's responsiveness: first paint, models ready, key latency while models load.

Each figure is measured in a fresh subprocess (so imports count) and compared with
a baseline measured in the same run:

- first paint and key-press latency against a bare Textual app (a Static and a
  Footer, one binding) driven the same way;
- time until the models are ready against loading the same models in a plain
  Python process with no app (so the ratio is the cost of the model process).

Key latency is the time for a key press to be handled (open or close the help
screen), sampled while the model process is still loading. Run:
`companion bench tui` (or `python benchmarks/bench_tui.py`).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

PRESSES = 20


def _probe_bare() -> dict:
    from textual.app import App
    from textual.binding import Binding
    from textual.screen import ModalScreen
    from textual.widgets import Footer, Static

    class Help(ModalScreen):
        BINDINGS = [Binding("question_mark", "dismiss")]

        def compose(self):
            yield Static("help")

    class Bare(App):
        BINDINGS = [Binding("question_mark", "help")]

        def compose(self):
            yield Static("bare")
            yield Footer()

        def action_help(self):
            self.push_screen(Help())

    return _drive(Bare(), loading=lambda app: True)


def _probe_app() -> dict:
    from companion.tui.app import make_app

    return _drive(make_app(), loading=lambda app: app.models_state == "loading",
                  wait_ready=True)


async def _press(app, pilot) -> float:
    """Seconds from a key event to the screen change it causes (help opens or closes)."""
    import asyncio

    from textual import events

    before = app.screen
    began = time.perf_counter()
    app.post_message(events.Key("question_mark", "?"))
    while app.screen is before:
        await asyncio.sleep(0.001)
    took = time.perf_counter() - began
    await pilot.pause(0.05)
    return took


def _drive(app, loading, wait_ready: bool = False) -> dict:
    import asyncio

    start = float(os.environ["BENCH_T0"])
    out: dict = {}

    async def run() -> None:
        async with app.run_test(size=(100, 32)) as pilot:
            await pilot.pause()
            out["first_paint_s"] = time.time() - start
            latencies = []
            while len(latencies) < PRESSES and loading(app):
                latencies.append(await _press(app, pilot))
            out["key_ms"] = [1000 * x for x in latencies]
            out["presses_while_loading"] = len(latencies)
            if wait_ready:
                while app.models_state == "loading":
                    await pilot.pause(0.05)
                out["models_ready_s"] = time.time() - start
                out["models_state"] = app.models_state
                # the same key once nothing loads: what the action itself costs
                idle = [await _press(app, pilot) for _ in range(PRESSES)]
                out["key_ms_ready"] = [1000 * x for x in idle]

    asyncio.run(run())
    return out


def _probe_plain() -> dict:
    from companion.models import configure_offline

    configure_offline()
    from companion.service.local import LocalCompanion

    loaded = LocalCompanion().warm_up()
    return {"models_ready_s": time.time() - float(os.environ["BENCH_T0"]),
            "problems": loaded["problems"]}


def _spawn(kind: str, env: dict) -> dict:
    env = {**env, "BENCH_T0": repr(time.time())}
    done = subprocess.run([sys.executable, __file__, "--probe", kind], env=env,
                          capture_output=True, text=True, timeout=1800, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _summary(values: list[float]) -> dict:
    if not values:
        return {"median": None, "p95": None, "max": None}
    ordered = sorted(values)
    return {"median": round(statistics.median(ordered), 1),
            "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
            "max": round(ordered[-1], 1)}


def main() -> dict:
    home = tempfile.mkdtemp(prefix="bench-tui-")
    env = {**os.environ, "COMPANION_HOME": home}
    _spawn("plain", env)  # builds the card index once, so both runs below find it
    bare = _spawn("bare", env)
    app = _spawn("app", env)
    plain = _spawn("plain", env)
    bare_keys, app_keys = _summary(bare["key_ms"]), _summary(app["key_ms"])
    result = {
        "first_paint_s": round(app["first_paint_s"], 3),
        "bare_first_paint_s": round(bare["first_paint_s"], 3),
        "first_paint_ratio": round(app["first_paint_s"] / bare["first_paint_s"], 2),
        "models_ready_s": round(app["models_ready_s"], 2),
        "plain_models_ready_s": round(plain["models_ready_s"], 2),
        "models_ready_ratio": round(app["models_ready_s"] / plain["models_ready_s"], 2),
        "key_ms_while_loading": app_keys,
        "key_ms_after_ready": _summary(app["key_ms_ready"]),
        "bare_key_ms": bare_keys,
        "key_p95_ratio": (round(app_keys["p95"] / bare_keys["p95"], 2)
                          if app_keys["p95"] and bare_keys["p95"] else None),
        "presses_while_loading": app["presses_while_loading"],
    }
    print(f"first paint      {result['first_paint_s']:.3f} s  (bare Textual app "
          f"{result['bare_first_paint_s']:.3f} s, ratio {result['first_paint_ratio']})")
    print(f"models ready     {result['models_ready_s']:.2f} s  (plain process "
          f"{result['plain_models_ready_s']:.2f} s, ratio {result['models_ready_ratio']})")
    print(f"key while loading median {app_keys['median']} ms, p95 {app_keys['p95']} ms over "
          f"{result['presses_while_loading']} presses (bare app p95 {bare_keys['p95']} ms, "
          f"ratio {result['key_p95_ratio']}); same key after ready p95 "
          f"{result['key_ms_after_ready']['p95']} ms")
    return result


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--probe":
        probes = {"bare": _probe_bare, "app": _probe_app, "plain": _probe_plain}
        print(json.dumps(probes[sys.argv[2]]()))
    else:
        main()
