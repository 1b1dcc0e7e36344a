"""Reads of the API: tokens (`tokens.py`), and orders (`orders.py`) and export jobs
(`exports.py`) as a token may read them."""
