"""An older install's people waiting for their hours keep waiting no longer than they did."""
from sqlalchemy import text

from checkin.service import SERVICE
from checkin.services.hours import due_count
from forumops_shared.db import make_engine, readonly, write_transaction
from forumops_shared.migrations import upgrade

from ..support.services import migrate


def test_marks_waiting_before_the_upgrade_are_due_at_once_after_it(settings_for):
    settings = settings_for("checkin")
    upgrade(SERVICE, settings.database_url, "0008")  # marks had no time: the next pass took them
    engine = make_engine(settings.database_url)
    try:
        with write_transaction(engine) as conn:
            conn.execute(text("INSERT INTO hours_due (registration_id, forum) VALUES ('r-1', 'f'), ('r-2', 'f')"))
        migrate(settings)
        with readonly(engine).connect() as conn:
            assert due_count(conn) == 2
    finally:
        engine.dispose()
