"""Money in and time passing: Stripe top-ups, refunds, auto top-up, notification delivery, billing crons."""
