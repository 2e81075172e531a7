"""Field encryption for the journal: AES-256-GCM under a scrypt-derived key.

Why field-level and not whole-file: SQLite from the standard library cannot
encrypt pages, and sealing each field means no plaintext ever reaches the
database file, its WAL or a temp file.

A sealed value (format 2) is ``0x02 || nonce || AES-GCM(padded plaintext)``:

* the plaintext is a presence flag, its length and the UTF-8 text, padded with
  zeros to a fixed bucket (:func:`bucket`), so a ciphertext's length says only
  which bucket it fell in: "resident" and "companion", "none" and "crisis",
  every flow name and topic status all seal to the same size;
* ``None`` is sealed too (flag 0), so an empty field looks like a short one;
* the associated data names the table, the column, the row id and the row's
  parent (its session or meeting), so a ciphertext copied to another column,
  row or session fails authentication (:class:`Place`).

Format 1 (``0x01 || nonce || ct``, unpadded, ``table.column`` as associated
data) is what journals written before sealed-format 2 hold; it is opened only
while such a journal is upgraded (see :mod:`companion.journal.upgrade`).

The key never touches disk. The salt and scrypt parameters are stored in the
journal's ``meta`` table (``kdf``) with a *verifier* (a known constant sealed
under the key): opening with a wrong passphrase fails on the verifier, before
any row is read or written. Parameters are per journal, so a journal keeps
opening with the cost it was written with and takes :data:`DEFAULT_KDF` at the
next passphrase change.
"""

from __future__ import annotations

import json
import os
import struct
from dataclasses import dataclass, field
from typing import Any

FORMAT_V1 = b"\x01"
FORMAT_V2 = b"\x02"
FORMAT_VERSION = FORMAT_V2
NONCE_BYTES = 12
KEY_BYTES = 32
SALT_BYTES = 16
VERIFIER_PLAINTEXT = b"resident-companion journal key v1"
VERIFIER_AAD = b"meta.verifier"

MIN_BUCKET = 64
"""Smallest padded size: every label (role, level, status, flow id) seals to this."""
STEP_BUCKET = 16384
"""Above this size values are padded to a multiple of it instead of a power of two."""
_HEADER = struct.Struct(">BI")  # presence flag, byte length

# scrypt cost: N=2^17, r=8 is 128 MiB and about 0.6 s on a laptop, paid once when the
# journal opens; it multiplies a guesser's cost by 4 over the 2^15 of journals before.
DEFAULT_KDF: dict[str, int] = {"n": 2**17, "r": 8, "p": 1}
"""scrypt cost parameters for new keys."""
MIN_KDF_N = 2**10
"""Stored parameters below this are refused as damaged (no journal was ever written so)."""
MAX_KDF_N = 2**20
"""Above this (1 GiB of memory at r=8) stored parameters are refused as damaged."""


class DecryptionFailed(Exception):
    """A sealed value did not authenticate (wrong key, tampered or moved data)."""


@dataclass(frozen=True)
class Place:
    """Where a sealed value lives; bound into its associated data.

    ``row`` is the row id (the key, for ``meta``), ``parent`` the session or
    meeting the row belongs to ("" when it has none).
    """

    table: str
    column: str
    row: int | str
    parent: int | str | None = None

    @property
    def name(self) -> str:
        return f"{self.table}.{self.column}"

    def aad(self) -> bytes:
        parent = "" if self.parent is None else str(self.parent)
        return f"rc2|{self.table}.{self.column}|{self.row}|{parent}".encode()

    def __str__(self) -> str:
        where = f"{self.name} of row {self.row}"
        return where if self.parent is None else f"{where} (parent {self.parent})"


