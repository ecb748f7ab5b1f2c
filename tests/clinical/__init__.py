"""The clinical review set (see ``review.py``)."""
