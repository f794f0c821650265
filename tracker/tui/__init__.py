"""The review UI (Textual): a thin layer over tracker.review, reached through its desk (review/desk.py)."""
