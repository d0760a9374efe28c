"""The human hand-off: staffed hours, cards and the relay between users and volunteers."""
