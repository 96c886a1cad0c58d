"""`certificates-keys list | rotate`: the keys verification documents are signed with.

Rotating makes a new key sign from now on; older public keys stay listed at
/.well-known/forumops-certificate-keys.json, so documents signed before keep checking out. The
new seed goes to the key file (CERTIFICATES_SIGNING_KEYS_FILE) and the old one leaves it: run it
where the API runs, e.g. `docker compose exec certificates-api certificates-keys rotate`.
"""
from __future__ import annotations

import argparse

from sqlalchemy import select

from forumops_shared.config import load_settings
from forumops_shared.db import make_engine
from forumops_shared.key_files import KeyFile
from forumops_shared.signing_keys import rotate

from .config import certificates_config
from .service import SERVICE
from .tables import signing_keys


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=("list", "rotate"))
    args = parser.parse_args(argv)
    settings = load_settings(SERVICE.name)
    engine, keys = make_engine(settings.database_url), KeyFile(certificates_config(settings).signing_keys_file)
    if args.action == "rotate":
        print(f"new signing key {rotate(engine, signing_keys, keys).kid}")
    with engine.connect() as conn:
        for row in conn.execute(select(signing_keys).order_by(signing_keys.c.created_at)):
            print(f"{row.kid}  {'active' if row.active else 'published'}  created {row.created_at:%Y-%m-%d %H:%M}")
    print(f"seeds kept in {keys.path}")
