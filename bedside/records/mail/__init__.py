"""Patient email brought into the record: an inbound SMTP service (aiosmtpd) and its ingestion."""
