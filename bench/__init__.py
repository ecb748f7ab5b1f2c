"""Performance figures of LMS Board (``make bench`` runs ``python -m bench.run``)."""
