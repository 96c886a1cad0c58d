"""Checking a certificate's verification document as anyone can: with the published keys."""
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from certificates.services.documents import canonical
from forumops_shared.tickets import unb64


def checks_out(answer: dict, keys: list[dict]) -> bool:
    key = next(k for k in keys if k["kid"] == answer["signature"]["kid"])
    try:
        Ed25519PublicKey.from_public_bytes(unb64(key["public_key"])).verify(
            unb64(answer["signature"]["value"]), canonical(answer["certificate"]))
        return True
    except InvalidSignature:
        return False
