"""The credits actions service: Hasura actions, event and cron triggers over the credit SQL functions."""
