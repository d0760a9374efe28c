"""Alembic environment: the URL comes from the caller (bot.storage.db.upgrade)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.storage.models import Base

config = context.config
url = config.get_main_option("sqlalchemy.url")
if url is None:
    raise RuntimeError("alembic needs sqlalchemy.url: run migrations through bot.storage.db.upgrade")
connectable = create_engine(url)
with connectable.connect() as connection:
    context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
connectable.dispose()
