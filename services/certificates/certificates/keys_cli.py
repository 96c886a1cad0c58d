"""`certificates-keys list | rotate`: the keys verification documents are signed with.

Rotating makes a new key sign from now on; older public keys stay listed at
/.well-known/forumops-certificate-keys.json, so documents signed before keep checking out. The
new seed goes to the key file (CERTIFICATES_SIGNING_KEYS_FILE) and the old one leaves it: run it
where the API runs, e.g. `docker compose exec certificates-api certificates-keys rotate`.
"""
from __future__ import annotations

from forumops_shared.signing_keys import keys_command

from .config import certificates_config
from .service import SERVICE
from .tables import signing_keys


def main(argv: list[str] | None = None) -> None:
    keys_command(__doc__, SERVICE.name, signing_keys, lambda s: certificates_config(s).signing_keys_file, argv=argv)
