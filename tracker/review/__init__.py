"""What the review UI shows, read from the store without any UI code: the worklist of commitments with
their current status, the per-block overview, and one commitment's detail with its evidence."""
