"""The one place that decides what a failure while handling an event means."""
from __future__ import annotations

from enum import Enum

from kafka.errors import KafkaError
from sqlalchemy import exc as sa_exc


class FailureKind(Enum):
    TRANSIENT = "transient"  # infrastructure: stop, wait, try the same message again
    POISON = "poison"        # the message itself: retrying cannot help; dead-letter it


def database_away(error: BaseException) -> bool:
    """A failure to reach the database (connection refused or lost, the server shutting down, a
    lock or no pooled connection in time), not an error in what was asked of it."""
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError, sa_exc.DisconnectionError,
                          sa_exc.TimeoutError)):
        return True
    return isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated


def classify_failure(error: BaseException) -> FailureKind:
    # IntegrityError and DataError say the data is wrong, not that the database is away.
    if isinstance(error, (sa_exc.IntegrityError, sa_exc.DataError)):
        return FailureKind.POISON
    # The database away (lost connections, locks, timeouts), the broker away, and a schema not
    # migrated yet (ProgrammingError; SQLite reports "no such table" as OperationalError): fixed
    # by waiting or by an operator, never by throwing events away.
    if database_away(error) or isinstance(error, (sa_exc.ProgrammingError, KafkaError, ConnectionError,
                                                  TimeoutError)):
        return FailureKind.TRANSIENT
    return FailureKind.POISON
