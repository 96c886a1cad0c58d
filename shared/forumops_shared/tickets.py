"""Tickets: a compact Ed25519-signed QR payload and a short code a person can type.

QR payload: `FO1.<payload>.<signature>`, both parts base64url without padding. The payload is
compact JSON carrying the key id, so a verifier picks the public key by id and never trusts an
algorithm named in the token (Ed25519 is pinned per key).
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from nacl.bindings import crypto_sign_open
from nacl.exceptions import BadSignatureError

PREFIX = "FO1"
# No 0/O, 1/I/L, U: nothing that reads as something else when typed from a printout.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 30^10 ≈ 5.9e14 codes: about 49 bits


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def new_ticket_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_ticket_code(typed: str) -> str:
    """What a person typed, in the stored form: upper case, without spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch not in " -")


@dataclass(frozen=True)
class TicketClaims:
    forum: str
    registration_id: str
    attendance: str
    point: str | None
    code: str
    version: int

    def to_json(self, kid: str) -> bytes:
        body = {"k": kid, "f": self.forum, "r": self.registration_id, "m": self.attendance,
                "p": self.point, "c": self.code, "v": self.version}
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> "SigningKey":
        return cls.from_seed(secrets.token_bytes(32))

    @classmethod
    def from_seed(cls, seed: bytes) -> "SigningKey":
        private = Ed25519PrivateKey.from_private_bytes(seed)
        return cls(key_id(public_bytes(private.public_key())), private)

    @property
    def seed(self) -> bytes:
        return self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    @property
    def public_key(self) -> bytes:
        return public_bytes(self.private.public_key())

    def sign(self, claims: TicketClaims) -> str:
        payload = claims.to_json(self.kid)
        return f"{PREFIX}.{b64(payload)}.{b64(self.private.sign(payload))}"


def public_bytes(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(public_key: bytes) -> str:
    """A short, stable name for a public key."""
    return hashlib.sha256(public_key).hexdigest()[:16]


class TicketError(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def verify(qr_payload: str, public_keys: dict[str, bytes]) -> TicketClaims:
    """Check a QR payload against published keys; TicketError names what is wrong."""
    try:
        prefix, payload_b64, signature_b64 = qr_payload.strip().split(".")
        if prefix != PREFIX:
            raise ValueError(prefix)
        payload, signature = unb64(payload_b64), unb64(signature_b64)
        body = json.loads(payload)
        kid = body["k"]
    except (ValueError, KeyError, TypeError) as exc:
        raise TicketError("malformed_ticket") from exc
    if kid not in public_keys:
        raise TicketError("unknown_key")
    try:  # libsodium (PyNaCl) rather than OpenSSL here: the same check in half the time
        if len(signature) != 64:
            raise BadSignatureError("an Ed25519 signature has 64 bytes")
        crypto_sign_open(signature + payload, public_keys[kid])
    except (BadSignatureError, ValueError, TypeError) as exc:
        raise TicketError("invalid_signature") from exc
    return TicketClaims(body["f"], body["r"], body["m"], body.get("p"), body["c"], body["v"])
