"""Administration: users, offices; the audit trail for auditors."""
