"""The demo: the five real seed documents of the checkout, an illustrative summary this project wrote
(``illustrative_foshan_2024_summary.txt``, labelled 示例 in its title and first lines, its figures made
up) so that one real plan meets an outcome, and a few reviewer decisions marked as examples.

It exists so that a newcomer sees what a reviewed commitment looks like without any file from outside
the repository, in a database of its own (``tracker demo``), never mixed with their documents."""

#: The demo's own database file (``tracker demo``), named here so that the command line's options can say
#: it without loading the demo's builder.
DEMO_DB = "tracker-demo.db"
