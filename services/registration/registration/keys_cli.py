"""`registration-keys list | rotate`: the ticket signing keys.

Rotating makes a new key sign from now on and republishes every forum with all published keys,
so tickets issued under the old key keep verifying at check-in. The new seed goes to the key
file (REGISTRATION_SIGNING_KEYS_FILE); the old one leaves it. Run it where the API runs (it
shares that file), e.g. `docker compose exec registration-api registration-keys rotate`.
"""
from __future__ import annotations

from sqlalchemy import select

from forumops_shared.db import write_transaction
from forumops_shared.key_files import KeyFile
from forumops_shared.signing_keys import keys_command, rotate

from .config import registration_config
from .service import SERVICE
from .services.forums import publish_forum
from .tables import forums, ticket_keys


def rotate_and_republish(engine, keys: KeyFile) -> str:
    key = rotate(engine, ticket_keys, keys)
    with write_transaction(engine) as conn:
        for forum in conn.execute(select(forums)).all():
            publish_forum(conn, forum)
    return key.kid


def main(argv: list[str] | None = None) -> None:
    keys_command(__doc__, SERVICE.name, ticket_keys, lambda s: registration_config(s).signing_keys_file,
                 lambda engine, keys: f"{rotate_and_republish(engine, keys)}; every forum republished", argv)