def bucket(size: int, minimum: int = MIN_BUCKET) -> int:
    """The padded size for ``size`` bytes: a power of two from ``minimum``, then steps."""
    target = max(minimum, MIN_BUCKET)
    while target < size and target < STEP_BUCKET:
        target *= 2
    if target >= size:
        return target
    return -(-size // STEP_BUCKET) * STEP_BUCKET


def pad(text: str | None, minimum: int = MIN_BUCKET) -> bytes:
    data = b"" if text is None else text.encode("utf-8")
    body = _HEADER.pack(0 if text is None else 1, len(data)) + data
    return body + bytes(bucket(len(body), minimum) - len(body))


def unpad(blob: bytes) -> str | None:
    if len(blob) < _HEADER.size:
        raise DecryptionFailed("padded value too short")
    present, length = _HEADER.unpack_from(blob)
    if present not in (0, 1) or _HEADER.size + length > len(blob):
        raise DecryptionFailed("padded value malformed")
    if not present:
        return None
    return blob[_HEADER.size : _HEADER.size + length].decode("utf-8")


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
    def from_json(cls, text: Any) -> KdfParams:
        """Parse stored parameters; raises ``ValueError`` naming what is wrong."""
        try:
            data = json.loads(text)
        except (TypeError, ValueError) as exc:
            raise ValueError("it is not valid JSON") from exc
        if not isinstance(data, dict):
            raise ValueError("it is not a JSON object")
        if data.get("name") != "scrypt":
            raise ValueError(f"unknown key derivation {str(data.get('name'))[:40]!r}")
        try:
            params = cls(salt=bytes.fromhex(data["salt"]), n=int(data["n"]), r=int(data["r"]),
                         p=int(data["p"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError("a field is missing or malformed") from exc
        n_ok = params.n >= MIN_KDF_N and params.n & (params.n - 1) == 0 and params.n <= MAX_KDF_N
        if not n_ok or not 1 <= params.r <= 16 or not 1 <= params.p <= 4:
            raise ValueError("its cost parameters are out of range")
        if len(params.salt) < 8:
            raise ValueError("its salt is too short")
        return params


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

    def seal(self, text: str | None, place: Place, minimum: int = MIN_BUCKET) -> Any:
        return text

    def open(self, value: Any, place: Place, legacy: bool = False) -> str | None:
        if value is None:
            return None
        if isinstance(value, bytes):
            raise DecryptionFailed(f"{place.name} holds encrypted data in an unencrypted journal")
        return str(value)


@dataclass
class AesGcmCodec:
    """Seals fields with AES-256-GCM, padded, bound to their :class:`Place`."""

    key: bytes
    encrypted: bool = field(default=True, init=False)

    def __post_init__(self) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(self.key)

    def seal_bytes(self, data: bytes, aad: bytes, version: bytes = FORMAT_V2) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return version + nonce + self._aead.encrypt(nonce, data, aad)

    def open_bytes(self, blob: Any, aad: bytes, version: bytes = FORMAT_V2) -> bytes:
        from cryptography.exceptions import InvalidTag

        if not isinstance(blob, bytes) or blob[:1] != version:
            raise DecryptionFailed("it is not sealed data of this journal's format")
        nonce = blob[1 : 1 + NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, blob[1 + NONCE_BYTES :], aad)
        except InvalidTag as exc:
            raise DecryptionFailed("it failed authentication") from exc

    def seal(self, text: str | None, place: Place, minimum: int = MIN_BUCKET) -> bytes:
        return self.seal_bytes(pad(text, minimum), place.aad())

    def open(self, value: Any, place: Place, legacy: bool = False) -> str | None:
        """Open a sealed value; ``legacy`` also accepts format 1 (only while upgrading)."""
        if legacy:
            if value is None:
                return None
            if isinstance(value, str):  # a column format 1 left in plaintext
                return value
            if isinstance(value, bytes) and value[:1] == FORMAT_V1:
                return self.open_bytes(value, place.name.encode(), FORMAT_V1).decode("utf-8")
        return unpad(self.open_bytes(value, place.aad()))

    def verifier(self) -> bytes:
        """A sealed constant stored in the journal to recognise the right key."""
        return self.seal_bytes(VERIFIER_PLAINTEXT, VERIFIER_AAD, FORMAT_V1)

    def check_verifier(self, blob: Any) -> bool:
        try:
            return self.open_bytes(blob, VERIFIER_AAD, FORMAT_V1) == VERIFIER_PLAINTEXT
        except DecryptionFailed:
            return False


def codec_for(passphrase: str, params: KdfParams) -> AesGcmCodec:
    """The codec for a passphrase under stored (or fresh) KDF parameters."""
    return AesGcmCodec(derive_key(passphrase, params))
