"""`companion doctor`: is everything needed present, and does the model load offline?"""

from __future__ import annotations

import importlib.metadata
import platform
import sys


def register(subparsers) -> None:
    parser = subparsers.add_parser("doctor", help="check the installation (models, data, index)")
    parser.add_argument("--no-load", action="store_true", help="skip loading the model")
    parser.set_defaults(handler=doctor_command)


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "MISSING"


def _meeting_status(journal_file) -> tuple[str, str | None]:
    """Days since the last mentor meeting (no passphrase asked), and any journal problem.

    An encrypted journal, or one the app has open, is fine; a journal that cannot be
    opened for any other reason (damaged, newer version, unreadable) is a problem.
    """
    if not journal_file.exists():
        return "no journal yet", None
    from companion.commands.companion_api import companion_core

    with companion_core() as core:
        status = core.status()
        if status.state == "open":
            days = core.home().days_since_meeting
    if status.state == "needs_passphrase":
        return "the journal is encrypted; open the app to see the meeting cadence", None
    if status.state == "in_use":
        return "the journal is open in the app now", None
    if status.state != "open":
        return "journal not readable", (
            f"the journal {journal_file} cannot be opened: {status.message} (`companion "
            "journal move-aside` keeps it under a new name and starts a fresh one)")
    if days is None:
        return "none recorded yet (aim for about an hour a month)", None
    nudge = "; it may be time to book the next one" if days > 30 else ""
    return f"last one {days} day(s) ago{nudge}", None


def _knowledge_status() -> list[str]:
    """Print what the knowledge base holds; return one problem per broken card or flow file."""
    from companion.cards import check_cards
    from companion.dialogue.flows import check_flows
    from companion.knowledge import knowledge_problems

    try:
        cards, flows = len(check_cards().cards), len(check_flows().flows)
        problems = knowledge_problems()
    except Exception as exc:  # noqa: BLE001 - a broken topics file shows here, not as a traceback
        return [f"knowledge files: {exc}"]
    skipped = f"; {len(problems)} problem(s), those files are skipped" if problems else ""
    print(f"knowledge files: {cards} valid card(s), {flows} valid flow(s){skipped}")
    return [f"knowledge files: {problem}" for problem in problems]


def doctor_command(args) -> int:
    from companion import __version__, models, paths
    from companion.textnorm import strip_controls

    problems: list[str] = []
    print(f"companion {__version__} on Python {platform.python_version()} ({sys.executable})")
    for dist in ("textual", "transformers", "sentence-transformers", "faiss-cpu", "torch",
                 models.EMBEDDING_PACKAGE, "cryptography", "bm25s"):
        version = _version(dist)
        print(f"  {dist:<22} {version}")
        if version == "MISSING":
            problems.append(f"package '{dist}' is not installed: run `make run` or "
                            f"`pip install {dist}`")
    print(f"data directory: {paths.data_dir()}")
    print(f"knowledge base: {paths.knowledge_dir()}")
    try:
        model_dir = models.embedding_model_path()
        print(f"embedding model: {models.EMBEDDING_MODEL_NAME} at {model_dir}")
        if not args.no_load:
            model = models.load_sentence_transformer(model_dir)
            vector = model.encode(["doctor check"], normalize_embeddings=True)
            print(f"  loads offline: yes (dimension {vector.shape[1]})")
    except models.ModelMissingError as exc:
        problems.append(str(exc))
    except Exception as exc:  # a broken install shows here, not as a traceback
        problems.append(f"the embedding model failed to load: {exc}")
    try:
        from companion.retrieval.index import index_status

        status = index_status()
        print(f"search index: {status}")
        if status.startswith("damaged"):
            problems.append(f"search index: {status}")
    except ImportError:
        print("search index: (retrieval not built yet)")
    except Exception as exc:
        problems.append(f"search index: {exc}")
    problems += _knowledge_status()
    from companion.safety.checks import safety_problems

    safety = safety_problems()  # crisis resources and the stance model
    print(f"crisis resources, stance model: {'ok' if not safety else 'PROBLEM'}")
    problems.extend(safety)
    meetings, journal_problem = _meeting_status(paths.journal_path())
    print(f"mentor meetings: {meetings}")
    if journal_problem:
        problems.append(journal_problem)
    print("network: not needed (all models load from installed package files; "
          "HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1 are set)")
    if problems:
        for problem in problems:
            print(strip_controls(f"PROBLEM: {problem}"), file=sys.stderr)
        print(f"{len(problems)} problem(s): see PROBLEM lines above", file=sys.stderr)
        return 1
    print("all good")
    return 0
