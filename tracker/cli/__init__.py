"""The ``tracker`` command line: ``main`` (the commands and their entry point), ``review`` (the
review commands: annotate, export, import, diff) and ``plumbing`` (what every command shares)."""
