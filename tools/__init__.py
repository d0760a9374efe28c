"""Tools for the people who write and review Relais: the advice checker, the helplines table."""
