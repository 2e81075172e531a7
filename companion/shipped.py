"""Artifacts shipped inside the package, keyed by model fingerprint and content hash.

The search index (``companion/retrieval/bundled``) and the safety screen's example
vectors (``companion/safety/bundled``) are both computed once from the checkout's
knowledge base with the bundled embedding model and committed, so a first launch
embeds nothing. Both follow the same rules, kept here once: a JSON manifest beside
the files records the model's fingerprint, a hash of the content they were computed
from and each file's SHA-256; a copy is used only when all of that still matches, and
the manifest is written last (atomically), so a half-written folder never looks fresh.
Callers word their own messages; this module only says what is wrong.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes (read in blocks: FAISS files can be large)."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def content_key(fingerprint: str, texts: Sequence[str]) -> str:
    """What vectors of ``texts`` depend on: the model and every text, in order."""
    return hashlib.sha256("\n".join([fingerprint, *texts]).encode()).hexdigest()


def read_manifest(path: Path) -> dict | None:
    """The manifest at ``path``, None if there is none; raises ValueError when unreadable."""
    path = Path(path)
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"manifest {path} is unreadable: {exc}") from exc
    if not isinstance(manifest, dict):
        raise ValueError(f"manifest {path} is not a JSON object")
    return manifest


def write_manifest(path: Path, manifest: Mapping) -> None:
    """Write the manifest atomically (after the files it describes)."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def damaged_file(directory: Path, manifest: Mapping, files: Mapping[str, str]
                 ) -> tuple[Path, str] | None:
    """The first file that does not match its recorded checksum, and how.

    Args:
        files: file name -> the manifest key holding its SHA-256.

    Returns:
        (path, "missing" or "checksum mismatch"), or None when every file is intact.
    """
    for name, key in files.items():
        path = Path(directory) / name
        if not path.is_file():
            return path, "missing"
        if file_sha256(path) != manifest.get(key):
            return path, "checksum mismatch"
    return None


def bundled_fingerprint() -> str:
    """The fingerprint of the embedding model shipped with the package."""
    from companion import models

    return models.model_fingerprint(models.embedding_model_path())


def checkout_knowledge() -> Path | None:
    """The repository's own ``knowledge/`` folder (what ships), or None in an installed wheel."""
    folder = Path(__file__).resolve().parents[1] / "knowledge"
    return folder if (folder / "cards").is_dir() else None
