"""The public side: web reports, progress look-up, evidence files (issue 21)."""
