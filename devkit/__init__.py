"""Development tools: demo JWTs and a local stand-in for Stripe (`python -m devkit --help`)."""
