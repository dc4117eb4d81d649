"""The database: the declarative base and column types every model uses, and the engine and session per app."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from typing import Any, TypeVar, cast

from flask import current_app
from sqlalchemy import JSON, Engine, ForeignKey, String, Table, create_engine, event, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, scoped_session, sessionmaker
from sqlalchemy.types import DateTime, TypeDecorator

from service.files import private_file

# JSONB on PostgreSQL (indexable, compact), plain JSON text on SQLite.
JsonDocument = JSON().with_variant(JSONB(), "postgresql")


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    pass


class TenantOwned:
    """A row one tenant owns: a UUID id, and the tenant, indexed because every read is scoped to one."""

    # First, as the migrations made them (a mixin's columns would otherwise follow the model's own).
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id, sort_order=-1)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True, sort_order=-1)


Owned = TypeVar("Owned", bound=TenantOwned)


def tenant_row(session: Session, model: type[Owned], tenant_id: str, row_id: str) -> Owned | None:
    """The tenant's row with this id; another tenant's id reads as none, the same as an unknown one."""
    return session.scalar(select(model).where(model.id == row_id, model.tenant_id == tenant_id))


def tenant_rows(session: Session, model: type[Owned], tenant_id: str, order_by: Any) -> list[Owned]:
    return list(session.scalars(select(model).where(model.tenant_id == tenant_id).order_by(order_by)))


def table(model: type[Base]) -> Table:
    """A model's table, for Core statements on hot paths (multi-row INSERTs the unit of work need not track)."""
    return cast(Table, model.__table__)


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain postgresql:// URLs."""
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _tune_sqlite(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the API read while the worker writes; busy_timeout makes writers wait instead of failing.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def prepare_database_file(url: str) -> None:
    """A SQLite database file is created owner-only before SQLite opens it: it holds key hashes and secrets."""
    parsed = make_url(normalise_database_url(url))
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        private_file(parsed.database)


def build_engine(url: str) -> Engine:
    """An engine for the URL, with the settings each backend needs."""
    url = normalise_database_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        prepare_database_file(url)
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _tune_sqlite)
        return engine
    engine = create_engine(url, pool_size=5, max_overflow=10)
    ping_when_idle(engine, IDLE_BEFORE_PING_SECONDS)
    return engine


# A pooled connection unused for longer than this is pinged before it is handed out (see ping_when_idle).
IDLE_BEFORE_PING_SECONDS = 1.0


def ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection before handing it out only if it sat unused for `idle_seconds`.

    pool_pre_ping pings at every checkout: a round trip per request, 10% of an accepted article under load. A
    connection in steady use proves itself alive; one idle for a while (a database restart may have closed it) is
    checked, and replaced by a fresh one when it fails. One that died less than `idle_seconds` ago fails its
    statement instead, which invalidates the pool (SQLAlchemy's disconnect handling): one request per process
    sees the error, not one per connection.
    """

    @event.listens_for(engine, "checkin")
    def remember_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["checked_in_at"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        checked_in_at = record.info.get("checked_in_at")
        if checked_in_at is None or time.monotonic() - checked_in_at < idle_seconds:
            return
        try:
            with dbapi_connection.cursor() as cursor:
                cursor.execute("SELECT 1")
            # psycopg opens a transaction for the SELECT; leave the connection as the pool hands it out.
            dbapi_connection.rollback()
        except Exception as error:
            # The pool discards this connection and checks out another (SQLAlchemy's pessimistic-disconnect recipe).
            raise DisconnectionError(str(error)) from error


class Database:
    """An engine and a scoped session bound to it; the app removes the session after each request or task."""

    def __init__(self, url: str) -> None:
        self.url = normalise_database_url(url)
        self.engine = build_engine(self.url)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session: scoped_session[Session] = scoped_session(self.session_factory)
        # For requests that only read (GET, HEAD): the same pool, without a transaction around the statements. On
        # PostgreSQL each statement of a READ COMMITTED transaction sees what was committed when it began anyway, so
        # nothing changes for a read but the BEGIN and the ROLLBACK round trips around its SELECT (a third of a
        # GET's time in the database). A write in such a request would commit statement by statement; none does.
        autocommit = self.engine.execution_options(isolation_level="AUTOCOMMIT")
        self.read_engine = self.engine if self.is_sqlite else autocommit

    def begin_read_only_scope(self) -> None:
        """Bind this request's session to `read_engine`, before anything in the request uses it. A session already in
        use (a request inside a caller's app context) or bound elsewhere (a test's transaction) is left as it is."""
        bound_to_engine = self.session.session_factory.kw.get("bind") is self.engine
        if self.read_engine is not self.engine and bound_to_engine and not self.session.registry.has():
            self.session(bind=self.read_engine)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def current_session() -> Session:
    """The session of the running request, task or command (removed by the app when it ends)."""
    session: Session = current_app.extensions["db"].session
    return session
