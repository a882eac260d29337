"""Intake: logging contacts and turning them into complaints (operator UI, API, phone line)."""
