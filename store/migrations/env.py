"""Alembic environment: the engine comes from Baton (store.migrate), never from an ini file."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Engine

from store.models import metadata

engine: Engine | None = context.config.attributes.get("engine")


def run_migrations() -> None:
    if engine is None:
        raise RuntimeError("run migrations through store.migrate (baton migrate)")
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
