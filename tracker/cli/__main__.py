"""``python -m tracker.cli`` runs the ``tracker`` command."""

from tracker.cli.main import main

main()
