# The claimtrack image: CLI, Celery worker and beat (docker-compose.yml runs all three).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# dependencies first, so a code change does not reinstall them
COPY pyproject.toml README.md ./
COPY store/ store/
COPY worker/ worker/
RUN pip install .

# celery refuses to run as root without C_FORCE_ROOT; nor should it
RUN useradd --create-home --uid 10001 claimtrack
USER claimtrack
WORKDIR /home/claimtrack

CMD ["claimtrack", "--help"]
