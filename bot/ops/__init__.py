"""What an operator runs besides the app: backups and the audit export."""
