"""The API's endpoints (`orders.py`, `shops.py`, `docs.py`) and the tokens pages (`tokens.py`)."""
