"""The one place that decides what a failure while handling an event means."""
from __future__ import annotations

from enum import Enum

from kafka.errors import KafkaError
from sqlalchemy import exc as sa_exc


class FailureKind(Enum):
    TRANSIENT = "transient"  # infrastructure: stop, wait, try the same message again
    POISON = "poison"        # the message itself: retrying cannot help; dead-letter it


def classify_failure(error: BaseException) -> FailureKind:
    # IntegrityError and DataError say the data is wrong, not that the database is away.
    if isinstance(error, (sa_exc.IntegrityError, sa_exc.DataError)):
        return FailureKind.POISON
    # Lost connections, locks, timeouts, and a schema not migrated yet (ProgrammingError;
    # SQLite reports "no such table" as OperationalError): fixed by waiting or by an operator,
    # never by throwing events away.
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.ProgrammingError,
                          sa_exc.DisconnectionError, sa_exc.TimeoutError, KafkaError,
                          ConnectionError, TimeoutError)):
        return FailureKind.TRANSIENT
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return FailureKind.TRANSIENT
    return FailureKind.POISON
