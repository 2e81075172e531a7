"""Guided reflection flows: small graphs of steps, stored as YAML under ``knowledge/flows``.

A flow is data a chief resident can edit. Loading validates it completely and
names the file and the step of every problem, like the cards do. One broken flow
never disables the others: :func:`load_flows` returns the valid ones and logs a
warning naming each skipped file (``kb check`` and ``doctor`` report them). Flow
text is stripped of control characters as it is read.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from companion import paths
from companion.dialogue.feelings import FEELINGS
from companion.taxonomy import load_topics
from companion.textnorm import strip_controls

log = logging.getLogger(__name__)

StepKind = Literal["prompt", "advice", "checkin", "plan", "closing"]


EVENTS = ("died", "harm", "no_harm", "near_miss")


class Condition(BaseModel):
    """When a branch applies: any listed topic, any listed feeling, a yes/no answer, what
    happened (adverse-event flow), or a strained weekly check-in."""

    model_config = ConfigDict(extra="forbid")

    topic: list[str] = Field(default_factory=list)
    feeling: list[Literal[FEELINGS]] = Field(default_factory=list)  # type: ignore[valid-type]
    answer: Literal["yes", "no"] | None = None
    event: list[Literal[EVENTS]] = Field(default_factory=list)  # type: ignore[valid-type]
    checkin: Literal["strained"] | None = None

    @model_validator(mode="before")
    @classmethod
    def _yaml_booleans(cls, data):
        # YAML 1.1 reads a bare `yes`/`no` as a boolean; accept it as the word.
        if isinstance(data, dict) and isinstance(data.get("answer"), bool):
            data = {**data, "answer": "yes" if data["answer"] else "no"}
        return data


class Branch(BaseModel):
    """Where a condition leads, and what the rest of the session may draw on once taken."""

    model_config = ConfigDict(extra="forbid")

    when: Condition
    next: str
    topics: list[str] = Field(default_factory=list)
    """Once taken, the topics advice cards may come from in the steps that follow
    (each step's own ``topics`` still come first); empty: the flow's topics."""
    cards: list[str] = Field(default_factory=list)
    """Once taken, the only steps' own cards that may be shown in the steps that follow
    (the cards that fit this branch); empty: every step's own cards."""


class Step(BaseModel):
    """One step: what the companion says and asks, and where the answer leads."""

    model_config = ConfigDict(extra="forbid")

    kind: StepKind = "prompt"
    say: str = ""
    ask: list[str] = Field(default_factory=list)
    topics: list[str] = Field(default_factory=list)
    """The topics retrieved advice cards may come from at this step (a card's main topic
    must be one of them); empty: the branch's topics, else the flow's."""
    branches: list[Branch] = Field(default_factory=list)
    next: str | None = None
    repeat: int = Field(default=1, ge=1, le=5)
    lean: list[Literal[FEELINGS]] = Field(default_factory=list)  # type: ignore[valid-type]
    """Feelings a reply to this step's question tends toward ("What went well?")."""
    choices: list[str] = Field(default_factory=list)
    """Quick choices offered with the question when the resident writes very little."""
    skip_if: list[str] = Field(default_factory=list)
    """Patterns: if an earlier message already answered this step, it is not asked."""
    skip_if_visited: list[str] = Field(default_factory=list)
    """Steps that, once visited, make this one redundant."""
    cards: list[str] = Field(default_factory=list)
    """Card ids shown when the flow reaches this step, before any retrieved card."""

    @field_validator("skip_if")
    @classmethod
    def _patterns_compile(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as exc:
                raise ValueError(f"'{pattern}' is not a valid pattern: {exc}") from exc
        return patterns

    @model_validator(mode="before")
    @classmethod
    def _ask_as_list(cls, data):
        if isinstance(data, dict) and isinstance(data.get("ask"), str):
            data = {**data, "ask": [data["ask"]]}
        return data


class FlowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    title: str = Field(min_length=3)
    description: str = Field(min_length=3)
    order: int = 100
    topics: list[str] = Field(default_factory=list)
    """The topics retrieved advice cards may come from in this flow (see ``Step.topics``);
    empty: any topic (an open reflection)."""
    start: str
    steps: dict[str, Step] = Field(min_length=1)


@dataclass(frozen=True)
class Flow:
    """A validated flow."""

    id: str
    title: str
    description: str
    order: int
    topics: tuple[str, ...]
    start: str
    steps: dict[str, Step]
    path: Path

    def step(self, name: str) -> Step:
        return self.steps[name]

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "description": self.description}


class FlowError(ValueError):
    """A flow file is malformed; the message names the file and the step."""


def flows_dir() -> Path:
    return paths.knowledge_dir() / "flows"


def _problems(spec: FlowSpec, topics: dict[str, str]) -> list[str]:
    problems = []
    if spec.start not in spec.steps:
        problems.append(f"field 'start': unknown step '{spec.start}'")
    for topic in spec.topics:
        if topic not in topics:
            problems.append(f"field 'topics': unknown topic '{topic}'")
    has_closing = False
    for name, step in spec.steps.items():
        where = f"step '{name}'"
        has_closing |= step.kind == "closing"
        targets = [b.next for b in step.branches] + ([step.next] if step.next else [])
        for target in targets:
            if target not in spec.steps:
                problems.append(f"{where}: 'next' points to unknown step '{target}'")
        for other in step.skip_if_visited:
            if other not in spec.steps:
                problems.append(f"{where}: 'skip_if_visited' names unknown step '{other}'")
        for topic in [*step.topics, *(t for b in step.branches for t in (*b.when.topic,
                                                                          *b.topics))]:
            if topic not in topics:
                problems.append(f"{where}: unknown topic '{topic}'")
        if step.kind == "closing":
            if step.next or step.branches:
                problems.append(f"{where}: a closing step cannot lead anywhere")
            if not step.say.strip():
                problems.append(f"{where}: a closing step needs 'say'")
        else:
            if not step.next and not step.branches:
                problems.append(f"{where}: needs 'next' (or branches) to continue")
            if step.kind in {"prompt", "plan"} and not step.ask:
                problems.append(f"{where}: a {step.kind} step needs 'ask'")
    if not has_closing:
        problems.append("no step of kind 'closing'")
    return problems


def load_flow(path: Path, topics: dict[str, str] | None = None) -> Flow:
    """Load and validate one flow file."""
    topics = topics if topics is not None else load_topics()
    name = strip_controls(path.name)
    try:
        raw = yaml.safe_load(strip_controls(path.read_text(encoding="utf-8")))
    except yaml.YAMLError as exc:
        raise FlowError(f"{name}: not valid YAML: {str(exc).splitlines()[0]}") from exc
    except UnicodeDecodeError as exc:
        raise FlowError(f"{name}: is not UTF-8 text") from exc
    except OSError as exc:
        raise FlowError(f"{name}: cannot be read ({exc.strerror or exc})") from exc
    except (ValueError, TypeError, RecursionError) as exc:  # e.g. a date YAML cannot build
        raise FlowError(f"{name}: cannot be read: {exc}") from exc
    if not isinstance(raw, dict):
        raise FlowError(f"{name}: expected a mapping with id, title, start and steps")
    try:
        spec = FlowSpec.model_validate(raw)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = [str(p) for p in err["loc"]]
            if len(loc) >= 2 and loc[0] == "steps":
                where = f"step '{loc[1]}'" + (f" field '{'.'.join(loc[2:])}'" if loc[2:] else "")
            else:
                where = f"field '{'.'.join(loc)}'"
            lines.append(f"{name}: {where}: {err['msg']}")
        raise FlowError("\n".join(lines)) from exc
    problems = _problems(spec, topics)
    if problems:
        raise FlowError("\n".join(f"{name}: {p}" for p in problems))
    return Flow(id=spec.id, title=spec.title, description=spec.description, order=spec.order,
                topics=tuple(spec.topics), start=spec.start, steps=dict(spec.steps), path=path)


@dataclass
class FlowReport:
    """The valid flows (menu order) and one line per problem, naming file and field."""

    flows: dict[str, Flow]
    errors: list[str] = field(default_factory=list)


def check_flows(directory: Path | None = None) -> FlowReport:
    """Validate every flow file; keep the valid ones, list the problems of the others."""
    directory = directory or flows_dir()
    topics = load_topics()
    flows: dict[str, Flow] = {}
    errors: list[str] = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            flow = load_flow(path, topics)
        except FlowError as exc:
            errors.append(str(exc))
            continue
        if flow.id in flows:
            errors.append(f"{strip_controls(path.name)}: field 'id': duplicate flow id "
                          f"'{flow.id}' (also in {flows[flow.id].path.name})")
            continue
        flows[flow.id] = flow
    ordered = dict(sorted(flows.items(), key=lambda item: (item[1].order, item[0])))
    return FlowReport(ordered, errors)


def load_flows(directory: Path | None = None, *, strict: bool = False) -> dict[str, Flow]:
    """All valid flows by id, in menu order; each broken file is skipped with a warning.

    Raises:
        FlowError: listing every problem, when ``strict`` and a file is broken, or
            when not one flow is valid.
    """
    directory = directory or flows_dir()
    report = check_flows(directory)
    if report.errors and (strict or not report.flows):
        raise FlowError("\n".join(report.errors))
    if not report.flows:
        raise FlowError(f"{directory}: no flow files found")
    for problem in report.errors:
        log.warning("reflection flow skipped: %s", problem)
    return report.flows


def card_problems(flows: dict[str, Flow], cards) -> list[str]:
    """The card ids flows name (a step's or a branch's ``cards``) that no valid card has,
    or that belong to a mentor-audience card a resident is never shown; one line each,
    naming the file, the step and the field."""
    from companion.cards import visible_to

    by_id = {card.id: card for card in cards}
    problems = []
    for flow in flows.values():
        for name, step in flow.steps.items():
            named = [("cards", card_id) for card_id in step.cards] + [
                (f"branches.{i}.cards", card_id)
                for i, branch in enumerate(step.branches) for card_id in branch.cards]
            for where, card_id in named:
                card = by_id.get(card_id)
                at = f"{strip_controls(flow.path.name)}: step '{name}' field '{where}'"
                if card is None:
                    problems.append(f"{at}: unknown card '{card_id}'")
                elif not visible_to(card, "resident"):
                    problems.append(f"{at}: card '{card_id}' is for mentors; residents "
                                    "are never shown it")
    return problems
