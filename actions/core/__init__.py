"""Pure triage logic: no Rasa, no network, only the standard library and PyYAML."""
