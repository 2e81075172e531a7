"""The optional local generator: rephrases curated words, streamed, capped and guarded.

Off by default. Hospital IT or the resident points ``generator_path`` at a local
model directory or a ``.gguf`` file; nothing is ever fetched. A GGUF file is
dequantised once and cached as safetensors under the data directory so the second
load takes seconds. The generator only rephrases the reflection and the next
question, grounded in the retrieved cards, with two example exchanges, a stop at
the first question mark and a small token cap; :mod:`guardrails` decides whether
its words may replace the curated text.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Iterator
from pathlib import Path

from companion import paths
from companion.dialogue.guardrails import guarded
from companion.models import configure_offline

log = logging.getLogger(__name__)
MAX_NEW_TOKENS = 40

FEW_SHOT = [
    ("Reflection: It sounds like you are running on very little.\n"
     "Question: When is your next real stretch of sleep?",
     "You sound exhausted. When can you next get a proper stretch of sleep?"),
    ("Reflection: That sounds genuinely frustrating.\n"
     "Question: What do you think the other person needed?",
     "That sounds really frustrating. What might the other person have needed?"),
]


class GeneratorError(RuntimeError):
    """The configured generator cannot be loaded; the message says what to fix."""


def _cache_dir_for(gguf: Path) -> Path:
    stat = gguf.stat()
    key = hashlib.sha256(f"{gguf.resolve()}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return paths.models_cache_dir() / f"{gguf.stem}-{key.hexdigest()[:12]}"


class LocalGenerator:
    """A small causal language model loaded from local files only."""

    def __init__(self, model, tokenizer, source: Path):
        self.model = model
        self.tokenizer = tokenizer
        self.source = source

    @classmethod
    def load(cls, location: str | Path) -> LocalGenerator:
        """Load from a model directory or a ``.gguf`` file (cached after the first time)."""
        configure_offline()
        location = Path(location).expanduser()
        if not location.exists():
            raise GeneratorError(f"generator model not found at {location}")
        import transformers
        from transformers import AutoModelForCausalLM, AutoTokenizer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()
        try:
            if location.is_file() and location.suffix == ".gguf":
                cache = _cache_dir_for(location)
                if (cache / "config.json").is_file():
                    log.info("loading cached conversion %s", cache)
                    model = AutoModelForCausalLM.from_pretrained(cache, local_files_only=True)
                    tokenizer = AutoTokenizer.from_pretrained(cache, local_files_only=True)
                else:
                    kwargs = {"gguf_file": location.name, "local_files_only": True}
                    tokenizer = AutoTokenizer.from_pretrained(location.parent, **kwargs)
                    model = AutoModelForCausalLM.from_pretrained(location.parent, **kwargs)
                    model.hf_quantizer = None  # type: ignore[assignment]
                    model.config.quantization_config = None
                    if hasattr(model.config, "__dict__"):
                        model.config.__dict__.pop("quantization_config", None)
                    cache.mkdir(parents=True, exist_ok=True)
                    model.save_pretrained(cache)
                    tokenizer.save_pretrained(cache)
            elif location.is_dir():
                tokenizer = AutoTokenizer.from_pretrained(location, local_files_only=True)
                model = AutoModelForCausalLM.from_pretrained(location, local_files_only=True)
            else:
                raise GeneratorError(
                    f"{location}: point the generator at a model directory or a .gguf file")
        except GeneratorError:
            raise
        except Exception as exc:
            raise GeneratorError(f"could not load the generator from {location}: {exc}") from exc
        model.eval()
        return cls(model, tokenizer, location)

    def prompt(self, reflection: str, question: str, card_titles: list[str]) -> str:
        grounding = "; ".join(card_titles[:3])
        lines = ["Rephrase the companion's reflection and question warmly, in one or two "
                 "short sentences, ending with one question. Do not add facts."]
        if grounding:
            lines.append(f"Advice shown: {grounding}.")
        for given, answer in FEW_SHOT:
            lines += [given, f"Rephrased: {answer}"]
        lines += [f"Reflection: {reflection}\nQuestion: {question}", "Rephrased:"]
        return "\n".join(lines)

    def stream(self, prompt: str, max_new_tokens: int = MAX_NEW_TOKENS) -> Iterator[str]:
        """Yield text pieces as they are generated; stops after the first '?'."""
        from transformers import TextIteratorStreamer

        inputs = self.tokenizer(prompt, return_tensors="pt")
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True,
                                        skip_special_tokens=True, timeout=60)
        kwargs = dict(**inputs, streamer=streamer, max_new_tokens=max_new_tokens,
                      do_sample=False)
        if self.tokenizer.pad_token_id is None and self.tokenizer.eos_token_id is not None:
            kwargs["pad_token_id"] = self.tokenizer.eos_token_id
        worker = threading.Thread(target=self.model.generate, kwargs=kwargs, daemon=True)
        worker.start()
        for piece in streamer:
            if not piece:
                continue
            if "?" in piece:
                yield piece[: piece.index("?") + 1]
                break
            yield piece
        worker.join(timeout=60)

    def rephrase(self, reflection: str, question: str, card_titles: list[str],
                 safety_level: str = "none", on_token=None) -> tuple[str, str | None]:
        """The guarded rephrasing, or the curated text and the reason it was used.

        Args:
            on_token: called with each streamed piece (for a live preview); the final
                text may still be replaced by the curated one.
        """
        curated = f"{reflection} {question}".strip()
        if safety_level == "crisis":
            return curated, "crisis messages never go to the generator"
        pieces = []
        for piece in self.stream(self.prompt(reflection, question, card_titles)):
            pieces.append(piece)
            if on_token is not None:
                on_token(piece)
        text = "".join(pieces)
        text = text.split("\n")[0]
        return guarded(text, curated, safety_level)
