"""Where the matcher's output meets the reviewer's decisions, for writing and for reading: taking and
undoing decisions, the current status, the evidence, the worklist and the detail the UI shows, the
matching run with decisions in force, and exchanging decisions between databases."""
