"""Where a session goes next in its flow: branches, repeats, and steps already answered.

Pure functions of the session (and of what was understood in the turn); they move
``session.step`` and count visits, and never say anything except the one line that
tells the resident their plan was heard.
"""

from __future__ import annotations

import re

from companion.dialogue import replies
from companion.dialogue.session import Session
from companion.dialogue.understanding import Understood


def advance(session: Session, understood: Understood) -> str:
    """The step after the current one: a repeat, the first branch that matches, or next.

    A branch taken that declares cards or topics makes them the session's for the
    steps that follow (see :func:`companion.dialogue.reply_parts.ReplyParts.cards`).
    """
    name = session.step
    step = session.current
    session.visits[name] += 1
    if step.kind == "advice" and session.visits[name] < step.repeat:
        return name
    top = {t for t, _ in understood.topics[:2]}
    for branch in step.branches:
        cond = branch.when
        if ((cond.topic and top & set(cond.topic))
                or (cond.feeling and understood.feeling in cond.feeling)
                or (cond.answer and understood.answer == cond.answer)
                or (cond.event and session.event in cond.event)):
            if branch.topics or branch.cards:  # what the rest of the session draws on
                session.branch_topics = list(branch.topics)
                session.branch_cards = list(branch.cards)
            return branch.next
    return step.next or name


def jump_to_action(session: Session) -> str:
    """The first plan step not visited yet, else the closing (for a ruminating resident)."""
    for name, step in session.flow.steps.items():
        if step.kind == "plan" and session.visits[name] == 0:
            return name
    return next(n for n, s in session.flow.steps.items() if s.kind == "closing")


def settle(session: Session, parts: list[str], texts) -> None:
    """Move past steps the resident has already answered: a plan already given, a
    question an earlier message answered (``skip_if``), a step made redundant."""
    for _ in range(len(session.flow.steps)):
        step = session.current
        if step.kind in ("closing", "checkin"):
            return
        skip = any(session.visits[other] for other in step.skip_if_visited)
        skip = skip or any(re.search(p, turn) for p in step.skip_if
                           for turn in session.resident_turns)
        if step.kind == "plan" and session.plans and session.visits[session.step] == 0 \
                and step.ask and step.ask[0] not in session.asked:
            plan = session.plans[-1]
            line = texts.line("plan_known", plan=replies.brief(plan))
            if line not in session.said:
                parts.append(line)
                session.said.append(line)
            skip = True
        if not skip:
            return
        session.visits[session.step] += 1
        session.step = step.next or session.step
        if step.next is None:
            return


def say_step(session: Session, step, parts: list[str]) -> None:
    """The step's own words, once per session."""
    if step.say and step.say not in session.said:
        parts.append(step.say)
        session.said.append(step.say)
