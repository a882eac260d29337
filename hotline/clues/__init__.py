"""The clue register (问题线索台账): numbers, sources, named reporters' duties, transfers, referrals."""
