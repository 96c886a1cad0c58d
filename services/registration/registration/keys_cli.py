"""`registration-keys list | rotate`: the ticket signing keys.

Rotating makes a new key sign from now on and republishes every forum with all published keys,
so tickets issued under the old key keep verifying at check-in. The new seed goes to the key
file (REGISTRATION_SIGNING_KEYS_FILE); the old one leaves it. Run it where the API runs (it
shares that file), e.g. `docker compose exec registration-api registration-keys rotate`.
"""
from __future__ import annotations

import argparse

from sqlalchemy import select

from forumops_shared.config import load_settings
from forumops_shared.db import make_engine, write_transaction
from forumops_shared.key_files import KeyFile
from forumops_shared.signing_keys import rotate

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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("list", "rotate"))
    args = parser.parse_args(argv)
    settings = load_settings(SERVICE.name)
    engine, keys = make_engine(settings.database_url), KeyFile(registration_config(settings).signing_keys_file)
    if args.action == "rotate":
        print(f"new signing key {rotate_and_republish(engine, keys)}; every forum republished")
    with engine.connect() as conn:
        for row in conn.execute(select(ticket_keys).order_by(ticket_keys.c.created_at)):
            print(f"{row.kid}  {'active' if row.active else 'published'}  created {row.created_at:%Y-%m-%d %H:%M}")
    print(f"seeds kept in {keys.path}")
