"""What both runtimes share (the Rasa side on Python 3.10, the bot on 3.11+): the label contract,
normalisation, the crisis matcher and the dialogue cues, the responses and helplines loaders, the
register rule. Imported by actions/ and bot/; it imports neither."""
