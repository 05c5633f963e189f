# The credits actions service (package `actions`). Build: docker build -t credits-actions .
# Configuration comes from CREDITS_* environment variables (docs/actions.md); outside dev the service refuses
# to start without CREDITS_DATABASE_URL and a real CREDITS_HASURA_ACTION_SECRET.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY actions ./actions
# The service needs the development database package only in dev (no CREDITS_DATABASE_URL); never gqlengine.
COPY devdb ./devdb
RUN pip install . && useradd --system --uid 10001 credits

USER credits
ENV CREDITS_ENVIRONMENT=prod \
    CREDITS_HOST=0.0.0.0 \
    CREDITS_PORT=3000
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:3000/healthz', timeout=2)"
CMD ["python", "-m", "actions"]
