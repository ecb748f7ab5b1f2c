"""LMS Board: leiomyosarcoma cases prepared for a sarcoma multidisciplinary tumour board."""

__version__ = "0.1.0"

DISCLAIMER = (
    "Decision support for professionals preparing a tumour board discussion; not medical advice."
)
