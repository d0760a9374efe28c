"""Storage of the adapter: SQLAlchemy 2.0 models, repositories, migrations (Alembic).

Only what is needed to answer and to hand over: pseudonyms, the encrypted chat id,
labels of the triage, audit events, processed update ids. Never a name, a username, a
phone number, a media file or a message text.
"""
