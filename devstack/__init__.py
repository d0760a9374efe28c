"""The local stack for developers and tests, not the bot: the launcher of `make run` and
`make run-scaled`, PostgreSQL and Redis from the lock file's wheels, and the terminal chat."""
