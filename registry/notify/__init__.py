"""Notifications (提醒): reminder and decision e-mails over SMTP, each sent once."""
