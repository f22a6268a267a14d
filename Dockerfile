# One image for web, worker and beat (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
RUN useradd --create-home --uid 1000 mpact

COPY pyproject.toml README.md ./
COPY mpact ./mpact
COPY volunteers ./volunteers
COPY initiatives ./initiatives
COPY matching ./matching
RUN pip install --no-cache-dir .
COPY . .
# Static files are collected at build time with a throw-away key; whitenoise serves them.
RUN SECRET_KEY=collectstatic-only DEBUG=false python manage.py collectstatic --no-input -v0 \
    && mkdir -p /app/var && chown -R mpact /app/var

USER mpact
ENV MPACT_VAR_DIR=/app/var
EXPOSE 8000
CMD ["gunicorn", "mpact.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
