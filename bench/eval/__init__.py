"""Evaluation and benchmark tools (`make eval`, `make bench`); not collected by pytest."""
