"""Event and cron triggers: their catalog tables, scheduling, and webhook delivery."""
