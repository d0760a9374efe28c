"""The Rasa engine's runtime, apart from the NLU that shapes the model: the entry point that starts
Rasa (with its version check and fenced patches) and the in-process tracker store."""
