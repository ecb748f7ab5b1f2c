"""Robustness suite: malformed input, random valid cases, XSS and server hardening.

``make robust`` runs it at full scale (``LMS_BOARD_ROBUST_SCALE=full``); the default
``make test`` run uses small counts.
"""
