"""Reads of the API: tokens (`tokens.py`) and orders as a token may read them (`orders.py`)."""
