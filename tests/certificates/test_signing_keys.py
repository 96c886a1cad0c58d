"""The seed that signs verification documents lives in an owner-only key file, never in the
database; older installs' seeds move there; after a rotation old documents still check out."""
from datetime import datetime, timezone

from certificates.app import create_app
from certificates.service import SERVICE
from certificates.tables import signing_keys
from forumops_shared.db import make_engine, write_transaction
from forumops_shared.key_files import KeyFile
from forumops_shared.migrations import upgrade
from forumops_shared.service_app import close_service_app, context_of
from forumops_shared.signing_keys import rotate
from forumops_shared.tickets import SigningKey, b64

from ..support.key_files import database_files_holding, mode, seeds_in_database, seeds_kept
from ..support.services import migrate
from ..support.verification import checks_out
from .conftest import issue

KEYS = "/.well-known/forumops-certificate-keys.json"


def test_the_signing_seed_is_in_an_owner_only_file_and_rotation_keeps_old_documents_valid(office, service):
    _, _, [serial] = issue(office)
    before = service.get(f"/api/v1/certificates/{serial}").json
    ring = context_of(service.application).keys
    path = ring.seeds.path
    assert path == office.settings.var_dir / "keys" / "certificates-signing-keys.json"
    assert (mode(path.parent), mode(path)) == (0o700, 0o600) and seeds_kept(path) == {before["signature"]["kid"]}
    assert seeds_in_database(office.database_url, signing_keys) == []

    new = rotate(office.engine, signing_keys, KeyFile(path))
    ring.refresh_s = 0
    after = service.get(f"/api/v1/certificates/{serial}").json
    keys = service.get(KEYS).json["keys"]
    assert after["signature"]["kid"] == new.kid != before["signature"]["kid"]
    assert checks_out(before, keys) and checks_out(after, keys)
    assert seeds_kept(path) == {new.kid} and seeds_in_database(office.database_url, signing_keys) == []
    assert database_files_holding(office.database_url, new) == []


def test_an_older_installs_signing_seed_moves_to_the_key_file_and_leaves_the_database(settings_for):
    old = SigningKey.generate()
    settings = settings_for("certificates")
    upgrade(SERVICE, settings.database_url, "0003")
    engine = make_engine(settings.database_url)
    with write_transaction(engine) as conn:
        conn.execute(signing_keys.insert().values(kid=old.kid, private_key=b64(old.seed), public_key=b64(old.public_key),
                                                  active=True, created_at=datetime.now(timezone.utc)))
    engine.dispose()
    migrate(settings)
    app = create_app(settings)
    try:
        answer = app.test_client().get(KEYS)
        assert [k["kid"] for k in answer.json["keys"]] == [old.kid]
        path = context_of(app).config.signing_keys_file
        assert seeds_kept(path) == {old.kid} and (mode(path.parent), mode(path)) == (0o700, 0o600)
        assert seeds_in_database(settings.database_url, signing_keys) == []
        assert database_files_holding(settings.database_url, old) == []
    finally:
        close_service_app(app)
