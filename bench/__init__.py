"""Benchmarks and evaluation tools (`make eval`, `make bench`, `make loadtest`): they measure and
write into docs/; they are not tests."""
