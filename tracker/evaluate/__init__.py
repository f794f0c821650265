"""Scoring the matcher against gold files: reading them (``gold``), what counts (``scoring``, ``sets``),
the figures (``scores``) and the table ``tracker eval`` prints (``table``)."""
