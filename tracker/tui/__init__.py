"""The review UI (Textual): a thin layer over tracker.review (what to show) and tracker.annotate (decisions)."""
