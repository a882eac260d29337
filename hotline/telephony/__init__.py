"""The phone line: Twilio SMS and voice webhooks, the outbound SMS outbox and the outage spool.

Webhooks (views.py) check the signature, then hand the form to `sms` or `voice`, which log
reports through `hotline.intake.service.log_contact`; when the database is down the raw
request goes to the `spool` and `python -m hotline spool replay` ingests it later.
"""
