"""The hand-off, with one owner: statuses (states.py), the rules on the database (service.py:
requests, re-announcement, the relay's recipient; who has room lives with the queries in
bot/storage/handoffs.py), what cards say (cards.py) and the staffed hours (hours.py). The Telegram
adapter only turns updates into these calls and their results into messages."""
