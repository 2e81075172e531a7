"""Field encryption for the journal: AES-256-GCM under a scrypt-derived key.

Why field-level and not whole-file: SQLite from the standard library cannot
encrypt pages, and sealing each text field means no plaintext ever reaches the
database file, its WAL or a temp file. Each value is ``VERSION || nonce || ct``
with the table and column as associated data, so a ciphertext cannot be moved
to another column unnoticed.

The key never touches disk. The salt and scrypt parameters are stored in the
journal's ``meta`` table together with a *verifier* (a known constant sealed
under the key): opening with a wrong passphrase fails on the verifier, before
any row is read or written.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Any

FORMAT_VERSION = b"\x01"
NONCE_BYTES = 12
KEY_BYTES = 32
SALT_BYTES = 16
VERIFIER_PLAINTEXT = b"resident-companion journal key v1"
VERIFIER_AAD = b"meta.verifier"

# scrypt cost: ~50-100 ms and 32 MiB on a laptop, paid once when the journal opens.
DEFAULT_KDF: dict[str, int] = {"n": 2**15, "r": 8, "p": 1}
"""scrypt cost parameters for new keys."""


class DecryptionFailed(Exception):
    """A sealed value did not authenticate (wrong key or tampered data)."""


@dataclass(frozen=True)
class KdfParams:
    """How a key is derived from a passphrase; stored in the journal as JSON."""

    salt: bytes
    n: int = DEFAULT_KDF["n"]
    r: int = DEFAULT_KDF["r"]
    p: int = DEFAULT_KDF["p"]
    name: str = "scrypt"

    @classmethod
    def fresh(cls) -> KdfParams:
        """New random salt with the current :data:`DEFAULT_KDF` cost."""
        return cls(salt=os.urandom(SALT_BYTES), n=DEFAULT_KDF["n"], r=DEFAULT_KDF["r"],
                   p=DEFAULT_KDF["p"])

    def to_json(self) -> str:
        return json.dumps(
            {"name": self.name, "n": self.n, "r": self.r, "p": self.p, "salt": self.salt.hex()}
        )

    @classmethod
    def from_json(cls, text: str) -> KdfParams:
        data = json.loads(text)
        if data.get("name") != "scrypt":
            raise ValueError(f"unknown key derivation {data.get('name')!r}")
        return cls(
            salt=bytes.fromhex(data["salt"]), n=int(data["n"]), r=int(data["r"]),
            p=int(data["p"]),
        )


def derive_key(passphrase: str, params: KdfParams) -> bytes:
    """Derive the 256-bit journal key from a passphrase (scrypt)."""
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    if not passphrase:
        raise ValueError("the passphrase must not be empty")
    kdf = Scrypt(salt=params.salt, length=KEY_BYTES, n=params.n, r=params.r, p=params.p)
    return kdf.derive(passphrase.encode("utf-8"))


class PlainCodec:
    """The identity codec of an unencrypted journal."""

    encrypted = False

    def seal(self, text: str | None, aad: str) -> Any:
        return text

    def open(self, value: Any, aad: str) -> str | None:
        if value is None:
            return None
        if isinstance(value, bytes):
            raise DecryptionFailed(f"{aad} holds encrypted data in an unencrypted journal")
        return str(value)


@dataclass
class AesGcmCodec:
    """Seals text fields with AES-256-GCM; ``aad`` names the table and column."""

    key: bytes
    encrypted: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(self.key)

    def seal_bytes(self, data: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_VERSION + nonce + self._aead.encrypt(nonce, data, aad)

    def open_bytes(self, blob: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        if not isinstance(blob, bytes) or blob[:1] != FORMAT_VERSION:
            raise DecryptionFailed(f"{aad.decode()} is not sealed data")
        nonce = blob[1 : 1 + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, blob[1 + NONCE_BYTES :], aad)
        except InvalidTag as exc:
            raise DecryptionFailed(f"{aad.decode()} failed authentication") from exc

    def seal(self, text: str | None, aad: str) -> bytes | None:
        if text is None:
            return None
        return self.seal_bytes(text.encode("utf-8"), aad.encode())

    def open(self, value: Any, aad: str) -> str | None:
        if value is None:
            return None
        return self.open_bytes(value, aad.encode()).decode("utf-8")

    def verifier(self) -> bytes:
        """A sealed constant stored in the journal to recognise the right key."""
        return self.seal_bytes(VERIFIER_PLAINTEXT, VERIFIER_AAD)

    def check_verifier(self, blob: bytes) -> bool:
        try:
            return self.open_bytes(blob, VERIFIER_AAD) == VERIFIER_PLAINTEXT
        except DecryptionFailed:
            return False


def codec_for(passphrase: str, params: KdfParams) -> AesGcmCodec:
    """The codec for a passphrase under stored (or fresh) KDF parameters."""
    return AesGcmCodec(derive_key(passphrase, params))
