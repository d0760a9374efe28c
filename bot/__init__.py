"""Transport: carries messages between the user and the dialogue engine (no advice, no flow)."""
