"""No screen, widget or app class of ours reuses a name Textual's own classes use.

``ReflectionScreen._closed`` once shadowed MessagePump's ``_closed`` flag (a bool):
``await self._closed(summary)`` raised inside a worker that swallows errors, and
ending a reflection silently did nothing. ``SettingsScreen._name`` shadowed
DOMNode's ``_name`` the same way. This walks every class in ``companion.tui``
that subclasses a Textual DOM node and compares what it defines (methods, class
attributes, and ``self.x = ...`` in its methods) with what Textual's classes in
its MRO define (their attributes plus the ``self.x`` their ``__init__`` and
other methods set).

Overriding is allowed only where Textual invites it: the public hooks listed in
``HOOKS`` and the ``on_`` / ``action_`` / ``watch_`` / ``key_`` families. A
public attribute Textual offers for setting (``self.title = ...``) is use, not
shadowing; a private one is always a clash.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import textwrap
from functools import cache

import pytest
from textual.dom import DOMNode

import companion.tui

HOOKS = frozenset({
    # class-level configuration Textual reads
    "BINDINGS", "CSS", "CSS_PATH", "DEFAULT_CSS", "TITLE", "SUB_TITLE", "COMMANDS",
    "AUTO_FOCUS", "COMPONENT_CLASSES", "SCREENS", "MODES", "BORDER_TITLE", "can_focus",
    "can_focus_children", "ALLOW_IN_MAXIMIZED_VIEW", "ENABLE_COMMAND_PALETTE", "HELP",
    # methods meant to be overridden
    "compose", "render", "render_line", "get_content_width", "get_content_height",
    "on_event", "check_action",
})
FAMILIES = ("on_", "action_", "watch_", "key_", "validate_", "compute_")


def tui_classes() -> list[type]:
    """Every DOMNode subclass defined in a module of companion.tui."""
    found: dict[str, type] = {}
    for info in pkgutil.walk_packages(companion.tui.__path__, "companion.tui."):
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, DOMNode) and obj.__module__ == module.__name__
                    and obj.__module__.startswith("companion.tui")):
                found[f"{obj.__module__}.{obj.__qualname__}"] = obj
                for _, inner in inspect.getmembers(obj, inspect.isclass):
                    if issubclass(inner, DOMNode) and inner.__module__ == module.__name__:
                        found[f"{inner.__module__}.{inner.__qualname__}"] = inner
    return list(found.values())


def _class_node(cls: type) -> ast.ClassDef:
    tree = ast.parse(textwrap.dedent(inspect.getsource(cls)))
    node = tree.body[0]
    assert isinstance(node, ast.ClassDef)
    return node


def defined_names(cls: type) -> dict[str, str]:
    """What the class body defines: name -> 'method', 'class attribute' or 'self attribute'."""
    names: dict[str, str] = {}
    for item in _class_node(cls).body:
        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
            names[item.name] = "method"
        elif isinstance(item, ast.Assign):
            for target in item.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = "class attribute"
        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
            names[item.target.id] = "class attribute"
    for node in ast.walk(_class_node(cls)):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        while targets:
            target = targets.pop()
            if isinstance(target, (ast.Tuple, ast.List)):
                targets += target.elts  # self.a, self.b = ...
            elif (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                    and target.value.id == "self"):
                names.setdefault(target.attr, "self attribute")
    return names


@cache
def textual_names(base: type) -> frozenset[str]:
    """Everything a Textual class defines or sets on ``self``."""
    names = set(vars(base))
    try:
        source = textwrap.dedent(inspect.getsource(base))
    except (OSError, TypeError):
        return frozenset(names)
    for node in ast.walk(ast.parse(source)):
        if (isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name) and node.value.id == "self"):
            names.add(node.attr)
    return frozenset(names)


def settable(cls: type, name: str) -> bool:
    """A public attribute Textual means us to set (a reactive or a property with a setter)."""
    from textual.reactive import Reactive

    for base in cls.__mro__:
        value = vars(base).get(name)
        if isinstance(value, Reactive) or (isinstance(value, property)
                                           and value.fset is not None):
            return True
    return False


def clashes(cls: type) -> list[str]:
    """``name (kind) also in Textual's Base`` for each clash in ``cls``'s own body."""
    textual_bases = [b for b in cls.__mro__ if b.__module__.split(".")[0] == "textual"]
    found = []
    for name, kind in defined_names(cls).items():
        if name.startswith("__") and name.endswith("__"):
            continue
        owner = next((b for b in textual_bases if name in textual_names(b)), None)
        if owner is None:
            continue
        if not name.startswith("_"):
            if name in HOOKS or name.startswith(FAMILIES):
                continue
            if kind == "self attribute" and settable(cls, name):
                continue
        found.append(f"{cls.__qualname__}.{name} ({kind}) is also "
                     f"{owner.__module__}.{owner.__qualname__}.{name}")
    return found


def test_the_walk_finds_our_screens_and_widgets():
    names = {cls.__name__ for cls in tui_classes()}
    assert {"CompanionApp", "ReflectionScreen", "SettingsScreen", "AdviceList",
            "Conversation", "HelpScreen"} <= names


def test_the_check_catches_the_old_closed_and_name_clashes(tmp_path, monkeypatch):
    """The two clashes that broke the app, rebuilt in a module: the check names both."""
    (tmp_path / "old_screens.py").write_text(textwrap.dedent("""
        from textual.screen import Screen

        class OldReflection(Screen):
            async def _closed(self, summary):
                pass

        class OldSettings(Screen):
            def _name(self, event):
                pass

            def on_mount(self):
                self._running = 0
                self.title = "Settings"
                self.flow = "ours"
    """), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    old = importlib.import_module("old_screens")
    assert clashes(old.OldReflection) == [
        "OldReflection._closed (method) is also textual.message_pump.MessagePump._closed"]
    assert [c.split(" (")[0] for c in clashes(old.OldSettings)] == [
        "OldSettings._name", "OldSettings._running"]


@pytest.mark.parametrize("cls", tui_classes(), ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_no_name_of_ours_shadows_textual(cls):
    assert clashes(cls) == []
