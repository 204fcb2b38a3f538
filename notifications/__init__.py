"""Notifications: the transactional outbox, message rendering and transports (SMTP, .eml folder)."""
