"""The seeds that sign tickets live in an owner-only key file, never in the database; older
installs' seeds move there; rotation goes on working and old tickets keep verifying."""
import os
from datetime import datetime, timezone

import pytest

from forumops_shared.db import make_engine, write_transaction
from forumops_shared.key_files import KeyFile, KeyFileError
from forumops_shared.migrations import upgrade
from forumops_shared.service_app import close_service_app
from forumops_shared.tickets import SigningKey, b64, unb64, verify
from registration.app import create_app
from registration.keys_cli import rotate_and_republish
from registration.service import SERVICE
from registration.tables import ticket_keys

from ..support.key_files import database_files_holding, mode, seeds_in_database, seeds_kept
from ..support.services import migrate
from .conftest import ADMIN_TOKEN, Api

EXTRA = {"REGISTRATION_ADMIN_TOKEN": ADMIN_TOKEN, "REGISTRATION_RATE_LIMIT": "10000/second"}


@pytest.fixture
def running(settings_for):
    """Start registration on a database prepared by `prepare(settings)`; its Api."""
    started = []

    def start(prepare=migrate, **extra):
        settings = settings_for("registration", extra={**EXTRA, **extra})
        prepare(settings)
        app = create_app(settings)
        started.append((app, make_engine(settings.database_url)))
        return Api(app, started[-1][1]), settings
    yield start
    for app, engine in started:
        close_service_app(app)
        engine.dispose()


def ticket_signed(api) -> dict:
    slug = api.create_forum(slug=f"dien-dan-{len(api.events())}")
    api.put_point(slug, "HN-01")
    return api.register(slug, api.person("HN-01")).json


def published(api) -> dict:
    return {k["kid"]: unb64(k["public_key"]) for k in api.events("registration.forum-published.v1")[-1].data["ticket_keys"]}


def test_the_ticket_seed_is_in_a_file_only_the_owner_can_read_and_not_in_the_database(running):
    api, settings = running()
    person = ticket_signed(api)
    key = api.context.keys.active()
    path = settings.var_dir / "keys" / "registration-signing-keys.json"  # the default, beside var/db
    assert api.context.config.signing_keys_file == path
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    assert KeyFile(path).find(key.kid).seed == key.seed and seeds_kept(path) == {key.kid}
    assert seeds_in_database(settings.database_url, ticket_keys) == []
    assert database_files_holding(settings.database_url, key) == []
    assert verify(person["ticket"]["qr_payload"], published(api)).registration_id == person["id"]


def test_an_older_installs_seed_moves_to_the_key_file_and_leaves_no_trace_in_the_database(running):
    active, retired = SigningKey.generate(), SigningKey.generate()

    def as_an_older_version_left_it(settings):
        upgrade(SERVICE, settings.database_url, "0003")
        engine = make_engine(settings.database_url)
        with write_transaction(engine) as conn:
            for key, is_active in ((retired, False), (active, True)):
                conn.execute(ticket_keys.insert().values(
                    kid=key.kid, private_key=b64(key.seed), public_key=b64(key.public_key), active=is_active,
                    created_at=datetime.now(timezone.utc)))
        engine.dispose()
        migrate(settings)

    api, settings = running(as_an_older_version_left_it)
    person = ticket_signed(api)
    assert api.context.keys.active().kid == active.kid  # the same key goes on signing
    assert person["ticket"]["qr_payload"] and set(published(api)) == {retired.kid, active.kid}
    path = api.context.config.signing_keys_file
    assert seeds_kept(path) == {active.kid}  # the retired seed signs nothing: it is not kept anywhere
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    assert seeds_in_database(settings.database_url, ticket_keys) == []
    for key in (active, retired):
        assert database_files_holding(settings.database_url, key) == []


def test_rotation_keeps_only_the_new_seed_and_tickets_of_both_keys_verify(running):
    api, settings = running()
    old = ticket_signed(api)
    old_kid = api.context.keys.active().kid
    new_kid = rotate_and_republish(api.engine, api.context.keys.seeds)
    api.context.keys.refresh_s = 0
    new = ticket_signed(api)
    assert api.context.keys.active().kid == new_kid != old_kid
    assert seeds_kept(api.context.config.signing_keys_file) == {new_kid}
    assert seeds_in_database(settings.database_url, ticket_keys) == []
    keys = published(api)
    assert verify(old["ticket"]["qr_payload"], keys).registration_id == old["id"]
    assert verify(new["ticket"]["qr_payload"], keys).registration_id == new["id"]


def test_a_key_file_in_a_configured_place_readable_by_others_is_refused(running, tmp_path):
    path = tmp_path / "secrets" / "registration.keys"
    api, _ = running(REGISTRATION_SIGNING_KEYS_FILE=str(path))
    ticket_signed(api)
    assert (mode(path.parent), mode(path)) == (0o700, 0o600)
    os.chmod(path, 0o644)
    api.context.keys.refresh_s = 0
    with pytest.raises(KeyFileError, match="chmod 600"):
        api.context.keys.active()


def test_a_lost_key_file_stops_signing_until_a_rotation_publishes_a_new_key(running):
    api, _ = running()
    old = ticket_signed(api)
    path = api.context.config.signing_keys_file
    path.unlink()
    api.context.keys.refresh_s = 0
    with pytest.raises(KeyFileError, match="rotate"):
        api.context.keys.active()
    new_kid = rotate_and_republish(api.engine, api.context.keys.seeds)
    assert api.context.keys.active().kid == new_kid and seeds_kept(path) == {new_kid}
    assert verify(old["ticket"]["qr_payload"], published(api)).registration_id == old["id"]


def test_a_configured_seed_signs_and_is_written_nowhere(running):
    configured = SigningKey.generate()
    api, settings = running(REGISTRATION_TICKET_PRIVATE_KEY=b64(configured.seed))
    ticket_signed(api)
    assert api.context.keys.active().kid == configured.kid
    assert not api.context.config.signing_keys_file.exists()
    assert seeds_in_database(settings.database_url, ticket_keys) == []
    assert database_files_holding(settings.database_url, configured) == []
